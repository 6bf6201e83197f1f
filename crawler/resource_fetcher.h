// Fetches the third-party resources a scan found (scripts, stylesheets, tag-manager containers),
// each distinct URL once, with the crawler's politeness and limits. Its own libcurl multi loop,
// because resources are fetched after the crawl, in batches, and never enqueue links.
//
// Threads: a ResourceFetcher is used from one thread at a time; fetch() runs the loop on the
// calling thread. A stop flag may be raised from any thread (signal handler included).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "crawler/crawler.h"
#include "model/page.h"

namespace tw {

struct ResourceFetchOptions {
  // The crawl's transfer limits (concurrency, per_host, delay_ms, max_redirects, timeouts).
  TransferLimits limits;
  // The crawl's request shaping (user_agent, headers, resolve, proxy, insecure). Credentials
  // meant for the site (cookie, user, Authorization / Cookie headers) are never sent to third
  // parties.
  RequestShaping request;
  // Decoded body cap per resource; 0 means the crawl's limits.max_page_bytes.
  std::uint64_t max_resource_bytes = 0;
  // A body longer than max_resource_bytes is kept up to there (FetchedResource::truncated, no
  // error) instead of failing with too-large.
  bool keep_body_start = false;
  int max_resources = 2000;  // distinct URLs fetched per scan
  // Connections to loopback, private, link-local or multicast addresses are refused (recorded as
  // off-scope) unless the host was mapped with request.resolve or this is set (address_policy.h).
  bool allow_private_addresses = false;
  // "ADDR[:PORT]": the DNS server the third-party stage asks about hosts before fetching (the
  // fetcher connects where pin_host() says); empty: the system's.
  std::string dns_server;
  const std::atomic<bool>* stop = nullptr;  // raised: no new transfers, abandon in flight
};

// What one resource fetch produced. `response` is a Page because the facts are the same: status,
// final URL, headers (every Set-Cookie, in order, across redirect hops), redirect chain, decoded
// body (up to the cap), error. `response.fetch_ms` is the total time over all hops.
struct FetchedResource {
  Page response;
  std::uint64_t transfer_bytes = 0;  // body bytes on the wire (compressed size when encoded)
  double ttfb_ms = 0;                // time to first byte of the final hop, from its start
  bool resolve_only = false;         // only the host's resolution was checked (no body wanted)
  bool truncated = false;            // body stopped at max_resource_bytes
};

// One thing to fetch. `resolve_only` checks that the host resolves and accepts a connection
// (TW308) without requesting anything: used for hosts of tags whose bytes do not matter (pixels,
// preconnect hints), so tagwarden does not fire tracking hits it does not need.
struct ResourceRequest {
  std::string url;
  bool resolve_only = false;
};

// Called on the fetching thread as each resource completes (outside libcurl's callbacks). It may
// take the body (std::move) once it has what it needs, so memory stays bounded by the transfers in
// flight rather than by every resource of the scan.
using ResourceCompletion = std::function<void(const std::string& url, FetchedResource& resource)>;

// The shared in-run cache: a URL fetched once is answered from here for the rest of the scan.
class ResourceFetcher {
 public:
  explicit ResourceFetcher(ResourceFetchOptions options);
  ~ResourceFetcher();
  ResourceFetcher(const ResourceFetcher&) = delete;
  ResourceFetcher& operator=(const ResourceFetcher&) = delete;

  // Fetches every request not yet in the cache (non-http(s) URLs are recorded as scheme errors,
  // never fetched). Returns once all are done, the stop flag is raised, or max_resources is
  // reached (the rest are recorded with error `other`, "resource limit reached").
  // `on_complete` sees every request of this call that was not already cached, once.
  void fetch(const std::vector<ResourceRequest>& requests,
             const ResourceCompletion& on_complete = {});

  // What the scan learned of a host before fetching from it. Pinned addresses are the ones
  // libcurl connects to (the scan's resolver decides, not the system's; the public-address check
  // applies to them as to any address). An unreachable host's URLs are answered with `error` and
  // `detail` without a transfer; a host whose name fails to resolve, whose connection is refused
  // or whose connection attempt times out during fetch() is learned the same way, so no other URL
  // of it is attempted for the rest of the scan.
  void pin_host(const std::string& host, const std::vector<std::string>& addresses);
  void mark_unreachable(const std::string& host, PageError error, const std::string& detail);

  // The cached result for `url` (as given to fetch), or null when it was never requested.
  const FetchedResource* find(const std::string& url) const;

  int fetched_count() const;  // transfers actually made

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tw
