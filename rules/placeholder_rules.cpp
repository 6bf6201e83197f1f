// TEMPORARY: lets every stage link while the rule engine is written; deleted by its owner.
#include "rules/policy.h"
#include "rules/rule_catalogue.h"
#include "rules/rule_engine.h"

namespace tw {
struct SiteFacts::Data {};
SiteFacts::SiteFacts() : data_(std::make_unique<Data>()) {}
SiteFacts::~SiteFacts() = default;
SiteFacts::SiteFacts(SiteFacts&&) noexcept = default;
SiteFacts& SiteFacts::operator=(SiteFacts&&) noexcept = default;
void SiteFacts::add_page(const PageAnalysis&) {}
void run_page_rules(PageAnalysis&, const RuleContext&) {}
std::vector<Finding> run_site_rules(const SiteFacts&, const RuleContext&) { return {}; }
std::vector<VendorSummary> summarize_vendors(const SiteFacts&, const RuleContext&) { return {}; }
std::span<const RuleInfo> all_rules() { return {}; }
const RuleInfo* find_rule(std::string_view) { return nullptr; }
const SanctionedVendor* SanctionedStack::find_vendor(std::string_view) const { return nullptr; }
Result<SanctionedStack> load_policy_file(const std::string&) { return Error{"policy: not built yet"}; }
Result<SanctionedStack> load_policy_text(std::string_view, std::string_view) { return Error{"policy: not built yet"}; }
}  // namespace tw
