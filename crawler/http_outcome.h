// How one HTTP exchange turned out, in the words a person reads in the report: libcurl result
// codes mapped to a PageError and a sentence, Retry-After, the HTML test, the body digest. Pure
// functions, thread-safe.
#pragma once

#include <curl/curl.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "model/page.h"

namespace tw {

struct TransferFailure {
  PageError error = PageError::other;
  std::string detail;      // "connection refused: Failed to connect to 127.0.0.1 port 9: ..."
  bool retryable = false;  // worth another attempt after a backoff (resets, empty replies)
};

// `curl_message` is the transfer's CURLOPT_ERRORBUFFER text (may be empty).
TransferFailure classify_curl_error(CURLcode code, std::string_view curl_message,
                                    int connect_timeout_s, int timeout_s, int low_speed_time_s);

// Retry-After as delay seconds or an HTTP date (RFC 9110 10.2.3); nullopt when absent or garbage.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value,
                                                      std::chrono::system_clock::time_point now);

// text/html or application/xhtml+xml, parameters ignored.
bool is_html_content_type(std::string_view content_type);

// For an answer without a Content-Type: does the body start like markup?
bool looks_like_html(std::string_view body);

// 16 hex digits of a fast 64-bit hash of the body; the same bytes give the same digest on every
// machine and run (incremental re-scans compare it with the stored one).
std::string body_digest(std::string_view body);

// "404 Not Found" style text for an HTTP status.
std::string describe_status(int status);

}  // namespace tw
