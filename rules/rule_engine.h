// Runs the rules over analysed facts. Page rules run per page (on the analysis pool, so they must
// be pure and thread-safe); site rules run once after the crawl over SiteFacts gathered page by
// page. Both apply the policy's severity overrides, disabled rules and suppressions.
#pragma once

#include <memory>
#include <vector>

#include "catalogue/catalogue.h"
#include "model/analysis.h"
#include "policy/policy.h"

namespace tw {

struct RuleContext {
  const Catalogue* catalogue = nullptr;     // never null
  const SanctionedStack* policy = nullptr;  // null when scanning without a policy
};

// Appends the page-level findings for one analysed page (tags attributed, body dropped). Calling
// it again replaces the findings of its own rules, so a page whose tags grew can be re-checked.
void run_page_rules(PageAnalysis& page, const RuleContext& context);

// Applies the policy to findings made elsewhere (the third-party stage's rules): drops disabled
// rules, applies severity overrides, marks suppressed findings with the reason. Thread-safe.
void apply_policy(std::vector<Finding>& findings, const RuleContext& context);

// What the site-level rules need, accumulated page by page so no page is kept in memory.
class SiteFacts {
 public:
  SiteFacts();
  ~SiteFacts();
  SiteFacts(SiteFacts&&) noexcept;
  SiteFacts& operator=(SiteFacts&&) noexcept;
  void add_page(const PageAnalysis& page);  // not thread-safe: call from one thread
  struct Data;
  const Data& data() const { return *data_; }

 private:
  std::unique_ptr<Data> data_;
};

std::vector<Finding> run_site_rules(const SiteFacts& facts, const RuleContext& context);

// Vendor inventory for the reports: every vendor seen, its hosts, ids, page count and status
// against the policy ("unreviewed" for all when there is none).
std::vector<VendorSummary> summarize_vendors(const SiteFacts& facts, const RuleContext& context);

}  // namespace tw
