// Drift since the baseline (TW107): every vendor, third-party host and tag ID that appeared or
// disappeared, read from what store/ computed from the two scans.
#include "rules/rule_support.h"

namespace tw {
namespace {

std::string page_list(const std::vector<std::string>& pages) {
  constexpr std::size_t kListed = 5;
  std::string out;
  for (std::size_t i = 0; i < pages.size() && i < kListed; ++i) {
    if (!out.empty()) out += ", ";
    out += pages[i];
  }
  if (pages.size() > kListed) out += ", and " + std::to_string(pages.size() - kListed) + " more";
  return out;
}

Finding drift_finding(const RuleInfo& rule, const DriftItem& item, std::string_view what,
                      bool appeared, const std::string& origin) {
  Finding finding;
  finding.rule = std::string(rule.id);
  finding.severity = rule.default_severity;
  finding.vendor = item.vendor;
  if (what == "host") finding.host = item.value;
  std::string pages =
      std::to_string(item.pages.size()) + (item.pages.size() == 1 ? " page" : " pages");
  finding.message =
      std::string(appeared ? "New " : "Gone ") + std::string(what) + " " + item.value +
      (item.vendor.empty() || item.vendor == item.value ? std::string()
                                                        : " (" + item.vendor + ")") +
      " since the baseline (" + origin + "), " + (appeared ? "now on " : "was on ") + pages + ".";
  finding.evidence = page_list(item.pages);
  finding.fingerprint = stable_fingerprint(
      {finding.rule, std::string(what), appeared ? "appeared" : "disappeared", item.value});
  finding.baseline_state = "new";
  return finding;
}

void check_drift(const RuleInfo& rule, const BaselineFacts& facts, std::vector<Finding>& out) {
  const std::pair<const DriftSet*, std::string_view> kinds[] = {
      {&facts.vendors, "vendor"}, {&facts.hosts, "host"}, {&facts.tag_ids, "tag ID"}};
  for (const auto& [set, what] : kinds) {
    for (const DriftItem& item : set->added) {
      out.push_back(drift_finding(rule, item, what, true, facts.origin));
    }
    for (const DriftItem& item : set->removed) {
      out.push_back(drift_finding(rule, item, what, false, facts.origin));
    }
  }
}

}  // namespace

extern const Rule kDriftRule{
    {"TW107", "drift", "governance", "Vendor, tag ID or host new or gone since the baseline",
     Severity::info,
     "Compares this scan with a baseline scan and reports every vendor, tag ID or third-party "
     "host that appeared or disappeared. New tags arrive without review through tag managers and "
     "agency campaigns; drift is how a team notices.",
     "Review each new vendor or ID: sanction it in the policy, or remove it from the site (often "
     "from the tag manager container)."},
    &check_drift};

}  // namespace tw
