// Pass 3b: the payment pages' script inventory and integrity rules (see scan_passes.h). External
// scripts are fetched here, once per URL and at most kMaxPaymentScripts per scan: first-party ones
// from wherever the site itself was crawled, third- and fourth-party ones under the third-party
// stage's address policy (and not at all with --no-fetch-third-party).
#include <algorithm>
#include <map>

#include "analyzers/resource_integrity.h"
#include "model/url.h"
#include "pipeline/scan_passes.h"

namespace tw {
namespace {

constexpr int kMaxPaymentScripts = 500;

std::string page_url(const PageAnalysis& page) {
  return page.page.final_url.empty() ? page.page.requested_url : page.page.final_url;
}

PaymentPage* find_payment_page(ScanState& scan, const std::string& url) {
  for (PaymentPage& page : scan.payment_pages) {
    if (page.url == url) return &page;
  }
  return nullptr;
}

bool is_derived_script(const Tag& tag) {
  return tag.kind == TagKind::script && (tag.initiator == Initiator::tag_manager ||
                                         tag.initiator == Initiator::third_party_script);
}

ResourceFetchOptions fetch_options(const ScanState& scan, bool first_party) {
  ResourceFetchOptions options;
  options.limits = scan.crawl;
  options.request = scan.crawl;
  options.stop = scan.stop.flag();
  options.max_resources = kMaxPaymentScripts;
  options.dns_server = scan.settings.dns_server;
  // The site's own scripts come from where its pages came from, private addresses included.
  options.allow_private_addresses = first_party || scan.settings.allow_private_third_party;
  return options;
}

std::string digest_or_error(const FetchedResource& fetched, std::string& error) {
  const Page& response = fetched.response;
  if (response.status >= 400) {
    error = "HTTP " + std::to_string(response.status);
    return "";
  }
  if (response.error != PageError::none) {
    error = std::string(to_string(response.error)) +
            (response.error_detail.empty() ? "" : ": " + response.error_detail);
    return "";
  }
  if (fetched.truncated) {
    error = "larger than the body cap";
    return "";
  }
  return sri_digest("sha384", response.body);
}

// Fetches the external scripts of one party class and writes their hashes on every page.
void hash_scripts(ScanState& scan, bool first_party) {
  std::vector<ResourceRequest> requests;
  for (const PaymentPage& page : scan.payment_pages) {
    for (const PageScript& script : page.scripts) {
      if (!script.is_inline && (script.party == "first") == first_party) {
        requests.push_back({script.url, false});
      }
    }
  }
  if (requests.empty()) return;
  std::map<std::string, std::pair<std::string, std::string>> results;  // url -> hash, error
  ResourceFetcher fetcher(fetch_options(scan, first_party));
  fetcher.fetch(requests, [&](const std::string& url, FetchedResource& fetched) {
    std::string error;
    std::string hash = digest_or_error(fetched, error);
    results[url] = {std::move(hash), std::move(error)};
  });
  for (PaymentPage& page : scan.payment_pages) {
    for (PageScript& script : page.scripts) {
      auto found = results.find(script.url);
      if (script.is_inline || (script.party == "first") != first_party) continue;
      if (found == results.end()) {
        script.fetch_error = "not fetched (scan stopped or limit reached)";
        continue;
      }
      script.sha384 = found->second.first;
      script.fetch_error = found->second.second;
    }
  }
}

void hash_external_scripts(ScanState& scan) {
  if (!scan.targets.urls.empty()) hash_scripts(scan, true);
  if (!scan.targets.urls.empty() && scan.settings.fetch_third_party) {
    hash_scripts(scan, false);
    return;
  }
  for (PaymentPage& page : scan.payment_pages) {
    for (PageScript& script : page.scripts) {
      if (!script.is_inline && script.sha384.empty() && script.fetch_error.empty()) {
        script.fetch_error = scan.targets.urls.empty() ? "not fetched in directory mode"
                                                       : "not fetched (--no-fetch-third-party)";
      }
    }
  }
}

// The payment pages of the last scan of the same target, or null (with why in `origin`).
std::optional<std::vector<PaymentPage>> previous_payment_pages(ScanState& scan,
                                                               std::string& origin) {
  if (!scan.storing()) return std::nullopt;
  Result<std::int64_t> previous = scan.store->previous_complete_scan_id(scan.info().id);
  if (!previous) return std::nullopt;
  Result<std::vector<PaymentPage>> pages = scan.store->payment_pages(*previous);
  if (!pages) {
    scan.note("payment pages of scan " + std::to_string(*previous) + ": " + pages.error());
    return std::nullopt;
  }
  origin = "scan " + std::to_string(*previous);
  return std::move(pages).value();
}

}  // namespace

void add_payment_page(ScanState& scan, const PageAnalysis& analysis) {
  std::string url = page_url(analysis);
  if (find_payment_page(scan, url) != nullptr) return;
  PaymentPage page{url, analysis.scripts, security_headers(analysis.page.headers)};
  for (PageScript& script : page.scripts) {
    for (const Tag& tag : analysis.tags) {
      if (!script.is_inline && tag.url == script.url) script.vendor = tag.vendor;
    }
  }
  scan.payment_pages.push_back(std::move(page));
}

void add_fourth_party_scripts(ScanState& scan, const PageAnalysis& analysis) {
  PaymentPage* page = find_payment_page(scan, page_url(analysis));
  if (page == nullptr) return;
  for (const Tag& tag : analysis.tags) {
    if (!is_derived_script(tag)) continue;
    bool listed = std::any_of(page->scripts.begin(), page->scripts.end(),
                              [&](const PageScript& s) { return s.url == tag.url; });
    if (listed) continue;
    PageScript script;
    script.url = tag.url;
    script.party = "fourth";
    script.vendor = tag.vendor;
    page->scripts.push_back(std::move(script));
  }
}

void check_payment_pages(ScanState& scan) {
  if (scan.payment_pages.empty() || scan.stop.requested()) return;
  std::sort(scan.payment_pages.begin(), scan.payment_pages.end(),
            [](const PaymentPage& a, const PaymentPage& b) { return a.url < b.url; });
  hash_external_scripts(scan);
  for (PaymentPage& page : scan.payment_pages) judge_payment_scripts(page, scan.settings.policy);
  std::string origin;
  std::optional<std::vector<PaymentPage>> previous = previous_payment_pages(scan, origin);
  IntegrityFacts facts{scan.payment_pages, previous ? &*previous : nullptr, origin};
  scan.integrity_findings = run_integrity_rules(facts, scan.context.rules);
  if (!scan.storing()) return;
  if (Status stored = scan.store->add_payment_pages(scan.info().id, scan.payment_pages); !stored) {
    scan.store_error = stored.error();
  }
}

}  // namespace tw
