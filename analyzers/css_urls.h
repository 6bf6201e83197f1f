// URLs a piece of CSS loads: @import, url() and image-set(), from a <style> element or a
// style="" attribute.
// Pure; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tw {

struct CssReference {
  std::string url;         // as written, quotes and escapes removed
  std::size_t offset = 0;  // in the CSS text
};

std::vector<CssReference> css_references(std::string_view css);

}  // namespace tw
