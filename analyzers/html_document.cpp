// Gumbo parse with a pre-scan guard; see html_document.h.
#include "analyzers/html_document.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/body_text.h"

#include "model/text.h"

namespace tw {
namespace {

GumboOptions parse_options(ParseArena* arena) {
  GumboOptions o = kGumboDefaultOptions;
  o.tab_stop = 1;    // a tab is one column, as editors and our inline-script positions count
  o.max_errors = 0;  // parse errors are not reported, so do not collect them
  o.allocator = &ParseArena::gumbo_allocate;
  o.deallocator = &ParseArena::gumbo_deallocate;
  o.userdata = arena;
  return o;
}

bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

enum class TagClass { nesting, flat, formatting, raw_text };

bool one_of(std::string_view name, std::initializer_list<std::string_view> names) {
  for (std::string_view candidate : names) {
    if (candidate == name) return true;
  }
  return false;
}

// Flat: never holds children, or its end tag is implied, so it does not deepen the tree.
// Formatting: the elements Gumbo's active-formatting list reconstructs. Raw text: content is not
// markup. Dispatching on the first letter keeps this off the profile.
TagClass classify(std::string_view name) {
  if (name.empty()) return TagClass::flat;
  switch (name[0]) {
    case 'a':
      if (name == "a") return TagClass::formatting;
      return name == "area" ? TagClass::flat : TagClass::nesting;
    case 'b':
      if (name == "b" || name == "big") return TagClass::formatting;
      return one_of(name, {"base", "br", "basefont", "bgsound", "body"}) ? TagClass::flat
                                                                         : TagClass::nesting;
    case 'c':
      if (name == "code") return TagClass::formatting;
      return one_of(name, {"col", "colgroup"}) ? TagClass::flat : TagClass::nesting;
    case 'd':
      return one_of(name, {"dt", "dd"}) ? TagClass::flat : TagClass::nesting;
    case 'e':
      if (name == "em") return TagClass::formatting;
      return name == "embed" ? TagClass::flat : TagClass::nesting;
    case 'f':
      if (name == "font") return TagClass::formatting;
      return name == "frame" ? TagClass::flat : TagClass::nesting;
    case 'h':
      return one_of(name, {"hr", "html", "head"}) ? TagClass::flat : TagClass::nesting;
    case 'i':
      if (name == "i") return TagClass::formatting;
      if (name == "iframe") return TagClass::raw_text;
      return one_of(name, {"img", "input", "image"}) ? TagClass::flat : TagClass::nesting;
    case 'k':
      return name == "keygen" ? TagClass::flat : TagClass::nesting;
    case 'l':
      return one_of(name, {"link", "li"}) ? TagClass::flat : TagClass::nesting;
    case 'm':
      return name == "meta" ? TagClass::flat : TagClass::nesting;
    case 'n':
      if (name == "nobr") return TagClass::formatting;
      return name == "noembed" ? TagClass::raw_text : TagClass::nesting;
    case 'o':
      return one_of(name, {"option", "optgroup"}) ? TagClass::flat : TagClass::nesting;
    case 'p':
      if (name == "plaintext") return TagClass::raw_text;
      return one_of(name, {"p", "param"}) ? TagClass::flat : TagClass::nesting;
    case 'r':
      return one_of(name, {"rp", "rt", "rb"}) ? TagClass::flat : TagClass::nesting;
    case 's':
      if (one_of(name, {"s", "small", "strike", "strong"})) return TagClass::formatting;
      if (name == "script" || name == "style") return TagClass::raw_text;
      return name == "source" ? TagClass::flat : TagClass::nesting;
    case 't':
      if (name == "tt") return TagClass::formatting;
      if (name == "textarea" || name == "title") return TagClass::raw_text;
      return one_of(name, {"track", "tr", "td", "th", "tbody", "thead", "tfoot"})
                 ? TagClass::flat
                 : TagClass::nesting;
    case 'u':
      return name == "u" ? TagClass::formatting : TagClass::nesting;
    case 'w':
      return name == "wbr" ? TagClass::flat : TagClass::nesting;
    case 'x':
      return name == "xmp" ? TagClass::raw_text : TagClass::nesting;
    case '!':
      return TagClass::flat;
    default:
      return TagClass::nesting;
  }
}

std::size_t find_end_tag(std::string_view html, std::size_t from, std::string_view name) {
  while ((from = html.find("</", from)) != std::string_view::npos) {
    std::size_t i = 0;
    while (i < name.size() && from + 2 + i < html.size() &&
           lower_ascii(html[from + 2 + i]) == name[i]) {
      ++i;
    }
    if (i == name.size()) return from;
    from += 2;
  }
  return html.size();
}

// The elements the pre-scan believes open. An end tag closes only an element that is open (and
// whatever is above it); Gumbo ignores the others, so they must not lower the depth.
struct OpenElements {
  std::vector<std::string> names;
  std::vector<bool> is_formatting;
  std::unordered_map<std::string, std::size_t> count;
  std::size_t formatting = 0, max_depth = 0, max_formatting = 0, scope_steps = 0;

  void open(std::string_view name, bool formatting_element) {
    names.emplace_back(name);
    is_formatting.push_back(formatting_element);
    ++count[names.back()];
    if (formatting_element) max_formatting = std::max(max_formatting, ++formatting);
    max_depth = std::max(max_depth, names.size());
  }
  void close(std::string_view name) {
    auto found = count.find(std::string(name));
    if (found == count.end() || found->second == 0) return;
    for (bool closed = false; !closed;) {
      closed = names.back() == name;
      --count[names.back()];
      if (is_formatting.back()) --formatting;
      names.pop_back();
      is_formatting.pop_back();
    }
  }
};

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

// Counts the attributes of the tag whose name ends at `at` and moves `at` past its '>', reading
// quoted values as the HTML tokenizer does (a '>' or '<' inside quotes is text).
std::size_t skip_attributes(std::string_view html, std::size_t& at) {
  std::size_t count = 0;
  while (at < html.size()) {
    char c = html[at];
    if (c == '>') {
      ++at;
      break;
    }
    if (is_space(c) || c == '/') {
      ++at;
      continue;
    }
    ++count;
    ++at;  // a name may start with '='
    while (at < html.size() && !is_space(html[at]) && html[at] != '/' && html[at] != '>' &&
           html[at] != '=') {
      ++at;
    }
    while (at < html.size() && is_space(html[at])) ++at;
    if (at >= html.size() || html[at] != '=') continue;
    ++at;
    while (at < html.size() && is_space(html[at])) ++at;
    if (at < html.size() && (html[at] == '"' || html[at] == '\'')) {
      std::size_t close = html.find(html[at], at + 1);
      at = close == std::string_view::npos ? html.size() : close + 1;
    } else {
      while (at < html.size() && !is_space(html[at]) && html[at] != '>') ++at;
    }
  }
  return count;
}

}  // namespace

std::string refusal_reason(std::string_view html) {
  if (html.empty()) return "empty page";
  if (looks_binary(html)) return "binary content, not HTML";

  OpenElements open;
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
      name_buffer[length++] = lower_ascii(html[at++]);
    }
    std::string_view name(name_buffer, length);
    TagClass kind = classify(name);
    if (!closing && name[0] != '!') {
      // Gumbo compares each attribute with those before it on the element: quadratic.
      std::size_t attributes = skip_attributes(html, at);
      if (attributes > kMaxAttributesPerElement) {
        return "an element with " + std::to_string(attributes) + " attributes (limit " +
               std::to_string(kMaxAttributesPerElement) + ")";
      }
      open.scope_steps += attributes * attributes / 2;
    }
    if (kind == TagClass::raw_text && !closing) {
      at = find_end_tag(html, at, name);
      continue;
    }
    // Gumbo's scope checks walk the open elements on most tags.
    open.scope_steps += open.names.size() + open.formatting;
    if (open.scope_steps > kMaxScopeSteps) break;
    if (kind == TagClass::flat) continue;
    if (closing) {
      open.close(name);
    } else {
      open.open(name, kind == TagClass::formatting);
      if (open.max_depth > kMaxNestingEstimate) break;
    }
  }
  if (open.scope_steps > kMaxScopeSteps) {
    return "markup too costly to parse (more than " + std::to_string(kMaxScopeSteps) +
           " steps of the parser's scope checks)";
  }
  if (open.max_depth > kMaxNestingEstimate) {
    return "markup nested more than " + std::to_string(kMaxNestingEstimate) + " levels deep";
  }
  if (open.max_formatting > kMaxOpenFormattingTags) {
    return std::to_string(open.max_formatting) + " unclosed formatting tags (limit " +
           std::to_string(kMaxOpenFormattingTags) + ")";
  }
  return {};
}

Result<HtmlDocument> HtmlDocument::parse(std::string_view html) {
  std::string reason = refusal_reason(html);
  if (!reason.empty()) return Error{reason};
  PooledParseArena arena = acquire_parse_arena();
  GumboOptions options = parse_options(arena.get());
  GumboOutput* output = gumbo_parse_with_options(&options, html.data(), html.size());
  if (output == nullptr || output->root == nullptr) return Error{"the HTML parser gave up"};
  return HtmlDocument(html, std::move(arena), output);
}

}  // namespace tw
