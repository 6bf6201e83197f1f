// Escaping shared by the report writers. Everything goes through a UTF-8 decoder first, so an
// invalid byte can never pair up with a following delimiter in any format.
#include "reports/report_text.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "model/utf8.h"

namespace tw::report_text {
namespace {

template <typename Visit>
void for_each_code_point(std::string_view s, Visit visit) {
  std::size_t i = 0;
  while (i < s.size()) visit(next_code_point(s, i));
}

bool is_control(char32_t cp) {
  return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E || cp == 0x200F || cp == 0x061C;
}

void append_visible(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += fmt::format("\\x{:02x}", static_cast<unsigned>(cp));
  } else {
    out += fmt::format("\\u{:04x}", static_cast<unsigned>(cp));
  }
}

bool is_wide(char32_t cp) {
  return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
         (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
         (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1FAFF) ||
         (cp >= 0x20000 && cp <= 0x3FFFD);
}

bool is_zero_width(char32_t cp) {
  return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x200B && cp <= 0x200D) ||
         (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF;
}

int width_of(char32_t cp) {
  if (is_zero_width(cp)) return 0;
  return is_wide(cp) ? 2 : 1;
}

// Characters with a meaning somewhere in CommonMark/GFM inline syntax.
bool is_markdown_punctuation(char32_t cp) {
  return cp < 0x80 &&
         std::string_view("\\`*_{}[]()#+-.!|<>~&:;\"'=/$%^?,@").find(static_cast<char>(cp)) !=
             std::string_view::npos;
}

// The entity for a markup character; empty when it needs none. XML attribute values normalise raw
// tabs and newlines to spaces, so XML keeps them as character references.
std::string_view markup_entity(char32_t cp, bool xml) {
  switch (cp) {
    case '&':
      return "&amp;";
    case '<':
      return "&lt;";
    case '>':
      return "&gt;";
    case '"':
      return "&quot;";
    case '\'':
      return xml ? "&apos;" : "&#39;";
    case '\t':
      return xml ? "&#9;" : "";
    case '\n':
      return xml ? "&#10;" : "";
    default:
      return "";
  }
}

// Text on one line: line breaks and tabs become spaces, controls visible, every other code point
// handed to `other`.
template <typename Other>
std::string one_line(std::string_view text, Other other) {
  std::string out;
  out.reserve(text.size());
  for_each_code_point(text, [&](char32_t cp) {
    if (cp == '\n' || cp == '\r' || cp == '\t') {
      out.push_back(' ');
    } else if (is_control(cp)) {
      append_visible(out, cp);
    } else {
      other(out, cp);
    }
  });
  return out;
}

std::string code_span(std::string_view text, bool in_table) {
  std::string body = one_line(text, [&](std::string& out, char32_t cp) {
    if (cp == '|' && in_table) out.push_back('\\');
    append_utf8(out, cp);
  });
  if (body.empty()) return {};
  // The fence is one backtick longer than the longest run inside, padded when the text starts or
  // ends with a backtick (CommonMark code span rules).
  std::size_t longest = 0, run = 0;
  for (char c : body) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  std::string fence(longest + 1, '`');
  bool pad = body.front() == '`' || body.back() == '`' || body.front() == ' ' || body.back() == ' ';
  return fence + (pad ? " " : "") + body + (pad ? " " : "") + fence;
}

}  // namespace

std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for_each_code_point(text, [&](char32_t cp) { append_utf8(out, cp); });
  return out;
}

std::string visible_controls(std::string_view text, std::string_view keep) {
  std::string out;
  out.reserve(text.size());
  for_each_code_point(text, [&](char32_t cp) {
    if (is_control(cp) && !(cp < 0x80 && keep.find(static_cast<char>(cp)) != keep.npos)) {
      append_visible(out, cp);
    } else {
      append_utf8(out, cp);
    }
  });
  return out;
}

std::string html(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  for_each_code_point(visible_controls(text, "\t\n"), [&](char32_t cp) {
    std::string_view entity = markup_entity(cp, false);
    if (entity.empty()) {
      append_utf8(out, cp);
    } else {
      out += entity;
    }
  });
  return out;
}

std::string xml(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  for_each_code_point(text, [&](char32_t cp) {
    std::string_view entity = markup_entity(cp, true);
    if (!entity.empty()) {
      out += entity;
    } else if (cp == 0xFFFE || cp == 0xFFFF || is_control(cp)) {
      append_visible(out, cp);
    } else {
      append_utf8(out, cp);
    }
  });
  return out;
}

std::string csv_cell(std::string_view text) {
  // Controls made visible too: a CSV printed to a terminal must not drive it.
  std::string value = visible_controls(text, "\t\r\n");
  std::size_t first = value.find_first_not_of(' ');
  if (first != std::string::npos &&
      std::string_view("=+-@\t\r\n").find(value[first]) != std::string_view::npos) {
    value.insert(0, "'");
  }
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string csv_number(long long value) {
  return std::to_string(value);
}

std::string markdown_text(std::string_view text, bool in_table) {
  if (text.find('@') != std::string_view::npos) return code_span(text, in_table);
  return one_line(text, [](std::string& out, char32_t cp) {
    if (is_markdown_punctuation(cp)) out.push_back('\\');
    append_utf8(out, cp);
  });
}

std::string markdown_code(std::string_view text, bool in_table) {
  return code_span(text, in_table);
}

std::string terminal(std::string_view text) {
  return one_line(text, [](std::string& out, char32_t cp) { append_utf8(out, cp); });
}

int display_width(std::string_view utf8) {
  int width = 0;
  for_each_code_point(utf8, [&](char32_t cp) { width += width_of(cp); });
  return width;
}

std::string truncate_to_width(std::string_view utf8, int columns) {
  if (display_width(utf8) <= columns) return std::string(utf8);
  std::string out;
  int width = 0;
  std::size_t i = 0;
  while (i < utf8.size()) {
    char32_t cp = next_code_point(utf8, i);
    int w = width_of(cp);
    if (width + w > columns - 1) break;
    width += w;
    append_utf8(out, cp);
  }
  return out + "\u2026";
}

std::string uri(std::string_view text) {
  static constexpr std::string_view kAllowed =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%";
  std::string valid = valid_utf8(text);
  // '[' and ']' may only bracket an IPv6 host; after the authority they must be escaped.
  std::size_t scheme = valid.find("://");
  std::size_t authority_end =
      scheme == std::string::npos ? 0 : valid.find_first_of("/?#", scheme + 3);
  if (authority_end == std::string::npos) authority_end = valid.size();
  std::string out;
  for (std::size_t i = 0; i < valid.size(); ++i) {
    char c = valid[i];
    bool bracket = (c == '[' || c == ']') && i >= authority_end;
    if (!bracket && kAllowed.find(c) != std::string_view::npos) {
      out.push_back(c);
    } else {
      out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    }
  }
  // A '%' not followed by two hex digits would make the URI invalid.
  for (std::size_t i = 0; i < out.size(); ++i) {
    auto hex = [&](std::size_t k) {
      return k < out.size() && std::isxdigit(static_cast<unsigned char>(out[k]));
    };
    if (out[i] == '%' && !(hex(i + 1) && hex(i + 2))) out.replace(i, 1, "%25");
  }
  return out;
}

}  // namespace tw::report_text
