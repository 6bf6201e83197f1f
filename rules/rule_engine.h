// Runs the registered rules (rules/rule_registry.cpp) over analysed facts, each kind where its
// facts exist: page rules per page (on the analysis pool, so they must be pure and thread-safe),
// resource rules per page after the third-party stage, site rules once after the crawl over
// SiteFacts gathered page by page, the drift rule against a baseline. Every entry point applies
// the policy's severity overrides, disabled rules and suppressions. Rules never fetch.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "catalogue/catalogue.h"
#include "model/analysis.h"
#include "model/drift.h"
#include "policy/policy.h"

namespace tw {

struct RuleContext {
  const Catalogue* catalogue = nullptr;     // never null
  const SanctionedStack* policy = nullptr;  // null when scanning without a policy
};

// Appends the page-level findings for one analysed page (tags attributed, body dropped). Calling
// it again replaces the findings of its own rules, so a page whose tags grew can be re-checked.
void run_page_rules(PageAnalysis& page, const RuleContext& context);

// True for a page TW202 treats as sensitive: the policy's sensitive_paths, or common login,
// account, checkout, payment and health paths when it names none.
bool is_sensitive_page(const PageAnalysis& page, const RuleContext& context);

// Applies the policy to findings made outside the engine: drops disabled rules, applies severity
// overrides, marks suppressed findings with the reason. Thread-safe.
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

// The findings of the resource rules for one page (facts the third-party stage wrote on its tags),
// with the policy applied. Does not touch the page; the caller replaces earlier findings of these
// rules (is_resource_rule). Thread-safe.
std::vector<Finding> run_resource_rules(const PageAnalysis& page, const RuleContext& context);

// True for the rule ids run_resource_rules produces.
bool is_resource_rule(std::string_view rule_id);

// What the drift rule reads: what appeared or disappeared since a baseline scan (store/ computes
// it from the two scans). The sets are borrowed for the call.
struct BaselineFacts {
  std::string origin;  // the baseline for messages: "scan 12" or a report's path
  const DriftSet& vendors;
  const DriftSet& hosts;
  const DriftSet& tag_ids;
};

// Site-level findings (baseline_state "new") about the drift since the baseline, with the
// policy applied.
std::vector<Finding> run_baseline_rules(const BaselineFacts& facts, const RuleContext& context);

// What the integrity rules (PCI DSS 4.0, 6.4.3 and 11.6.1) read: this scan's payment pages, their
// scripts hashed and judged against the scripts file (judge_payment_scripts), and the payment pages
// of the last scan of the same target, when one is stored. Borrowed for the call.
struct IntegrityFacts {
  const std::vector<PaymentPage>& pages;
  const std::vector<PaymentPage>* previous = nullptr;  // null: no earlier scan to compare with
  std::string previous_origin;                         // "scan 12", for messages
};

// Sets each script's status (and the approving entry's owner, approved_by, approved_on) against
// the policy's scripts file; "unreviewed" when the policy has none.
void judge_payment_scripts(PaymentPage& page, const SanctionedStack* policy);

// The integrity findings (page set, site-level otherwise), with the policy applied.
std::vector<Finding> run_integrity_rules(const IntegrityFacts& facts, const RuleContext& context);

// Vendor inventory for the reports: every vendor seen, its hosts, ids, page count and status
// against the policy ("unreviewed" for all when there is none).
std::vector<VendorSummary> summarize_vendors(const SiteFacts& facts, const RuleContext& context);

}  // namespace tw
