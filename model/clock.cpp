#include "model/clock.h"

#include <ctime>

namespace tw {
namespace {

std::string format_utc_now(const char* format) {
  std::time_t now = std::time(nullptr);
  std::tm parts{};
  gmtime_r(&now, &parts);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, format, &parts);
  return buffer;
}

}  // namespace

std::string utc_now_iso8601() {
  return format_utc_now("%Y-%m-%dT%H:%M:%SZ");
}

std::string utc_today() {
  return format_utc_now("%Y-%m-%d");
}

std::optional<long long> parse_utc_seconds(std::string_view iso8601) {
  std::string text(iso8601);
  if (text.size() == 10) text += "T00:00:00Z";
  std::tm parts{};
  const char* end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &parts);
  if (end == nullptr || *end != '\0' || text.size() != 20) return std::nullopt;
  return static_cast<long long>(timegm(&parts));
}

std::string utc_iso8601(long long seconds) {
  std::time_t time = static_cast<std::time_t>(seconds);
  std::tm parts{};
  gmtime_r(&time, &parts);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return buffer;
}

}  // namespace tw
