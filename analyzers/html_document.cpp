// Gumbo parse with a pre-scan guard; see html_document.h.
#include "analyzers/html_document.h"

#include <cstring>
#include <string>

namespace tw {
namespace {

const GumboOptions& parse_options() {
  static const GumboOptions options = [] {
    GumboOptions o = kGumboDefaultOptions;
    o.tab_stop = 1;    // a tab is one column, as editors and our inline-script positions count
    o.max_errors = 0;  // parse errors are not reported, so do not collect them
    return o;
  }();
  return options;
}

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
}
bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool name_is(std::string_view name, std::initializer_list<std::string_view> names) {
  for (std::string_view candidate : names) {
    if (candidate == name) return true;
  }
  return false;
}

// Elements that never hold children or whose end tag is implied: they do not deepen the tree.
bool is_flat(std::string_view name) {
  return name_is(name,
                 {"area",     "base",    "br",    "col",    "embed", "hr",    "img",     "input",
                  "link",     "meta",    "param", "source", "track", "wbr",   "keygen",  "frame",
                  "basefont", "bgsound", "image", "p",      "li",    "dt",    "dd",      "option",
                  "optgroup", "tr",      "td",    "th",     "tbody", "thead", "tfoot",   "colgroup",
                  "rp",       "rt",      "rb",    "html",   "head",  "body",  "!doctype"});
}

bool is_formatting(std::string_view name) {
  return name_is(name, {"a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike",
                        "strong", "tt", "u"});
}

bool is_raw_text(std::string_view name) {
  return name_is(name,
                 {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "plaintext"});
}

std::size_t find_end_tag(std::string_view html, std::size_t from, std::string_view name) {
  while ((from = html.find("</", from)) != std::string_view::npos) {
    std::size_t i = 0;
    while (i < name.size() && from + 2 + i < html.size() && lower(html[from + 2 + i]) == name[i]) {
      ++i;
    }
    if (i == name.size()) return from;
    from += 2;
  }
  return html.size();
}

}  // namespace

std::string refusal_reason(std::string_view html) {
  if (html.empty()) return "empty page";
  // Binary content served or saved as HTML: many control bytes near the start.
  std::size_t sample = std::min<std::size_t>(html.size(), 4096), control = 0;
  for (std::size_t i = 0; i < sample; ++i) {
    unsigned char c = static_cast<unsigned char>(html[i]);
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') ++control;
  }
  if (control * 10 > sample) return "binary content, not HTML";

  std::size_t depth = 0, max_depth = 0, open_formatting = 0, max_formatting = 0;
  std::size_t at = 0;
  char name_buffer[16];
  while ((at = html.find('<', at)) != std::string_view::npos) {
    ++at;
    bool closing = at < html.size() && html[at] == '/';
    if (closing) ++at;
    if (at >= html.size() || !(is_alpha(html[at]) || html[at] == '!')) continue;
    std::size_t length = 0;
    while (at < html.size() && length < sizeof name_buffer &&
           (is_alpha(html[at]) || html[at] == '!' || (html[at] >= '0' && html[at] <= '9'))) {
      name_buffer[length++] = lower(html[at++]);
    }
    std::string_view name(name_buffer, length);
    if (closing) {
      if (!is_flat(name) && depth > 0) --depth;
      if (is_formatting(name) && open_formatting > 0) --open_formatting;
      continue;
    }
    if (name.starts_with("!")) continue;
    if (is_raw_text(name)) {
      at = find_end_tag(html, at, name);
      continue;
    }
    if (is_flat(name)) continue;
    max_depth = std::max(max_depth, ++depth);
    if (is_formatting(name)) max_formatting = std::max(max_formatting, ++open_formatting);
  }
  if (max_depth > kMaxNestingEstimate) {
    return "markup nested about " + std::to_string(max_depth) + " levels deep (limit " +
           std::to_string(kMaxNestingEstimate) + ")";
  }
  if (max_formatting > kMaxOpenFormattingTags) {
    return std::to_string(max_formatting) + " unclosed formatting tags (limit " +
           std::to_string(kMaxOpenFormattingTags) + ")";
  }
  return {};
}

void HtmlDocument::OutputDeleter::operator()(GumboOutput* output) const {
  gumbo_destroy_output(&parse_options(), output);
}

Result<HtmlDocument> HtmlDocument::parse(std::string_view html) {
  std::string reason = refusal_reason(html);
  if (!reason.empty()) return Error{reason};
  GumboOutput* output = gumbo_parse_with_options(&parse_options(), html.data(), html.size());
  if (output == nullptr || output->root == nullptr) return Error{"the HTML parser gave up"};
  return HtmlDocument(html, output);
}

}  // namespace tw
