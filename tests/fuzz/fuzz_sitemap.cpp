// libFuzzer target: sitemap bytes -> locations. Besides "no crash, no sanitizer report", every
// location is non-empty and trimmed, and the location cap holds.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "crawler/sitemap.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  tw::SitemapContents contents = tw::parse_sitemap(bytes, 100);
  if (contents.locations.size() > 100) __builtin_trap();
  for (const std::string& location : contents.locations) {
    if (location.empty() || location.front() == ' ' || location.back() == ' ') __builtin_trap();
  }
  if (tw::is_gzip(bytes)) (void)tw::gunzip_capped(bytes, 1 << 20);
  return 0;
}
