// UTF-8 one code point at a time, for everything that must turn page-controlled bytes into valid
// text: the report writers' escaping and the store's hand-written JSON.
#pragma once

#include <string>
#include <string_view>

namespace tw {

inline constexpr char32_t kReplacementCharacter = 0xFFFD;

// Decodes one code point of `s` at `i` (i < s.size()), advancing `i` past it. An invalid,
// truncated or overlong sequence, a surrogate or a code point past U+10FFFF yields U+FFFD and
// consumes one byte.
char32_t next_code_point(std::string_view s, std::size_t& i);

// Appends `cp` encoded as UTF-8.
void append_utf8(std::string& out, char32_t cp);

}  // namespace tw
