// Wall-clock timestamps in UTC, the only forms tagwarden records and compares.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tw {

// Now as ISO 8601, e.g. "2026-11-25T21:13:44Z".
std::string utc_now_iso8601();
// Today as "2026-11-25" (suppression expiry dates compare against it).
std::string utc_today();
// Seconds since the epoch of "YYYY-MM-DDTHH:MM:SSZ" (or a bare "YYYY-MM-DD", midnight UTC);
// nullopt for any other text.
std::optional<long long> parse_utc_seconds(std::string_view iso8601);
// The inverse: "2026-11-25T21:13:44Z".
std::string utc_iso8601(long long seconds);

}  // namespace tw
