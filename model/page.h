// A fetched (or failed) page as the crawler hands it to analysis. Plain data: whoever holds a Page
// owns it; the body is dropped once the page has been analysed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tw {

// Why a page could not be analysed; `none` when it was fetched and parsed.
enum class PageError {
  none,
  dns,           // host did not resolve
  connect,       // connection refused or reset
  tls,           // certificate or handshake failure
  timeout,       // connect, total or low-speed timeout
  too_large,     // body over --max-page-bytes (decoded bytes, so also compressed bombs)
  not_html,      // content type or bytes are not HTML
  http_status,   // 4xx/5xx answer
  redirect,      // too many redirects or a loop
  off_scope,     // redirected outside the crawl scope (recorded, not crawled)
  robots,        // disallowed by robots.txt
  scheme,        // not http/https
  unparseable,   // refused before parsing (nesting too deep, empty, binary)
  read,          // local file could not be read (directory mode)
  other,
};

std::string_view to_string(PageError error);

struct Header {
  std::string name;  // lower case
  std::string value;
};

struct Page {
  std::string requested_url;
  std::string final_url;  // after redirects; equal to requested_url when there were none
  int status = 0;         // HTTP status, 0 when no answer (or directory mode)
  std::string content_type;
  std::vector<Header> headers;
  std::vector<std::string> redirect_chain;  // every URL before final_url, in order
  std::string body;                         // decoded bytes; cleared after analysis
  std::uint64_t body_bytes = 0;             // decoded size, kept after the body is dropped
  std::string content_hash;                 // hex digest of the body, for incremental re-scans
  int depth = 0;
  double fetch_ms = 0;
  PageError error = PageError::none;
  std::string error_detail;  // human-readable reason, e.g. "timeout after 30 s"

  // First value of a header (name in lower case), empty when absent.
  std::string_view header(std::string_view lower_name) const;
};

}  // namespace tw
