// What the third-party stage learns of the scan's vendor hosts before and while it fetches: how
// many pages and tags name each host, and what DNS says of it. DNS is asked about every host of a
// round at once (crawler/dns_resolver.h); a host that resolves is pinned to the address DNS gave,
// one DNS proves missing (NXDOMAIN) or that DNS could not answer for is never fetched. When DNS
// answers for no host at all, the checks are skipped: the hosts' URLs are dropped unfetched and
// skipped() says why. Hosts mapped with --resolve and IP addresses are never asked; behind a
// proxy nothing is (the proxy resolves names, and local DNS proves nothing).
//
// Threads: used from the stage's thread only.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "crawler/dns_resolver.h"
#include "crawler/resource_fetcher.h"
#include "model/resource_facts.h"

namespace tw {

class ThirdPartyHosts {
 public:
  // Reads options.dns_server, request.resolve, request.proxy, stop and max_resources (at most
  // that many hosts are counted, so a site whose every page names its own host stays bounded).
  explicit ThirdPartyHosts(const ResourceFetchOptions& options);

  // A tag naming `host` on the page numbered `page` (each page gets a number of its own, in the
  // order the crawl delivered them), whose URL is `page_url`, `depth` links from the start.
  // `page_counted` when that page was counted for the host already, under another number.
  void count_use(const std::string& host, std::size_t page, const std::string& page_url,
                 int depth, bool page_counted = false);

  // Asks DNS about the hosts of `requests` not asked yet and tells `fetcher` what it learned.
  // When the checks are skipped, the requests of hosts DNS did not answer for are removed.
  void check(std::vector<ResourceRequest>& requests, ResourceFetcher& fetcher);

  // Marks `facts` of a URL of `host` when DNS proved the host missing.
  void mark_missing(const std::string& host, ResourceFacts& facts) const;

  // Puts the host's reach (pages, references) on `facts` when this is the page that names the
  // missing host nearest the start (the least depth, then the least URL: the same page whatever
  // order the crawl delivered them in), once per host: its one TW308 goes there.
  void add_reach(const std::string& host, const std::string& page_url, ResourceFacts& facts);

  // The CNAME chains of the site's own hosts (see DnsResolver::cname_chains), asked together.
  // Hosts mapped with --resolve and IP addresses are left out; behind a proxy, or when no
  // resolver can be opened, none is asked.
  std::unordered_map<std::string, std::vector<std::string>> cname_chains(
      const std::set<std::string>& hosts);

  int hosts_missing() const { return static_cast<int>(missing_.size()); }
  // Why the third-party checks were skipped ("DNS answered for none of ..."), else empty.
  const std::string& skipped() const { return skipped_; }

 private:
  struct HostUse {
    int pages = 0;
    int references = 0;
    std::size_t last_page = static_cast<std::size_t>(-1);
    int first_depth = 0;
    std::string first_page;  // the URL of the naming page nearest the start
  };
  struct MissingHost {
    bool domain_unregistered = false;
    bool reported = false;
  };

  bool open_resolver();
  bool never_asked(const std::string& host) const;
  std::vector<std::string> hosts_to_ask(const std::vector<ResourceRequest>& requests);
  void ask_dns(const std::vector<std::string>& hosts, ResourceFetcher& fetcher);
  void learn(const std::string& host, const HostLookup& lookup, const std::string& server,
             ResourceFetcher& fetcher);
  void skip_checks(std::size_t asked, const std::map<std::string, int>& failures);

  std::string dns_server_;
  std::set<std::string, std::less<>> mapped_hosts_;  // --resolve: never asked
  bool ask_dns_;
  const std::atomic<bool>* stop_;
  std::size_t max_hosts_;
  std::optional<DnsResolver> resolver_;
  bool dns_answered_ = false;  // for some host: the resolver works
  std::set<std::string> asked_;
  std::set<std::string> unchecked_;  // not fetched: DNS answered for no host
  std::unordered_map<std::string, MissingHost> missing_;
  std::unordered_map<std::string, HostUse> uses_;
  std::string skipped_;
};

}  // namespace tw
