// The crawler: one libcurl multi event loop that fetches a site's pages breadth-first and hands
// each Page (fetched or failed) to the caller, who analyses it on other threads and reports the
// links it found back with report_links(). That is the only backward edge of the data flow.
//
// Threads: run() owns the loop and runs on the calling thread (a fetched sitemap is parsed on a
// short-lived thread of its own, joined before run() returns); report_links() and request_stop()
// may be called from any thread. Memory stays bounded: at most `max_pending_analysis` pages are
// delivered and not yet reported back; the loop stops starting transfers until some are.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "model/page.h"
#include "model/result.h"

namespace tw {

enum class CrawlScope { host, domain };

// CrawlOptions is three groups by role, so a part that needs only one takes only that one (the
// resource fetcher takes the transfer limits and the request shaping, never the frontier).

// How each transfer behaves: parallelism, politeness, size and time limits, retries.
struct TransferLimits {
  int concurrency = 32;                        // transfers in flight
  int per_host = 8;                            // connections per host
  int delay_ms = 0;                            // between requests to one host
  std::uint64_t max_page_bytes = 10ull << 20;  // decoded body cap
  int max_redirects = 10;
  int max_retries = 2;         // connection errors, 429, 503
  int max_retry_after_s = 30;  // Retry-After is honoured up to this
  int connect_timeout_s = 10;
  int timeout_s = 30;         // whole transfer
  int low_speed_time_s = 15;  // abort when below 1 KB/s for this long
};

// Which URLs the crawl visits: where it starts, how far it goes, what it may follow.
struct FrontierOptions {
  std::vector<std::string> start_urls;
  int max_pages = 1000;  // pages delivered (fetched or failed); 0 = unlimited
  int max_depth = 10;    // link hops from a start URL
  CrawlScope scope = CrawlScope::domain;
  std::vector<std::string> include;  // ECMAScript regexes over the URL; empty = all
  std::vector<std::string> exclude;
  bool respect_robots = true;
  bool use_sitemap = false;
  std::size_t max_frontier = 500000;       // URLs ever queued; more are dropped (counted)
  std::size_t max_links_per_page = 50000;  // links taken from one page; the rest are ignored
};

// How requests present themselves: identity, extra headers, routing, TLS, credentials.
struct RequestShaping {
  std::string user_agent;            // default set by the crawler: "tagwarden/<version> (+url)"
  std::vector<std::string> headers;  // "Name: value"
  std::vector<std::string> resolve;  // curl --resolve syntax HOST:PORT:ADDR
  std::string proxy;
  bool insecure = false;
  // Credentials for the crawled site only (never sent to third parties).
  std::string cookie;
  std::string user;  // user:password for basic auth
};

struct CrawlOptions : TransferLimits, FrontierOptions, RequestShaping {
  int max_pending_analysis = 64;  // pages delivered and not yet reported back
  bool show_progress = false;     // live line on stderr (caller decides: tty and not --quiet)
  // Incremental re-scans: (etag, last_modified) stored for a URL, sent as If-None-Match /
  // If-Modified-Since when non-empty. A 304 answer is delivered as a Page with status 304, an
  // empty body and no error. Called on the run() thread.
  std::function<std::pair<std::string, std::string>(const std::string& url)> validators;
};

struct CrawlSummary {
  int pages_delivered = 0;
  int pages_failed = 0;
  int queued_left = 0;                // frontier entries not fetched because a limit was reached
  bool stopped = false;               // request_stop() was called
  std::map<std::string, int> errors;  // PageError name -> count
  int not_modified = 0;               // 304 answers to conditional requests
  int sitemap_urls = 0;               // page URLs taken from sitemaps
  std::vector<std::string> notes;     // things a person should know: sitemap or robots trouble
};

class Crawler {
 public:
  explicit Crawler(CrawlOptions options);
  ~Crawler();
  Crawler(const Crawler&) = delete;
  Crawler& operator=(const Crawler&) = delete;

  // Checks the options (regexes, start URLs, --resolve syntax); an error names the bad value.
  static Status validate(const CrawlOptions& options);

  // Runs until the frontier is empty, every delivered page has been reported back, or a stop is
  // requested. `deliver` is called on this thread and must return quickly (hand the page on).
  // Every URL taken into the frontier is delivered exactly once, fetched or failed (robots,
  // off-scope redirects and not-HTML answers included). A page delivered with error none (a 304
  // included: the caller reports the links it stored) MUST be reported back with report_links (an
  // empty list is fine); the crawl waits for those reports. Reports for other pages are accepted.
  CrawlSummary run(const std::function<void(Page&&)>& deliver);

  // The analysis of the page delivered as `page_url` (its requested_url) at `depth` found `links`
  // (absolute URLs). Normalises and filters them on the calling thread. Any thread, also after
  // run() has returned (then it does nothing).
  void report_links(const std::string& page_url, int depth, std::vector<std::string> links);

  // Ends the crawl soon: no new transfers, in-flight ones are abandoned. Any thread.
  void request_stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tw
