// The stage's knowledge of its vendor hosts; see third_party_hosts.h.
#include "pipeline/third_party_hosts.h"

#include <algorithm>
#include <tuple>

#include "crawler/address_policy.h"
#include "model/domain.h"
#include "model/url.h"

namespace tw {

ThirdPartyHosts::ThirdPartyHosts(const ResourceFetchOptions& options)
    : dns_server_(options.dns_server),
      mapped_hosts_(hosts_mapped_by(options.request.resolve)),
      ask_dns_(options.request.proxy.empty()),
      stop_(options.stop),
      max_hosts_(static_cast<std::size_t>(std::max(options.max_resources, 0))) {}

void ThirdPartyHosts::count_use(const std::string& host, std::size_t page,
                                const std::string& page_url, int depth, bool page_counted) {
  auto use = uses_.find(host);
  if (use == uses_.end()) {
    if (host.empty() || uses_.size() >= max_hosts_) return;
    use = uses_.emplace(host, HostUse{}).first;
    use->second.first_depth = depth;
    use->second.first_page = page_url;
  } else if (std::tie(depth, page_url) < std::tie(use->second.first_depth, use->second.first_page)) {
    use->second.first_depth = depth;
    use->second.first_page = page_url;
  }
  ++use->second.references;
  if (page_counted || use->second.last_page == page) return;
  ++use->second.pages;
  use->second.last_page = page;
}

void ThirdPartyHosts::check(std::vector<ResourceRequest>& requests, ResourceFetcher& fetcher) {
  if (!ask_dns_) return;
  std::vector<std::string> hosts = hosts_to_ask(requests);
  if (hosts.empty()) return;
  if (skipped_.empty()) ask_dns(hosts, fetcher);
  if (skipped_.empty()) return;
  unchecked_.insert(hosts.begin(), hosts.end());
  std::erase_if(requests, [&](const ResourceRequest& request) {
    return unchecked_.contains(url_host(request.url));
  });
}

std::vector<std::string> ThirdPartyHosts::hosts_to_ask(
    const std::vector<ResourceRequest>& requests) {
  std::vector<std::string> hosts;
  for (const auto& request : requests) {
    std::string host = url_host(request.url);
    if (never_asked(host) || !asked_.insert(host).second) continue;
    hosts.push_back(std::move(host));
  }
  return hosts;
}

// "localhost" names loopback by definition (RFC 6761) and is never asked of DNS; the
// public-address check decides whether it may be fetched.
bool ThirdPartyHosts::never_asked(const std::string& host) const {
  bool loopback_name = host == "localhost" || host.ends_with(".localhost");
  return host.empty() || is_ip_literal(host) || loopback_name || mapped_hosts_.contains(host);
}

bool ThirdPartyHosts::open_resolver() {
  if (resolver_) return true;
  Result<DnsResolver> opened = DnsResolver::open({dns_server_});
  if (!opened) {
    skipped_ = opened.error();
    return false;
  }
  resolver_.emplace(std::move(*opened));
  return true;
}

std::unordered_map<std::string, std::vector<std::string>> ThirdPartyHosts::cname_chains(
    const std::set<std::string>& hosts) {
  std::vector<std::string> asked;
  for (const std::string& host : hosts) {
    if (!never_asked(host)) asked.push_back(host);
  }
  if (!ask_dns_ || asked.empty() || !skipped_.empty() || !open_resolver()) return {};
  return resolver_->cname_chains(asked, stop_);
}

// Every host at once; when DNS has answered for no host of the scan, the checks are skipped.
void ThirdPartyHosts::ask_dns(const std::vector<std::string>& hosts, ResourceFetcher& fetcher) {
  if (!open_resolver()) return;
  const std::string server = resolver_->describe();
  std::map<std::string, int> failures;  // "SERVFAIL" -> hosts
  for (const auto& [host, lookup] : resolver_->lookup(hosts, stop_)) {
    dns_answered_ = dns_answered_ || lookup.answer != DnsAnswer::failed;
    if (lookup.answer == DnsAnswer::failed) ++failures[lookup.detail];
    learn(host, lookup, server, fetcher);
  }
  if (!dns_answered_) skip_checks(hosts.size(), failures);
}

// A host that resolves is fetched from the address DNS gave (libcurl asks no one else); the rest
// are answered unfetched with what DNS said.
void ThirdPartyHosts::learn(const std::string& host, const HostLookup& lookup,
                            const std::string& server, ResourceFetcher& fetcher) {
  switch (lookup.answer) {
    case DnsAnswer::records:
      fetcher.pin_host(host, lookup.addresses);
      break;
    case DnsAnswer::nxdomain:
      missing_[host].domain_unregistered = lookup.domain == DomainRegistration::unregistered;
      fetcher.mark_unreachable(host, PageError::dns, "NXDOMAIN from " + server);
      break;
    case DnsAnswer::failed:
      fetcher.mark_unreachable(host, PageError::dns, "DNS " + lookup.detail + " from " + server);
      break;
    case DnsAnswer::no_records:  // the name exists (without an IPv4 address): libcurl decides
      break;
  }
}

void ThirdPartyHosts::skip_checks(std::size_t asked, const std::map<std::string, int>& failures) {
  std::string counts;
  for (const auto& [detail, count] : failures) {
    counts += (counts.empty() ? "" : ", ") + detail + ": " + std::to_string(count);
  }
  skipped_ = "DNS answered for none of the " + std::to_string(asked) +
             " third-party hosts asked of " + resolver_->describe() + " (" + counts + ")";
}

void ThirdPartyHosts::mark_missing(const std::string& host, ResourceFacts& facts) const {
  auto missing = missing_.find(host);
  if (missing == missing_.end()) return;
  facts.host_nxdomain = true;
  facts.domain_unregistered = missing->second.domain_unregistered;
}

void ThirdPartyHosts::add_reach(const std::string& host, const std::string& page_url,
                                ResourceFacts& facts) {
  auto missing = missing_.find(host);
  if (missing == missing_.end() || missing->second.reported) return;
  auto use = uses_.find(host);
  if (use != uses_.end() && use->second.first_page != page_url) return;
  missing->second.reported = true;
  facts.host_pages = use == uses_.end() ? 1 : std::max(use->second.pages, 1);
  facts.host_references = use == uses_.end() ? 1 : std::max(use->second.references, 1);
}

}  // namespace tw
