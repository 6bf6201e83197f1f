// First-party code; see first_party_code.h.
#include "analyzers/first_party_code.h"

#include <algorithm>
#include <iterator>
#include <optional>
#include <tuple>

#include "analyzers/css_urls.h"
#include "analyzers/inline_scripts.h"
#include "analyzers/tag_attribution.h"
#include "model/domain.h"
#include "model/url.h"
#include "model/utf8.h"

namespace tw {
namespace {

constexpr std::size_t kMaxTagsFromFilesPerPage = 500;
constexpr std::size_t kMaxFileNotesPerPage = 20;

// Line and column of increasing offsets in one forward walk over `text`.
class Positions {
 public:
  explicit Positions(std::string_view text) : text_(text) {}

  std::pair<int, int> at(std::size_t offset) {
    offset = std::min(offset, text_.size());
    if (offset < at_) *this = Positions(text_);
    for (; at_ < offset; ++at_) {
      unsigned char c = static_cast<unsigned char>(text_[at_]);
      if (c == '\n') {
        ++line_;
        column_ = 1;
      } else if ((c & 0xC0) != 0x80) {
        ++column_;
      }
    }
    return {line_, column_};
  }

 private:
  std::string_view text_;
  std::size_t at_ = 0;
  int line_ = 1;
  int column_ = 1;
};

bool valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t start = i;
    char32_t point = next_code_point(text, i);
    // A literal U+FFFD takes three bytes; a replaced invalid byte takes one.
    if (point == kReplacementCharacter && i - start == 1) return false;
  }
  return true;
}

std::optional<std::string> absolute_url(std::string_view asset_url, std::string_view written) {
  std::optional<std::string> url = resolve_url(asset_url, written);
  if (!url || !is_http_url(*url)) return std::nullopt;
  if (std::size_t hash = url->find('#'); hash != std::string::npos) url->resize(hash);
  return url;
}

void add_script_references(std::string_view body, const FirstPartyAsset& asset, AssetScan& out) {
  InlineScriptFacts facts =
      scan_inline_script(body, {.https_page = asset.url.starts_with("https:")});
  Positions positions(body);
  for (ScriptReference& reference : facts.references) {
    std::optional<std::string> url = absolute_url(asset.url, reference.url);
    if (!url) continue;
    auto [line, column] = positions.at(reference.offset);
    out.references.push_back({std::move(*url), line, column, TagKind::inline_snippet,
                              reference.form, std::move(reference.snippet),
                              std::move(reference.ids)});
  }
}

void add_css_references(std::string_view body, const FirstPartyAsset& asset, AssetScan& out) {
  Positions positions(body);
  for (const CssReference& reference : css_references(body)) {
    std::optional<std::string> url = absolute_url(asset.url, reference.url);
    if (!url) continue;
    auto [line, column] = positions.at(reference.offset);
    AssetReference& added = out.references.emplace_back();
    added.url = std::move(*url);
    added.line = line;
    added.column = column;
    added.kind = TagKind::css;
  }
}

std::string note_for(const FirstPartyAsset& asset, std::string_view what) {
  return std::string(kFirstPartyNotePrefix) + asset.url.substr(0, 300) + ": " + std::string(what);
}

// What identifies a tag from a file, for telling whether a page's tags changed.
auto identity(const Tag& tag) {
  return std::tie(tag.url, tag.parent, tag.line, tag.column, tag.initiator, tag.kind, tag.vendor);
}

Tag tag_for(const FirstPartyAsset& asset, const AssetReference& reference, std::string host,
            const TagAttribution& attribution) {
  Tag tag;
  tag.kind = reference.kind;
  tag.url = reference.url;
  tag.host = std::move(host);
  tag.line = reference.line;
  tag.column = reference.column;
  tag.initiator = asset.stylesheet ? Initiator::stylesheet : Initiator::first_party_script;
  tag.parent = asset.url;
  tag.snippet = reference.snippet;
  tag.ids = ids_from_url(tag.url);
  for (const std::string& id : reference.ids) {
    if (std::find(tag.ids.begin(), tag.ids.end(), id) == tag.ids.end()) tag.ids.push_back(id);
  }
  attribution.attribute(tag);
  return tag;
}

}  // namespace

bool is_inert_host(std::string_view host) {
  // Namespaces, reserved example names, and the documentation sites frameworks link from the
  // error and warning messages compiled into every bundle (React's error decoder, Vue's and
  // Angular's guides, MDN), which no page loads.
  constexpr std::string_view kInert[] = {
      "w3.org",      "schema.org",  "xmlns.com",   "purl.org",       "ogp.me",     "example.com",
      "example.org", "example.net", "localhost",   "reactjs.org",    "react.dev",  "fb.me",
      "vuejs.org",   "angular.io",  "angular.dev", "webpack.js.org", "babeljs.io", "mozilla.org"};
  std::string domain = registrable_domain(host);
  if (domain == host && host.find('.') == std::string_view::npos) return true;
  return std::find(std::begin(kInert), std::end(kInert), domain) != std::end(kInert);
}

AssetScan asset_references(std::string_view body, const FirstPartyAsset& asset) {
  AssetScan out;
  if (!valid_utf8(body)) out.notes.push_back("not valid UTF-8; read byte for byte");
  if (asset.stylesheet) {
    add_css_references(body, asset, out);
  } else {
    add_script_references(body, asset, out);
  }
  if (out.references.size() > kMaxReferencesPerAsset) {
    out.references.resize(kMaxReferencesPerAsset);
    out.notes.push_back("names more than " + std::to_string(kMaxReferencesPerAsset) +
                        " URLs; only the first were read");
  }
  return out;
}

bool add_first_party_tags(PageAnalysis& page, const AnalysisContext& context,
                          const AssetLookup& lookup) {
  auto from_file = [](const Tag& tag) { return from_first_party_file(tag.initiator); };
  auto file_note = [](const std::string& note) { return note.starts_with(kFirstPartyNotePrefix); };
  if (page.first_party_assets.empty() &&
      std::none_of(page.tags.begin(), page.tags.end(), from_file) &&
      std::none_of(page.notes.begin(), page.notes.end(), file_note)) {
    return false;
  }
  std::vector<Tag> before;
  std::copy_if(page.tags.begin(), page.tags.end(), std::back_inserter(before), from_file);
  std::vector<std::string> notes_before;
  std::copy_if(page.notes.begin(), page.notes.end(), std::back_inserter(notes_before), file_note);
  std::erase_if(page.tags, from_file);
  std::erase_if(page.notes, file_note);
  if (page.consent_manager_index >= static_cast<int>(page.tags.size())) {
    page.consent_manager_index = -1;
  }

  TagAttribution attribution(
      page.page.final_url.empty() ? page.page.requested_url : page.page.final_url, context);
  std::size_t first_added = page.tags.size();
  std::size_t notes_added = 0;
  bool cut = false;
  for (const FirstPartyAsset& asset : page.first_party_assets) {
    std::shared_ptr<const AssetScan> scan = lookup(asset);
    for (const std::string& note : scan->notes) {
      if (notes_added++ < kMaxFileNotesPerPage) page.notes.push_back(note_for(asset, note));
    }
    for (const AssetReference& reference : scan->references) {
      std::string host = url_host(reference.url);
      if (host.empty() || is_inert_host(host) || attribution.is_first_party(host) ||
          !attribution.accepts_script_url(reference.form, reference.url)) {
        continue;
      }
      if (page.tags.size() - first_added >= kMaxTagsFromFilesPerPage) {
        cut = true;
        break;
      }
      page.tags.push_back(tag_for(asset, reference, std::move(host), attribution));
    }
  }
  if (cut) {
    page.notes.push_back(std::string(kFirstPartyNotePrefix) + "references past " +
                         std::to_string(kMaxTagsFromFilesPerPage) + " per page were cut");
  }

  std::vector<std::string> notes_after;
  std::copy_if(page.notes.begin(), page.notes.end(), std::back_inserter(notes_after), file_note);
  bool same_tags =
      std::equal(before.begin(), before.end(), page.tags.begin() + first_added, page.tags.end(),
                 [](const Tag& a, const Tag& b) { return identity(a) == identity(b); });
  return !same_tags || notes_before != notes_after;
}

}  // namespace tw
