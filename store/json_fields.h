// Values read back from stored JSON (tags of a baseline report, payment pages, browser visits),
// each type-checked: the database and a report are files anyone can edit, so a value that is
// missing, of another type or out of range reads as empty, false or the fallback, never throws.
#pragma once

#include <limits>
#include <nlohmann/json.hpp>
#include <string>

namespace tw {

inline std::string json_text(const nlohmann::json& object, const char* key) {
  auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

inline bool json_flag(const nlohmann::json& object, const char* key) {
  auto found = object.find(key);
  return found != object.end() && found->is_boolean() && found->get<bool>();
}

// A number that fits `Number`, else `fallback`.
template <typename Number>
Number json_number(const nlohmann::json& object, const char* key, Number fallback) {
  auto found = object.find(key);
  if (found == object.end() || !found->is_number()) return fallback;
  const double value = found->get<double>();
  if (!(value >= static_cast<double>(std::numeric_limits<Number>::lowest()) &&
        value <= static_cast<double>(std::numeric_limits<Number>::max()))) {
    return fallback;
  }
  return static_cast<Number>(value);
}

}  // namespace tw
