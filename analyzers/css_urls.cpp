// A small CSS scanner: skips comments and finds url(...), @import "..." and the quoted URLs of
// image-set(...). It does not parse CSS; it only has to find every reference a browser would
// fetch.
#include "analyzers/css_urls.h"

#include "model/text.h"

namespace tw {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

bool starts_with_ignoring_case(std::string_view text, std::size_t at, std::string_view word) {
  return equals_ignoring_ascii_case(text.substr(at, word.size()), word);
}

// Reads a quoted string starting at the quote; returns its end (after the closing quote).
std::size_t read_string(std::string_view css, std::size_t at, std::string& out) {
  char quote = css[at++];
  while (at < css.size() && css[at] != quote && css[at] != '\n') {
    if (css[at] == '\\' && at + 1 < css.size()) ++at;
    out.push_back(css[at++]);
  }
  return at < css.size() ? at + 1 : at;
}

}  // namespace

std::vector<CssReference> css_references(std::string_view css) {
  std::vector<CssReference> out;
  std::size_t at = 0;
  int image_set_depth = 0;  // parentheses open inside an image-set(); 0 outside one
  while (at < css.size()) {
    char c = css[at];
    if (image_set_depth > 0) {
      if (c == '(') ++image_set_depth;
      if (c == ')') --image_set_depth;
      if (image_set_depth == 1 && (c == '"' || c == '\'')) {
        std::string url;
        std::size_t start = at;
        at = read_string(css, at, url);
        if (!url.empty()) out.push_back({std::move(url), start});
        continue;
      }
    }
    if ((c == 'i' || c == 'I') && starts_with_ignoring_case(css, at, "image-set(")) {
      at += 10;
      image_set_depth = 1;  // -webkit-image-set( ends the same way
      continue;
    }
    if (c == '/' && at + 1 < css.size() && css[at + 1] == '*') {
      std::size_t end = css.find("*/", at + 2);
      at = end == std::string_view::npos ? css.size() : end + 2;
      continue;
    }
    if ((c == 'u' || c == 'U') && starts_with_ignoring_case(css, at, "url(")) {
      std::size_t start = at;
      at += 4;
      while (at < css.size() && is_space(css[at])) ++at;
      std::string url;
      if (at < css.size() && (css[at] == '"' || css[at] == '\'')) {
        at = read_string(css, at, url);
      } else {
        while (at < css.size() && css[at] != ')' && !is_space(css[at])) {
          if (css[at] == '\\' && at + 1 < css.size()) ++at;
          url.push_back(css[at++]);
        }
      }
      if (!url.empty()) out.push_back({std::move(url), start});
      while (at < css.size() && is_space(css[at])) ++at;
      if (at < css.size() && css[at] == ')') ++at;  // url()'s own parenthesis
      continue;
    }
    if (c == '@' && starts_with_ignoring_case(css, at, "@import")) {
      std::size_t start = at;
      at += 7;
      while (at < css.size() && is_space(css[at])) ++at;
      if (at < css.size() && (css[at] == '"' || css[at] == '\'')) {
        std::string url;
        at = read_string(css, at, url);
        if (!url.empty()) out.push_back({std::move(url), start});
      }
      continue;  // @import url(...) is found by the url( branch
    }
    ++at;
  }
  return out;
}

}  // namespace tw
