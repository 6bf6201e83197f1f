// analyze_page: parse, walk the tree once (iteratively) collecting every reference a page makes,
// resolve and keep the third-party ones as Tags, attribute vendors and IDs; facts only (the scan
// pipeline runs the rules). See page_analyzer.h for the contract. Gumbo 0.10.1 facts relied on
// here: it parses with scripting off, so <noscript> content in <body> comes back as elements; in
// <head> a <noscript> holding an <img> or <iframe> closes at once and the element lands in <body>,
// with its source position still right (hence the noscript spans). It overflows the stack on very
// deep nesting and is quadratic on long runs of unclosed formatting tags, so html_document.cpp
// measures the tags before parsing and every walk here is iterative.
#include "analyzers/page_analyzer.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <unordered_set>
#include <utility>

#include "analyzers/css_urls.h"
#include "analyzers/fast_url.h"
#include "analyzers/html_document.h"
#include "analyzers/inline_scripts.h"
#include "analyzers/resource_integrity.h"
#include "analyzers/tag_attribution.h"
#include "model/body_text.h"
#include "model/domain.h"
#include "model/text.h"
#include "model/url.h"
#include "policy/policy_model.h"

namespace tw {
namespace {

constexpr int kShapeDepth = 4;  // <html>, <body>, its children, grandchildren, great-grandchildren
constexpr std::size_t kMaxShapeParts = 4096;
constexpr std::size_t kMaxAttributeValue = 2048;  // longer values are cut (100 MB attributes)
constexpr std::size_t kMaxNotes = 20;

std::size_t find_ignoring_case(std::string_view text, std::string_view needle, std::size_t from) {
  if (needle.empty() || text.size() < needle.size()) return std::string_view::npos;
  char first_lower = lower_ascii(needle[0]);
  char first_upper =
      first_lower >= 'a' && first_lower <= 'z' ? static_cast<char>(first_lower - 32) : first_lower;
  std::size_t last = text.size() - needle.size();
  while (from <= last) {
    // memchr for the first byte (the needles here start with '<' or a letter seen rarely).
    const void* hit = std::memchr(text.data() + from, first_lower, last - from + 1);
    std::size_t at = hit != nullptr
                         ? static_cast<std::size_t>(static_cast<const char*>(hit) - text.data())
                         : std::string_view::npos;
    if (first_upper != first_lower) {
      const void* upper_hit = std::memchr(text.data() + from, first_upper, last - from + 1);
      if (upper_hit != nullptr) {
        at = std::min(at,
                      static_cast<std::size_t>(static_cast<const char*>(upper_hit) - text.data()));
      }
    }
    if (at == std::string_view::npos) return at;
    if (equals_ignoring_ascii_case(text.substr(at, needle.size()), needle)) return at;
    from = at + 1;
  }
  return std::string_view::npos;
}

const char* attribute(const GumboElement& element, const char* name) {
  const GumboAttribute* found = gumbo_get_attribute(&element.attributes, name);
  return found != nullptr ? found->value : nullptr;
}

// Line and column `offset` bytes into `text`, which starts at `start` (Gumbo positions are
// 1-based; columns count code points, a tab is one).
std::pair<int, int> advance(GumboSourcePosition start, std::string_view text, std::size_t offset) {
  int line = static_cast<int>(start.line), column = static_cast<int>(start.column);
  offset = std::min(offset, text.size());
  for (std::size_t i = 0; i < offset; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++line;
      column = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++column;
    }
  }
  return {line, column};
}

// Attributes the rules read; anything else is left out of the Tag.
bool is_kept_attribute(std::string_view name) {
  static const std::unordered_set<std::string_view> kept = {"async",
                                                            "defer",
                                                            "type",
                                                            "nomodule",
                                                            "integrity",
                                                            "crossorigin",
                                                            "nonce",
                                                            "referrerpolicy",
                                                            "sandbox",
                                                            "allow",
                                                            "allowfullscreen",
                                                            "loading",
                                                            "rel",
                                                            "as",
                                                            "width",
                                                            "height",
                                                            "style",
                                                            "media",
                                                            "method",
                                                            "id",
                                                            "fetchpriority",
                                                            "charset",
                                                            "data-cookieconsent",
                                                            "data-cookiecategory",
                                                            "data-category",
                                                            "data-categories",
                                                            "data-usercentrics",
                                                            "data-consent",
                                                            "data-cbid",
                                                            "data-domain-script",
                                                            "data-settings-id",
                                                            "data-domain",
                                                            "data-blockingmode",
                                                            "data-src",
                                                            "data-cmp-ab",
                                                            "data-type"};
  return kept.contains(name);
}

bool is_consent_class(std::string_view value) {
  return value.find("optanon-category-") != std::string_view::npos ||
         value.find("cmplz-") != std::string_view::npos ||
         value.find("cookieconsent") != std::string_view::npos;
}

// Blocked until consent: the markers Cookiebot, OneTrust, Usercentrics, Complianz, Klaro and
// similar managers put on the tags they hold back.
bool is_consent_gated(const GumboElement& element) {
  const char* type = attribute(element, "type");
  bool text_plain =
      type != nullptr && equals_ignoring_ascii_case(trim(type, kHtmlSpace), "text/plain");
  if (const char* value = attribute(element, "data-cookieconsent")) {
    return !equals_ignoring_ascii_case(trim(value, kHtmlSpace), "ignore") &&
           !equals_ignoring_ascii_case(trim(value, kHtmlSpace), "necessary");
  }
  if (attribute(element, "data-usercentrics") != nullptr) return true;
  if (const char* classes = attribute(element, "class")) {
    std::string_view text = classes;
    if (text.find("optanon-category-") != std::string_view::npos) {
      return text.find("optanon-category-C0001") == std::string_view::npos || text_plain;
    }
    if (text_plain && is_consent_class(text)) return true;
  }
  if (text_plain) {
    for (const char* marker : {"data-category", "data-cookiecategory", "data-categories",
                               "data-consent", "data-name", "data-type"}) {
      if (attribute(element, marker) != nullptr) return true;
    }
  }
  return false;
}

bool parse_pixel_dimension(const char* value) {
  if (value == nullptr) return false;
  std::string_view text = trim(value, kHtmlSpace);
  if (text.ends_with("px")) text.remove_suffix(2);
  return text == "0" || text == "1";
}

bool is_hidden_style(std::string_view style) {
  std::string compact;
  for (char c : style) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') compact.push_back(lower_ascii(c));
  }
  return compact.find("display:none") != std::string::npos ||
         compact.find("visibility:hidden") != std::string::npos ||
         (compact.find("width:1px") != std::string::npos &&
          compact.find("height:1px") != std::string::npos);
}

bool is_tracking_pixel(const GumboElement& element) {
  if (parse_pixel_dimension(attribute(element, "width")) ||
      parse_pixel_dimension(attribute(element, "height"))) {
    return true;
  }
  const char* style = attribute(element, "style");
  return style != nullptr && is_hidden_style(style);
}

// Script types whose text is data, not code that loads anything.
bool is_data_script(const char* type) {
  if (type == nullptr) return false;
  std::string_view text = trim(type, kHtmlSpace);
  for (std::string_view data :
       {"application/ld+json", "application/json", "text/template", "text/x-template", "text/html",
        "text/x-handlebars-template", "speculationrules", "text/x-magento-init"}) {
    if (equals_ignoring_ascii_case(text, data)) return true;
  }
  return false;
}

// "5; url=https://…" -> the URL part.
std::string_view refresh_target(std::string_view content) {
  std::size_t at = find_ignoring_case(content, "url", 0);
  if (at == std::string_view::npos) return {};
  std::string_view rest = trim(content.substr(at + 3), kHtmlSpace);
  if (rest.empty() || rest.front() != '=') return {};
  rest = trim(rest.substr(1), kHtmlSpace);
  if (!rest.empty() && (rest.front() == '\'' || rest.front() == '"')) {
    char quote = rest.front();
    rest.remove_prefix(1);
    if (std::size_t end = rest.find(quote); end != std::string_view::npos)
      rest = rest.substr(0, end);
  }
  return rest;
}

// srcset="a.png 1x, b.png 2x" -> the URLs.
std::vector<std::string_view> srcset_urls(std::string_view srcset) {
  std::vector<std::string_view> urls;
  std::size_t at = 0;
  while (at < srcset.size()) {
    while (at < srcset.size() && (srcset[at] == ' ' || srcset[at] == ',' || srcset[at] == '\n' ||
                                  srcset[at] == '\t' || srcset[at] == '\r')) {
      ++at;
    }
    std::size_t start = at;
    while (at < srcset.size() && srcset[at] != ' ' && srcset[at] != '\n' && srcset[at] != '\t' &&
           srcset[at] != '\r') {
      ++at;
    }
    std::string_view url = srcset.substr(start, at - start);
    while (url.ends_with(',')) url.remove_suffix(1);
    if (!url.empty()) urls.push_back(url);
    while (at < srcset.size() && srcset[at] != ',') ++at;  // the descriptor
  }
  return urls;
}

// Host of a URL as resolve_url writes it (scheme://[userinfo@]host[:port]/...).
std::string host_of(std::string_view url) {
  std::size_t start = url.find("://");
  if (start == std::string_view::npos) return {};
  start += 3;
  std::size_t end = url.find_first_of("/?#", start);
  std::string_view authority =
      url.substr(start, end == std::string_view::npos ? url.npos : end - start);
  if (std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  if (!authority.empty() && authority.front() == '[') {
    std::size_t close = authority.find(']');
    return std::string(authority.substr(1, close == std::string_view::npos ? close : close - 1));
  }
  if (std::size_t colon = authority.find(':'); colon != std::string_view::npos) {
    authority = authority.substr(0, colon);
  }
  std::string host(authority);
  for (char& c : host) c = lower_ascii(c);
  while (!host.empty() && host.back() == '.') host.pop_back();
  return host;
}

// SVG <use> (Gumbo has no tag enum for it): its href loads an external sprite file.
bool is_svg_use(const GumboElement& element) {
  if (element.tag != GUMBO_TAG_UNKNOWN || element.original_tag.length < 4) return false;
  std::string_view tag(element.original_tag.data, element.original_tag.length);
  if (!equals_ignoring_ascii_case(tag.substr(0, 4), "<use")) return false;
  char after = tag.size() > 4 ? tag[4] : '>';
  return after == '>' || after == '/' || after == ' ' || after == '\t' || after == '\n' ||
         after == '\r' || after == '\f';
}

// In written markup Gumbo turns the evaluator's unknown parts into U+FFFD: a URL is kept up to
// the first one, and only when its host is complete before it.
bool cut_at_unknown_part(std::string_view& url) {
  std::size_t unknown = url.find("\xEF\xBF\xBD");
  if (unknown == std::string_view::npos) return true;
  url = url.substr(0, unknown);
  std::size_t authority = url.find("//");
  if (authority == std::string_view::npos || authority > url.find_first_of("/?#")) {
    return !url.empty();  // a relative reference: the page's host
  }
  return url.find_first_of("/?#", authority + 2) != std::string_view::npos;
}

struct Span {
  std::size_t begin;
  std::size_t end;
};

// Where a document nested in the page (an iframe's srcdoc, markup a script writes) stands in the
// page's source: its offsets map to offsets of `text`, which starts at `anchor`.
struct Placement {
  GumboSourcePosition anchor;
  std::string_view text;
  const WrittenMarkup* write = nullptr;  // markup offsets -> script offsets; null: one to one
};

// Nested documents are parsed once (a srcdoc or written markup inside them is not) and bounded
// per page.
constexpr std::size_t kMaxNestedDocuments = 32;
constexpr std::size_t kMaxNestedBytes = 1 << 20;

class PageExtractor {
 public:
  PageExtractor(const HtmlDocument& document, std::string page_url, PageAnalysis& analysis,
                const TagAttribution& attribution)
      : document_(document),
        source_(document.source()),
        page_url_(std::move(page_url)),
        base_url_(page_url_),
        analysis_(analysis),
        attribution_(attribution) {}

  void run();

 private:
  struct Frame {
    GumboNode* node;
    bool in_head;
    bool in_noscript;
    int depth = 0;  // <html> is 0
    GumboTag parent_tag = GUMBO_TAG_UNKNOWN;
  };

  // A document nested in `parent`'s, with the flags of the element that holds it; `written`: the
  // markup a script passes to document.write.
  PageExtractor(PageExtractor& parent, const HtmlDocument& document, Placement placement,
                bool written)
      : document_(document),
        source_(document.source()),
        page_url_(parent.page_url_),
        base_url_(parent.base_url_),
        fast_resolver_(parent.fast_resolver_),
        analysis_(parent.analysis_),
        attribution_(parent.attribution_),
        parent_(&parent),
        placement_(placement),
        written_(written),
        title_seen_(true) {}

  void walk(Frame root);
  void add_to_shape(const GumboElement& element, const Frame& frame);
  std::string shape_digest();
  void drop_default_snippets();
  // Parses `html` as a document of its own and extracts it in place; false when it was not read
  // (the page's bound, or the parse refused it).
  bool extract_nested(std::string_view html, Placement placement, const Frame& frame, bool written);
  void visit_srcdoc(const GumboAttribute& srcdoc, const Frame& frame);
  void visit_writes(const std::vector<WrittenMarkup>& writes, const GumboNode& text,
                    const Frame& frame, std::vector<Span>& replaced);
  // Line and column in the page of `offset` bytes into `text`, which starts at `start` in this
  // extractor's document.
  std::pair<int, int> place(GumboSourcePosition start, std::string_view text,
                            std::size_t offset) const;
  void find_landmarks();
  void find_base();
  void visit(const GumboElement& element, const Frame& frame);
  void visit_script(const GumboElement& element, const Frame& frame);
  // On a payment page, every script goes into the inventory (analysis_.scripts).
  void list_script(const GumboElement& element, const char* src, const GumboNode* text);
  void visit_style_text(const GumboElement& element, const Frame& frame);
  void visit_link(const GumboElement& element, const Frame& frame);
  void visit_meta(const GumboElement& element, const Frame& frame);
  void add_link(const char* href);
  // Lists a same-site script or stylesheet file the page includes (first-party pass).
  void list_first_party_asset(TagKind kind, const GumboElement& element, std::string_view url);
  bool in_noscript_span(std::size_t offset) const;
  bool in_head_source(std::size_t offset) const;

  // Resolves and keeps one reference when it is third party.
  Tag* add_reference(TagKind kind, std::string_view raw_url, const GumboElement& element,
                     const Frame& frame, int line, int column, Initiator initiator);
  Tag* add_element_reference(TagKind kind, std::string_view raw_url, const GumboElement& element,
                             const Frame& frame) {
    auto [line, column] = place(element.start_pos, {}, 0);
    Tag* tag = add_reference(kind, raw_url, element, frame, line, column,
                             written_ ? Initiator::inline_script : Initiator::parser);
    if (tag != nullptr) tag->document_write = written_;
    return tag;
  }
  void add_note(std::string note);
  std::optional<std::string> resolve(std::string_view reference) const {
    if (std::optional<std::string> quick = fast_resolver_.resolve(reference)) return quick;
    return resolve_url(base_url_, reference);
  }
  const GumboNode* text_child(const GumboElement& element) const;
  bool keeps_site_host_reference(std::string_view host) const;

  const HtmlDocument& document_;
  std::string_view source_;
  std::string page_url_;
  std::string base_url_;
  FastResolver fast_resolver_{""};
  PageAnalysis& analysis_;
  const TagAttribution& attribution_;
  std::vector<Span> noscript_spans_;
  std::size_t head_source_end_ = std::string_view::npos;
  std::unordered_set<std::string> seen_links_;
  PageExtractor* parent_ = nullptr;  // the page's extractor, for a nested document
  Placement placement_{};
  bool written_ = false;
  std::size_t nested_documents_ = 0;
  std::size_t nested_bytes_ = 0;
  std::vector<std::size_t> default_snippets_;  // the page's tags whose URL is a family's loader
  std::size_t dropped_notes_ = 0;
  bool truncated_attribute_noted_ = false;
  // The skeleton's (depth, parent, tag) triples, for dom_shape.
  std::vector<std::uint32_t> shape_parts_;
  bool title_seen_ = false;
  int inline_scripts_ = 0;
};

void PageExtractor::add_note(std::string note) {
  if (parent_ != nullptr) {
    parent_->add_note(std::move(note));
  } else if (analysis_.notes.size() < kMaxNotes) {
    analysis_.notes.push_back(std::move(note));
  } else {
    ++dropped_notes_;
  }
}

std::pair<int, int> PageExtractor::place(GumboSourcePosition start, std::string_view text,
                                         std::size_t offset) const {
  if (parent_ == nullptr) return advance(start, text, offset);
  std::size_t in_document = start.offset + std::min(offset, text.size());
  std::size_t in_page =
      placement_.write != nullptr ? script_offset_of(*placement_.write, in_document) : in_document;
  return advance(placement_.anchor, placement_.text, in_page);
}

bool PageExtractor::in_noscript_span(std::size_t offset) const {
  for (const Span& span : noscript_spans_) {
    if (offset > span.begin && offset < span.end) return true;
  }
  return false;
}

bool PageExtractor::in_head_source(std::size_t offset) const {
  return head_source_end_ != std::string_view::npos && offset < head_source_end_;
}

const GumboNode* PageExtractor::text_child(const GumboElement& element) const {
  for (unsigned i = 0; i < element.children.length; ++i) {
    auto* child = static_cast<const GumboNode*>(element.children.data[i]);
    if (child->type == GUMBO_NODE_TEXT || child->type == GUMBO_NODE_CDATA ||
        child->type == GUMBO_NODE_WHITESPACE) {
      return child;
    }
  }
  return nullptr;
}

Tag* PageExtractor::add_reference(TagKind kind, std::string_view raw_url,
                                  const GumboElement& element, const Frame& frame, int line,
                                  int column, Initiator initiator) {
  std::string_view reference = trim(raw_url, kHtmlSpace);
  if (written_ && !cut_at_unknown_part(reference)) return nullptr;
  if (reference.empty() || reference.front() == '#') return nullptr;
  std::optional<std::string> resolved = resolve(reference);
  if (!resolved) {
    if (!has_inert_scheme(reference)) {
      add_note("line " + std::to_string(line) + ": could not resolve URL \"" +
               std::string(reference.substr(0, 120)) + "\"");
    }
    return nullptr;
  }
  if (!is_http_url(*resolved)) {
    if (kind == TagKind::script || kind == TagKind::stylesheet) {
      add_note("line " + std::to_string(line) + ": " + std::string(to_string(kind)) +
               " file with a URL that is not http(s), not read: \"" +
               std::string(reference.substr(0, 120)) + "\"");
    }
    return nullptr;
  }
  if (std::size_t hash = resolved->find('#'); hash != std::string::npos) resolved->resize(hash);
  std::string host = host_of(*resolved);
  if (host.empty()) return nullptr;
  const bool site_host = attribution_.is_first_party(host);
  if (site_host) {
    list_first_party_asset(kind, element, *resolved);
    if (!keeps_site_host_reference(host)) return nullptr;
  }

  Tag& tag =
      site_host ? analysis_.site_host_references.emplace_back() : analysis_.tags.emplace_back();
  tag.kind = kind;
  tag.url = std::move(*resolved);
  tag.host = std::move(host);
  tag.line = line;
  tag.column = column;
  tag.initiator = initiator;
  // A nested document's offsets are its own: its flags come from the element that holds it.
  bool page_offsets = parent_ == nullptr;
  tag.in_head = frame.in_head || (page_offsets && in_head_source(element.start_pos.offset));
  tag.in_noscript =
      frame.in_noscript || (page_offsets && in_noscript_span(element.start_pos.offset));
  if (site_host) return nullptr;  // the reference is kept; it is no third-party tag
  tag.consent_gated = is_consent_gated(element);
  for (unsigned i = 0; i < element.attributes.length; ++i) {
    auto* attr = static_cast<const GumboAttribute*>(element.attributes.data[i]);
    std::string_view name = attr->name;
    bool kept = is_kept_attribute(name) || (name == "class" && is_consent_class(attr->value));
    if (!kept) continue;
    std::string_view value = attr->value;
    if (value.size() > kMaxAttributeValue) {
      value = value.substr(0, kMaxAttributeValue);
      if (!truncated_attribute_noted_) {
        truncated_attribute_noted_ = true;
        add_note("line " +
                 std::to_string(attr->original_value.length > 0 ? attr->value_start.line : 0) +
                 ": attribute values longer than " + std::to_string(kMaxAttributeValue) +
                 " bytes were cut");
      }
    }
    tag.attributes.emplace(std::string(name), std::string(value));
  }
  tag.ids = ids_from_url(tag.url);
  for (const char* id_attribute : {"data-cbid", "data-domain-script", "data-settings-id"}) {
    if (const char* value = attribute(element, id_attribute); value != nullptr && *value != '\0') {
      std::string id(trim(value, kHtmlSpace));
      if (std::find(tag.ids.begin(), tag.ids.end(), id) == tag.ids.end()) tag.ids.push_back(id);
    }
  }
  return &tag;
}

// The first reference to each of the site's other hosts, when the CNAME check wants them.
bool PageExtractor::keeps_site_host_reference(std::string_view host) const {
  const std::vector<Tag>& kept = analysis_.site_host_references;
  if (!attribution_.keeps_site_hosts() || host == attribution_.page_host() ||
      kept.size() >= PageAnalysis::kMaxSiteHostReferences) {
    return false;
  }
  return std::none_of(kept.begin(), kept.end(), [&](const Tag& tag) { return tag.host == host; });
}

void PageExtractor::list_first_party_asset(TagKind kind, const GumboElement& element,
                                           std::string_view url) {
  bool stylesheet = kind == TagKind::stylesheet;
  std::string_view path = url.substr(0, url.find('?'));
  if (kind == TagKind::css) {
    stylesheet = path.ends_with(".css");  // @import in <style>; url() of an image is not code
    if (!stylesheet) return;
  } else if (kind == TagKind::preload) {
    const char* as = attribute(element, "as");
    std::string_view type = as != nullptr ? trim(as, kHtmlSpace) : std::string_view();
    bool script_file = equals_ignoring_ascii_case(type, "script") ||
                       (type.empty() && (path.ends_with(".js") || path.ends_with(".mjs")));
    stylesheet =
        equals_ignoring_ascii_case(type, "style") || (type.empty() && path.ends_with(".css"));
    if (!script_file && !stylesheet) return;
  } else if (kind != TagKind::script && !stylesheet) {
    return;
  }
  std::vector<FirstPartyAsset>& assets = analysis_.first_party_assets;
  if (assets.size() >= kMaxFirstPartyAssetsPerPage) return;
  FirstPartyAsset asset{std::string(url), stylesheet};
  if (std::find(assets.begin(), assets.end(), asset) == assets.end()) {
    assets.push_back(std::move(asset));
  }
}

void PageExtractor::add_link(const char* href) {
  if (href == nullptr || parent_ != nullptr) return;
  std::string_view reference = trim(href, kHtmlSpace);
  if (reference.empty() || reference.front() == '#') return;
  std::optional<std::string> resolved = resolve(reference);
  if (!resolved || !is_http_url(*resolved)) return;
  if (std::size_t hash = resolved->find('#'); hash != std::string::npos) resolved->resize(hash);
  if (seen_links_.insert(*resolved).second) analysis_.links.push_back(std::move(*resolved));
}

void PageExtractor::find_landmarks() {
  // One pass over the tags' opening '<': where the head's source ends (the first "</head" or
  // "<body") and whether "<base" occurs at all; most pages have no <base>, which saves a walk.
  bool base_mentioned = false;
  bool head_end_found = false;
  const char* begin = source_.data();
  const char* end = begin + source_.size();
  for (const char* at = begin; at < end && !(base_mentioned && head_end_found);) {
    at = static_cast<const char*>(std::memchr(at, '<', static_cast<std::size_t>(end - at)));
    if (at == nullptr) break;
    std::string_view rest(at + 1, std::min<std::size_t>(5, static_cast<std::size_t>(end - at - 1)));
    if (!base_mentioned && equals_ignoring_ascii_case(rest.substr(0, 4), "base"))
      base_mentioned = true;
    if (!head_end_found && (equals_ignoring_ascii_case(rest.substr(0, 5), "/head") ||
                            equals_ignoring_ascii_case(rest.substr(0, 4), "body"))) {
      head_source_end_ = static_cast<std::size_t>(at - begin);
      head_end_found = true;
    }
    ++at;
  }
  if (base_mentioned) find_base();
}

void PageExtractor::find_base() {
  std::vector<const GumboNode*> stack{document_.root()};
  while (!stack.empty()) {
    const GumboNode* node = stack.back();
    stack.pop_back();
    if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_TEMPLATE) continue;
    const GumboElement& element = node->v.element;
    if (element.tag == GUMBO_TAG_BASE) {
      if (const char* href = attribute(element, "href")) {
        std::optional<std::string> base = resolve_url(page_url_, trim(href, kHtmlSpace));
        if (base && is_http_url(*base)) {
          base_url_ = std::move(*base);
        } else {
          add_note("line " + std::to_string(element.start_pos.line) +
                   ": <base href> is not an http(s) URL; resolving against the page URL");
        }
        return;
      }
    }
    for (unsigned i = element.children.length; i-- > 0;) {
      stack.push_back(static_cast<const GumboNode*>(element.children.data[i]));
    }
  }
}

void PageExtractor::run() {
  find_landmarks();
  fast_resolver_ = FastResolver(base_url_);
  walk({document_.root(), false, false});
  analysis_.dom_shape = shape_digest();
  drop_default_snippets();
  // Source order: elements Gumbo moved (a head <noscript> pixel) go back where they were written.
  std::stable_sort(analysis_.tags.begin(), analysis_.tags.end(), [](const Tag& a, const Tag& b) {
    return a.line != b.line ? a.line < b.line : a.column < b.column;
  });
  if (dropped_notes_ > 0) {
    analysis_.notes.push_back("and " + std::to_string(dropped_notes_) + " more notes like these");
  }
}

// A snippet given its family's usual loader (its script writes no host) is dropped when the
// page loads that vendor from a host it writes: the written host wins. Its IDs go to that tag.
void PageExtractor::drop_default_snippets() {
  if (default_snippets_.empty()) return;
  std::vector<bool> dropped(analysis_.tags.size(), false);
  for (Tag& tag : analysis_.tags) attribution_.attribute(tag);
  auto is_default = [&](std::size_t i) {
    return std::find(default_snippets_.begin(), default_snippets_.end(), i) !=
           default_snippets_.end();
  };
  // The tag that loads the snippet's vendor from a written host: one naming the family's loader
  // file first, else any tag of the same vendor.
  auto written_for = [&](const Tag& snippet) -> Tag* {
    Tag* same_vendor = nullptr;
    for (std::size_t i = 0; i < analysis_.tags.size(); ++i) {
      Tag& tag = analysis_.tags[i];
      if (is_default(i) || dropped[i]) continue;
      if (names_snippet_loader(snippet.snippet, tag.url)) return &tag;
      if (same_vendor == nullptr && !snippet.vendor.empty() && tag.vendor == snippet.vendor)
        same_vendor = &tag;
    }
    return same_vendor;
  };
  for (std::size_t index : default_snippets_) {
    Tag& snippet = analysis_.tags[index];
    if (Tag* written = written_for(snippet)) {
      for (std::string& id : snippet.ids) {
        if (written->ids.size() >= kMaxIdsPerReference) break;
        if (std::find(written->ids.begin(), written->ids.end(), id) == written->ids.end())
          written->ids.push_back(std::move(id));
      }
      dropped[index] = true;
    } else if (names_snippet_loader(snippet.snippet, source_)) {
      dropped[index] = true;  // loaded from a path of the site's own
    }
  }
  std::size_t kept = 0;
  for (std::size_t i = 0; i < analysis_.tags.size(); ++i) {
    if (dropped[i]) continue;
    if (kept != i) analysis_.tags[kept] = std::move(analysis_.tags[i]);
    ++kept;
  }
  analysis_.tags.resize(kept);
}

void PageExtractor::add_to_shape(const GumboElement& element, const Frame& frame) {
  if (shape_parts_.size() >= kMaxShapeParts) return;
  shape_parts_.push_back(static_cast<std::uint32_t>(frame.depth) << 24 |
                         static_cast<std::uint32_t>(frame.parent_tag) << 12 |
                         static_cast<std::uint32_t>(element.tag));
}

// FNV-1a over the distinct triples in order: a list of 3 items and one of 30 are one shape.
std::string PageExtractor::shape_digest() {
  std::sort(shape_parts_.begin(), shape_parts_.end());
  shape_parts_.erase(std::unique(shape_parts_.begin(), shape_parts_.end()), shape_parts_.end());
  std::uint64_t hash = 14695981039346656037ull;
  for (std::uint32_t part : shape_parts_) {
    for (int shift = 0; shift < 32; shift += 8) {
      hash = (hash ^ ((part >> shift) & 0xffu)) * 1099511628211ull;
    }
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
  return hex;
}

void PageExtractor::walk(Frame root) {
  std::vector<Frame> stack{root};
  while (!stack.empty()) {
    Frame frame = stack.back();
    stack.pop_back();
    GumboNode* node = frame.node;
    if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_TEMPLATE) continue;
    const GumboElement& element = node->v.element;
    visit(element, frame);
    if (parent_ == nullptr && frame.depth <= kShapeDepth) add_to_shape(element, frame);
    Frame child_frame = frame;
    ++child_frame.depth;
    child_frame.parent_tag = element.tag;
    // A nested document's <head> is Gumbo's wrapper, not the page's head.
    if (element.tag == GUMBO_TAG_HEAD && parent_ == nullptr) child_frame.in_head = true;
    if (element.tag == GUMBO_TAG_NOSCRIPT) child_frame.in_noscript = true;
    for (unsigned i = element.children.length; i-- > 0;) {
      child_frame.node = static_cast<GumboNode*>(element.children.data[i]);
      stack.push_back(child_frame);
    }
  }
}

bool PageExtractor::extract_nested(std::string_view html, Placement placement, const Frame& frame,
                                   bool written) {
  if (parent_ != nullptr || nested_documents_ >= kMaxNestedDocuments ||
      nested_bytes_ + html.size() > kMaxNestedBytes) {
    return false;
  }
  ++nested_documents_;
  nested_bytes_ += html.size();
  Result<HtmlDocument> document = HtmlDocument::parse(html);
  if (!document) return false;
  PageExtractor nested(*this, *document, placement, written);
  nested.walk({document->root(), frame.in_head, frame.in_noscript});
  return true;
}

void PageExtractor::visit_srcdoc(const GumboAttribute& srcdoc, const Frame& frame) {
  // Positions run over the value as written when it holds no character references (the usual
  // case); else over the decoded value, from the same start.
  std::string_view written =
      srcdoc.original_value.data != nullptr
          ? std::string_view(srcdoc.original_value.data, srcdoc.original_value.length)
          : std::string_view{};
  Placement placement;
  placement.anchor = srcdoc.value_start;
  placement.text = srcdoc.value;
  if (!written.empty() && (written.front() == '"' || written.front() == '\'')) {
    auto [line, column] = advance(srcdoc.value_start, written, 1);
    placement.anchor.line = static_cast<unsigned>(line);
    placement.anchor.column = static_cast<unsigned>(column);
    written = written.substr(1, written.size() >= 2 ? written.size() - 2 : 0);
  }
  if (written == srcdoc.value) placement.text = written;
  Frame inside = frame;
  inside.in_head = false;
  extract_nested(srcdoc.value, placement, inside, false);
}

void PageExtractor::visit(const GumboElement& element, const Frame& frame) {
  // style="" on any element; Gumbo lower-cases attribute names, so a plain compare will do.
  for (unsigned i = 0; i < element.attributes.length; ++i) {
    auto* attr = static_cast<const GumboAttribute*>(element.attributes.data[i]);
    if (std::strcmp(attr->name, "style") != 0) continue;
    std::string_view css = attr->value;
    if (find_ignoring_case(css, "url(", 0) == std::string_view::npos &&
        find_ignoring_case(css, "image-set(", 0) == std::string_view::npos) {
      break;
    }
    for (const CssReference& reference : css_references(css)) {
      auto [line, column] = place(attr->value_start, css, reference.offset);
      add_reference(TagKind::css, reference.url, element, frame, line, column, Initiator::parser);
    }
    break;
  }
  bool svg = element.tag_namespace == GUMBO_NAMESPACE_SVG;
  switch (element.tag) {
    case GUMBO_TAG_SCRIPT:
      visit_script(element, frame);
      break;
    case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_FRAME: {
      // A srcdoc document replaces src: the frame shows it and never loads src.
      if (const GumboAttribute* srcdoc = gumbo_get_attribute(&element.attributes, "srcdoc");
          srcdoc != nullptr && element.tag == GUMBO_TAG_IFRAME) {
        visit_srcdoc(*srcdoc, frame);
        break;
      }
      const char* src = attribute(element, "src");
      std::string_view value = src != nullptr ? trim(src, kHtmlSpace) : std::string_view{};
      if (value.empty() || equals_ignoring_ascii_case(value.substr(0, 6), "about:")) {
        if (const char* lazy = attribute(element, "data-src")) value = lazy;
      }
      add_element_reference(TagKind::iframe, value, element, frame);
      break;
    }
    case GUMBO_TAG_IMG:
    case GUMBO_TAG_IMAGE: {
      TagKind kind = is_tracking_pixel(element) ? TagKind::pixel : TagKind::img;
      const char* src = attribute(element, "src");
      if (svg && src == nullptr) src = attribute(element, "href");
      if (svg && src == nullptr) src = attribute(element, "xlink:href");
      if (src == nullptr) src = attribute(element, "data-src");
      if (src != nullptr) add_element_reference(kind, src, element, frame);
      if (const char* srcset = attribute(element, "srcset")) {
        for (std::string_view url : srcset_urls(srcset)) {
          if (src == nullptr || url != trim(src, kHtmlSpace))
            add_element_reference(kind, url, element, frame);
        }
      }
      break;
    }
    case GUMBO_TAG_LINK:
      visit_link(element, frame);
      break;
    case GUMBO_TAG_BODY:
    case GUMBO_TAG_TABLE:
    case GUMBO_TAG_TD:
    case GUMBO_TAG_TH:
      if (const char* background = attribute(element, "background")) {
        add_element_reference(TagKind::img, background, element, frame);
      }
      break;
    case GUMBO_TAG_SOURCE:
    case GUMBO_TAG_VIDEO:
    case GUMBO_TAG_AUDIO:
    case GUMBO_TAG_TRACK:
      if (const char* src = attribute(element, "src")) {
        add_element_reference(TagKind::media, src, element, frame);
      }
      if (const char* poster = attribute(element, "poster")) {
        add_element_reference(TagKind::media, poster, element, frame);
      }
      if (const char* srcset = attribute(element, "srcset")) {
        for (std::string_view url : srcset_urls(srcset)) {
          add_element_reference(TagKind::media, url, element, frame);
        }
      }
      break;
    case GUMBO_TAG_EMBED:
      if (const char* src = attribute(element, "src")) {
        add_element_reference(TagKind::embed, src, element, frame);
      }
      break;
    case GUMBO_TAG_OBJECT:
      if (const char* data = attribute(element, "data")) {
        add_element_reference(TagKind::embed, data, element, frame);
      }
      break;
    case GUMBO_TAG_FORM:
      if (const char* action = attribute(element, "action")) {
        add_element_reference(TagKind::form, action, element, frame);
      }
      break;
    case GUMBO_TAG_META:
      visit_meta(element, frame);
      break;
    case GUMBO_TAG_STYLE:
      visit_style_text(element, frame);
      break;
    case GUMBO_TAG_A:
    case GUMBO_TAG_AREA:
      if (!svg) add_link(attribute(element, "href"));
      break;
    case GUMBO_TAG_NOSCRIPT: {
      std::size_t begin = element.start_pos.offset;
      std::size_t end = find_ignoring_case(source_, "</noscript", begin + 1);
      noscript_spans_.push_back({begin, end == std::string_view::npos ? source_.size() : end});
      break;
    }
    case GUMBO_TAG_TITLE:
      if (!title_seen_ && !svg) {
        title_seen_ = true;
        if (const GumboNode* text = text_child(element)) {
          analysis_.title = std::string(trim(text->v.text.text, kHtmlSpace)).substr(0, 1024);
        }
      }
      break;
    default:
      if (svg && is_svg_use(element)) {
        const char* href = attribute(element, "href");
        if (href == nullptr) href = attribute(element, "xlink:href");
        if (href != nullptr) add_element_reference(TagKind::img, href, element, frame);
      }
      break;
  }
}

void PageExtractor::visit_script(const GumboElement& element, const Frame& frame) {
  const char* src = attribute(element, "src");
  if (element.tag_namespace == GUMBO_NAMESPACE_SVG) {
    if (src == nullptr) src = attribute(element, "href");
    if (src == nullptr) src = attribute(element, "xlink:href");
  }
  if (src == nullptr && attribute(element, "type") != nullptr && is_consent_gated(element)) {
    src = attribute(element, "data-src");  // a consent manager swaps data-src into src later
  }
  if (src != nullptr) {
    if (analysis_.payment_page) list_script(element, src, nullptr);
    add_element_reference(TagKind::script, src, element, frame);
    return;
  }
  if (is_data_script(attribute(element, "type"))) return;
  const GumboNode* text = text_child(element);
  if (text == nullptr) return;
  if (analysis_.payment_page) list_script(element, nullptr, text);
  std::string_view code = text->v.text.text;
  InlineScriptFacts facts =
      scan_inline_script(code, {.https_page = base_url_.starts_with("https:")});
  Frame script_frame = frame;
  script_frame.in_head =
      frame.in_head || (parent_ == nullptr && in_head_source(element.start_pos.offset));
  // URLs inside markup the script writes come from the parsed markup, as elements.
  std::vector<Span> replaced;
  visit_writes(facts.writes, *text, script_frame, replaced);
  for (ScriptReference& reference : facts.references) {
    bool in_written_markup = reference.snippet.empty() &&
                             std::any_of(replaced.begin(), replaced.end(), [&](const Span& span) {
                               return reference.offset >= span.begin && reference.offset < span.end;
                             });
    if (in_written_markup) continue;
    auto [line, column] = place(text->v.text.start_pos, code, reference.offset);
    if (!attribution_.accepts_script_url(reference.form, reference.url)) continue;
    std::size_t index = analysis_.tags.size();
    Tag* tag = add_reference(TagKind::inline_snippet, reference.url, element, frame, line, column,
                             Initiator::inline_script);
    if (tag == nullptr) continue;
    if (!reference.url_written) {
      (parent_ != nullptr ? *parent_ : *this).default_snippets_.push_back(index);
    }
    tag->snippet = std::move(reference.snippet);
    if (reference.ids_cut) {
      add_note("line " + std::to_string(line) + ": an inline script names more than " +
               std::to_string(kMaxIdsPerReference) + " tag IDs; only the first were read");
    }
    for (std::string& id : reference.ids) {
      if (tag->ids.size() >= kMaxIdsPerReference) break;  // one tag named by many snippets
      if (std::find(tag->ids.begin(), tag->ids.end(), id) == tag->ids.end()) {
        tag->ids.push_back(std::move(id));
      }
    }
    tag->document_write = facts.document_write;
  }
}

void PageExtractor::visit_writes(const std::vector<WrittenMarkup>& writes, const GumboNode& text,
                                 const Frame& frame, std::vector<Span>& replaced) {
  std::string_view code = text.v.text.text;
  for (const WrittenMarkup& write : writes) {
    Placement placement{text.v.text.start_pos, code, &write};
    if (extract_nested(write.markup, placement, frame, true)) {
      replaced.push_back({write.script_begin, write.script_end});
    }
  }
}

void PageExtractor::list_script(const GumboElement& element, const char* src,
                                const GumboNode* text) {
  PageScript script;
  script.line = static_cast<int>(element.start_pos.line);
  script.column = static_cast<int>(element.start_pos.column);
  if (text != nullptr) {
    ++inline_scripts_;
    script.is_inline = true;
    script.url = page_url_ + "#inline-" + std::to_string(inline_scripts_);
    script.party = "first";
    script.sha384 = sri_digest("sha384", text->v.text.text);
  } else {
    std::string_view reference = trim(src, kHtmlSpace);
    std::optional<std::string> resolved = reference.empty() ? std::nullopt : resolve(reference);
    if (!resolved || !is_http_url(*resolved)) return;
    if (std::size_t hash = resolved->find('#'); hash != std::string::npos) resolved->resize(hash);
    script.party = attribution_.is_first_party(host_of(*resolved)) ? "first" : "third";
    script.url = std::move(*resolved);
  }
  analysis_.scripts.push_back(std::move(script));
}

void PageExtractor::visit_style_text(const GumboElement& element, const Frame& frame) {
  const GumboNode* text = text_child(element);
  if (text == nullptr) return;
  std::string_view css = text->v.text.text;
  for (const CssReference& reference : css_references(css)) {
    auto [line, column] = place(text->v.text.start_pos, css, reference.offset);
    add_reference(TagKind::css, reference.url, element, frame, line, column, Initiator::parser);
  }
}

void PageExtractor::visit_link(const GumboElement& element, const Frame& frame) {
  const char* rel = attribute(element, "rel");
  const char* href = attribute(element, "href");
  if (rel == nullptr || href == nullptr) return;
  std::string tokens;
  for (const char* c = rel; *c != '\0'; ++c) tokens.push_back(lower_ascii(*c));
  auto has = [&](std::string_view token) {
    std::size_t at = 0;
    while ((at = tokens.find(token, at)) != std::string::npos) {
      bool start =
          at == 0 || tokens[at - 1] == ' ' || tokens[at - 1] == '\t' || tokens[at - 1] == '\n';
      std::size_t after = at + token.size();
      bool end = after == tokens.size() || tokens[after] == ' ' || tokens[after] == '\t' ||
                 tokens[after] == '\n';
      if (start && end) return true;
      at = after;
    }
    return false;
  };
  if (has("stylesheet")) {
    add_element_reference(TagKind::stylesheet, href, element, frame);
  } else if (has("preload") || has("modulepreload") || has("prefetch") || has("manifest")) {
    add_element_reference(TagKind::preload, href, element, frame);
  } else if (has("icon") || has("apple-touch-icon") || has("apple-touch-icon-precomposed") ||
             has("mask-icon")) {
    add_element_reference(TagKind::img, href, element, frame);
  } else if (has("preconnect") || has("dns-prefetch")) {
    add_element_reference(TagKind::preconnect, href, element, frame);
  }
}

void PageExtractor::visit_meta(const GumboElement& element, const Frame& frame) {
  const char* http_equiv = attribute(element, "http-equiv");
  const char* content = attribute(element, "content");
  if (http_equiv == nullptr || content == nullptr) return;
  std::string_view name = trim(http_equiv, kHtmlSpace);
  if (equals_ignoring_ascii_case(name, "refresh")) {
    std::string_view target = refresh_target(content);
    if (!target.empty()) add_element_reference(TagKind::meta_refresh, target, element, frame);
  } else if (equals_ignoring_ascii_case(name, "content-security-policy") && parent_ == nullptr) {
    std::string_view policy = trim(content, kHtmlSpace);
    if (!analysis_.csp.meta.empty()) analysis_.csp.meta += ", ";
    analysis_.csp.meta += policy;
  }
}

}  // namespace

PageAnalysis analyze_page(Page page, const AnalysisContext& context) {
  PageAnalysis analysis;
  analysis.csp.header = std::string(page.header("content-security-policy"));
  if (page.body_bytes == 0) page.body_bytes = page.body.size();
  if (page.error == PageError::none) {
    std::string page_url = page.final_url.empty() ? page.requested_url : page.final_url;
    // Fetched or read from disk alike: a UTF-16 page is parsed as the UTF-8 it decodes to.
    if (auto utf8 = decode_utf16_with_bom(page.body)) page.body = std::move(*utf8);
    Result<HtmlDocument> document = HtmlDocument::parse(page.body);
    if (!document) {
      page.error = PageError::unparseable;
      page.error_detail = document.error();  // the page's URL is beside it wherever it is shown
      analysis.notes.push_back("not parsed: " + document.error());
    } else {
      const SanctionedStack* policy = context.rules.policy;
      analysis.payment_page =
          policy != nullptr && is_payment_page(*policy, url_path_without_query(page_url));
      TagAttribution attribution(page_url, context);
      PageExtractor extractor(*document, page_url, analysis, attribution);
      extractor.run();
      for (Tag& tag : analysis.tags) attribution.attribute(tag);
      for (std::size_t i = 0; i < analysis.tags.size(); ++i) {
        if (analysis.tags[i].category == "consent-provider") {
          analysis.consent_manager_index = static_cast<int>(i);
          break;
        }
      }
    }
  }
  page.body.clear();
  page.body.shrink_to_fit();
  analysis.page = std::move(page);
  return analysis;
}

}  // namespace tw
