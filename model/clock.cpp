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

}  // namespace tw
