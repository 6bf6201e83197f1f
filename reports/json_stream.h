// Pretty-printed JSON written piece by piece, so a report over a large scan never holds a second,
// JSON-shaped copy of the scan in memory: each element of a long array is built, written and
// dropped. Internal to reports/ (the JSON and SARIF writers).
#pragma once

#include <nlohmann/json.hpp>

#include <ostream>

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

// Writes an array whose elements `produce` hands, one at a time, to the `write` it is given (for
// items walked rather than held, such as a stored scan's pages).
template <typename Produce>
void write_array_streamed(std::ostream& out, Produce produce, int depth) {
  std::string pad(2 * static_cast<std::size_t>(depth), ' ');
  bool first = true;
  out << '[';
  produce([&](const Json& element) {
    out << (first ? "\n" : ",\n") << pad << "  ";
    write_nested(out, element, depth + 1);
    first = false;
  });
  out << (first ? "]" : "\n" + pad + "]");
}

}  // namespace tw::json_stream
