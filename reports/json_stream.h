// Pretty-printed JSON written piece by piece, so a report over a large scan never holds a second,
// JSON-shaped copy of the scan in memory: each element of a long array is built, written and
// dropped. Internal to reports/ (the JSON and SARIF writers).
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace tw::json_stream {

using Json = nlohmann::ordered_json;

// Writes `value` indented by two spaces a level, as if nested `depth` levels deep (the first line
// is not indented: the caller has written the key). Invalid UTF-8 in crawled text is replaced
// rather than thrown on.
void write_nested(std::ostream& out, const Json& value, int depth);

// Writes the array of to_json(item) for every item, its elements at `depth` + 1, each one built
// only when it is written.
template <typename Items, typename ToJson>
void write_array(std::ostream& out, const Items& items, ToJson to_json, int depth) {
  if (items.empty()) {
    out << "[]";
    return;
  }
  std::string pad(2 * static_cast<std::size_t>(depth), ' ');
  out << '[';
  bool first = true;
  for (const auto& item : items) {
    out << (first ? "\n" : ",\n") << pad << "  ";
    write_nested(out, to_json(item), depth + 1);
    first = false;
  }
  out << '\n' << pad << ']';
}

// Writes an array whose elements `produce` hands, already rendered at `depth` + 1 (ObjectText),
// one at a time to the `write` it is given: for items walked rather than held, such as a stored
// scan's pages.
template <typename Produce>
void write_array_streamed(std::ostream& out, Produce produce, int depth) {
  std::string pad(2 * static_cast<std::size_t>(depth), ' ');
  bool first = true;
  out << '[';
  produce([&](std::string_view element) {
    out << (first ? "\n" : ",\n") << pad << "  ";
    out.write(element.data(), static_cast<std::streamsize>(element.size()));
    first = false;
  });
  out << (first ? "]" : "\n" + pad + "]");
}

// One JSON object rendered straight into text, byte for byte as write_nested renders the same
// object as a Json at `depth`, without building the Json: the pages and findings of a large report
// are most of its bytes. Members are written in call order; nested values take the same forms.
class ObjectText {
 public:
  ObjectText(std::string& out, int depth);
  ObjectText& string(std::string_view key, std::string_view value);
  ObjectText& number(std::string_view key, long long value);
  ObjectText& real(std::string_view key, double value);
  ObjectText& boolean(std::string_view key, bool value);
  ObjectText& strings(std::string_view key, const std::vector<std::string>& values);
  ObjectText& string_map(std::string_view key, const std::map<std::string, std::string>& values);
  // A nested object: `fill` receives an ObjectText one level deeper.
  template <typename Fill>
  ObjectText& object(std::string_view key, Fill fill) {
    member(key);
    ObjectText inner(out_, depth_ + 1);
    fill(inner);
    inner.close();
    return *this;
  }
  // A nested array of objects: `fill` receives a function that opens one element at a time.
  template <typename Fill>
  ObjectText& objects(std::string_view key, Fill fill) {
    member(key);
    bool any = false;
    fill([&]() {
      out_ += any ? ",\n" : "[\n";
      pad(depth_ + 2);
      any = true;
      return ObjectText(out_, depth_ + 2);
    });
    if (any) {
      out_ += '\n';
      pad(depth_ + 1);
      out_ += ']';
    } else {
      out_ += "[]";
    }
    return *this;
  }
  void close();  // the closing brace; called once, after the last member

 private:
  void member(std::string_view key);
  void pad(int depth) { out_.append(2 * static_cast<std::size_t>(depth), ' '); }

  std::string& out_;
  int depth_;
  bool empty_ = true;
};

// Appends `text` as a JSON string the way Json::dump does (invalid UTF-8 replaced).
void append_string(std::string& out, std::string_view text);

}  // namespace tw::json_stream
