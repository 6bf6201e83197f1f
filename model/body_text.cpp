// UTF-16 decoding and the binary test; see body_text.h.
#include "model/body_text.h"

#include <algorithm>

#include "model/utf8.h"

namespace tw {

bool has_utf16_bom(std::string_view body) {
  return body.starts_with("\xFF\xFE") || body.starts_with("\xFE\xFF");
}

std::optional<std::string> decode_utf16_with_bom(std::string_view body) {
  if (!has_utf16_bom(body)) return std::nullopt;
  bool little = body[0] == '\xFF';
  auto unit_at = [&](std::size_t i) -> char32_t {
    auto lo = static_cast<unsigned char>(body[little ? i : i + 1]);
    auto hi = static_cast<unsigned char>(body[little ? i + 1 : i]);
    return static_cast<char32_t>(hi << 8 | lo);
  };
  std::string out;
  out.reserve(body.size());
  for (std::size_t i = 2; i + 1 < body.size(); i += 2) {
    char32_t unit = unit_at(i);
    if (unit >= 0xD800 && unit <= 0xDBFF && i + 3 < body.size()) {
      char32_t low = unit_at(i + 2);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        append_utf8(out, 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00));
        i += 2;
        continue;
      }
    }
    append_utf8(out, unit >= 0xD800 && unit <= 0xDFFF ? kReplacementCharacter : unit);
  }
  return out;
}

bool looks_binary(std::string_view body) {
  std::string_view head = body.substr(0, 4096);
  std::size_t control = std::count_if(head.begin(), head.end(), [](char ch) {
    auto c = static_cast<unsigned char>(ch);
    return c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f';
  });
  return control * 10 > head.size();
}

}  // namespace tw
