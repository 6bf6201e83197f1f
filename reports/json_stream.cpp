// See json_stream.h.
#include "reports/json_stream.h"

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

void append_string(std::string& out, std::string_view text) {
  // Printable ASCII is written here; anything else (control characters, UTF-8 to check) is left
  // to the library so that both paths escape alike.
  bool plain = true;
  for (char c : text) plain = plain && static_cast<unsigned char>(c) >= 0x20 &&
                              static_cast<unsigned char>(c) < 0x80;
  if (!plain) {
    out += Json(std::string(text)).dump(-1, ' ', false, Json::error_handler_t::replace);
    return;
  }
  out.push_back('"');
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
}

ObjectText::ObjectText(std::string& out, int depth) : out_(out), depth_(depth) { out_ += '{'; }

void ObjectText::member(std::string_view key) {
  out_ += empty_ ? "\n" : ",\n";
  out_ += padding(depth_ + 1);
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
  std::string pad = padding(depth_ + 2);
  for (std::size_t i = 0; i < values.size(); ++i) {
    out_ += i == 0 ? "[\n" : ",\n";
    out_ += pad;
    append_string(out_, values[i]);
  }
  out_ += "\n" + padding(depth_ + 1) + "]";
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
  out_ += "\n" + padding(depth_) + "}";
}

}  // namespace tw::json_stream
