// ASCII text helpers every stage uses: lower-casing, case-blind comparison, trimming, joining.
// ASCII only, on purpose: hosts, header names, HTML tag names and scheme names are ASCII, and a
// locale must never change what a scan reports. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tw {

// 'A'..'Z' -> 'a'..'z'; every other byte unchanged (UTF-8 passes through).
constexpr char lower_ascii(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c;
}
std::string lower_ascii(std::string_view text);

// Same length and equal bytes after lower_ascii.
bool equals_ignoring_ascii_case(std::string_view a, std::string_view b);

// Whitespace sets for trim: C's isspace (the default), HTML's (no vertical tab), XML's.
inline constexpr std::string_view kAsciiSpace = " \t\n\v\f\r";
inline constexpr std::string_view kHtmlSpace = " \t\n\f\r";
inline constexpr std::string_view kXmlSpace = " \t\n\r";

// `text` without leading and trailing bytes from `spaces`; a view into `text`.
std::string_view trim(std::string_view text, std::string_view spaces = kAsciiSpace);

// The items with `separator` between each two ("" for none; empty items are kept).
std::string join(const std::vector<std::string>& items, std::string_view separator);

}  // namespace tw
