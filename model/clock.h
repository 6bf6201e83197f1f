// Wall-clock timestamps in UTC, the only forms tagwarden records and compares.
#pragma once

#include <string>

namespace tw {

// Now as ISO 8601, e.g. "2026-11-25T21:13:44Z".
std::string utc_now_iso8601();
// Today as "2026-11-25" (suppression expiry dates compare against it).
std::string utc_today();

}  // namespace tw
