// See json_stream.h.
#include "reports/json_stream.h"

#include <cstdint>
#include <cstring>
#include <string>

namespace tw::json_stream {

void write_nested(std::ostream& out, const Json& value, int depth) {
  std::string text = value.dump(2, ' ', false, Json::error_handler_t::replace);
  std::string pad(2 * static_cast<std::size_t>(depth), ' ');
  std::size_t start = 0;
  // A JSON text holds raw newlines only between tokens (strings escape theirs).
  for (std::size_t nl = text.find('\n'); nl != std::string::npos; nl = text.find('\n', start)) {
    out.write(text.data() + start, static_cast<std::streamsize>(nl + 1 - start));
    out << pad;
    start = nl + 1;
  }
  out.write(text.data() + start, static_cast<std::streamsize>(text.size() - start));
}

namespace {

// True when every byte of `text` is printable ASCII other than '"' and '\\' (a JSON string's
// text as it is). Eight bytes a step: a byte's high bit marks it non-ASCII, below 0x20, or equal
// to one of the two (the usual "has a zero byte" tests on the word and its XORs).
bool plain_ascii(std::string_view text) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  auto zero_byte = [](std::uint64_t word) { return (word - kOnes) & ~word & kHigh; };
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, text.data() + i, 8);
    const std::uint64_t below_space = (word - 0x20 * kOnes) & ~word & kHigh;
    if ((word & kHigh) | below_space | zero_byte(word ^ ('"' * kOnes)) |
        zero_byte(word ^ ('\\' * kOnes))) {
      return false;
    }
  }
  for (; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x20 || byte >= 0x80 || byte == '"' || byte == '\\') return false;
  }
  return true;
}

}  // namespace

void append_string(std::string& out, std::string_view text) {
  // Nearly every string of a report is printable ASCII without a quote or backslash: that is
  // checked eight bytes at a time and copied as one block.
  if (plain_ascii(text)) {
    out += '"';
    out.append(text);
    out += '"';
    return;
  }
  // Other printable ASCII is escaped here; anything else (control characters, UTF-8 to check) is
  // left to the library so that both paths escape alike.
  bool plain = true;
  std::size_t escapes = 0;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    plain &= byte >= 0x20 && byte < 0x80;
    escapes += static_cast<std::size_t>(c == '"' || c == '\\');
  }
  if (!plain) {
    out += Json(std::string(text)).dump(-1, ' ', false, Json::error_handler_t::replace);
    return;
  }
  const std::size_t start = out.size();
  out.resize(start + text.size() + escapes + 2);
  char* to = out.data() + start;
  *to++ = '"';
  for (char c : text) {
    if (c == '"' || c == '\\') *to++ = '\\';
    *to++ = c;
  }
  *to = '"';
}

ObjectText::ObjectText(std::string& out, int depth) : out_(out), depth_(depth) { out_ += '{'; }

void ObjectText::member(std::string_view key) {
  out_ += empty_ ? "\n" : ",\n";
  pad(depth_ + 1);
  append_string(out_, key);
  out_ += ": ";
  empty_ = false;
}

ObjectText& ObjectText::string(std::string_view key, std::string_view value) {
  member(key);
  append_string(out_, value);
  return *this;
}

ObjectText& ObjectText::number(std::string_view key, long long value) {
  member(key);
  out_ += std::to_string(value);
  return *this;
}

ObjectText& ObjectText::real(std::string_view key, double value) {
  member(key);
  out_ += Json(value).dump();
  return *this;
}

ObjectText& ObjectText::boolean(std::string_view key, bool value) {
  member(key);
  out_ += value ? "true" : "false";
  return *this;
}

ObjectText& ObjectText::strings(std::string_view key, const std::vector<std::string>& values) {
  member(key);
  if (values.empty()) {
    out_ += "[]";
    return *this;
  }
  for (std::size_t i = 0; i < values.size(); ++i) {
    out_ += i == 0 ? "[\n" : ",\n";
    pad(depth_ + 2);
    append_string(out_, values[i]);
  }
  out_ += '\n';
  pad(depth_ + 1);
  out_ += ']';
  return *this;
}

ObjectText& ObjectText::string_map(std::string_view key,
                                   const std::map<std::string, std::string>& values) {
  member(key);
  ObjectText inner(out_, depth_ + 1);
  for (const auto& [name, value] : values) inner.string(name, value);
  inner.close();
  return *this;
}

void ObjectText::close() {
  if (empty_) {
    out_ += '}';
    return;
  }
  out_ += '\n';
  pad(depth_);
  out_ += '}';
}

}  // namespace tw::json_stream
