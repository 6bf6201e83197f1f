// How a page's bytes are taken as text, the same whichever way the page arrived (fetched or read
// from a directory): a UTF-16 page with a byte-order mark (browsers render those) is decoded to
// UTF-8, and a body is binary only when control bytes dominate its start; one stray NUL is not
// enough. Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tw {

bool has_utf16_bom(std::string_view body);

// The body as UTF-8 (without the mark) when it starts with a UTF-16 byte-order mark; nullopt
// otherwise. Unpaired surrogates become U+FFFD; an odd last byte is dropped.
std::optional<std::string> decode_utf16_with_bom(std::string_view body);

// More than a tenth of the first 4 KiB are control bytes other than tab, CR, LF and form feed
// (a UTF-16 body is not binary: decode it first).
bool looks_binary(std::string_view body);

}  // namespace tw
