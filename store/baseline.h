// Baselines for CI: a scan to compare against, either a stored scan id or a JSON report written
// by tagwarden. Applying one marks every finding "new" or "existing" (by fingerprint) and adds
// TW107 drift findings for vendors, hosts and tag IDs that appeared or disappeared, so `--fail-on`
// can count only what a release introduced.
#pragma once

#include <string>
#include <vector>

#include "model/analysis.h"
#include "model/result.h"
#include "rules/rule_engine.h"
#include "store/scan_store.h"

namespace tw {

struct Baseline {
  std::string origin;  // "scan 12" or the report's path, for messages
  ScanReport report;
};

// `spec` is a scan id (digits) looked up in `store`, or the path of a JSON report. `store` may be
// null when no database is used; a scan id is then an error.
Result<Baseline> load_baseline(const std::string& spec, ScanStore* store);

// Reads a tagwarden JSON report (reports/json_report.cpp) back into a ScanReport: scan, pages with
// their tags, vendors and findings. Errors name the file and what is wrong with it.
Result<ScanReport> read_json_report(const std::string& path);
Result<ScanReport> parse_json_report(const std::string& text, const std::string& origin);

// TW107 findings (site-level, baseline_state "new") for each vendor, host and tag ID that appeared
// or disappeared since the baseline, with the pages where: the drift rule (rules/) run on
// compute_drift's result, without a policy.
std::vector<Finding> drift_findings(const Baseline& baseline, const ScanReport& current);

// Sets baseline_state on every finding of `current` ("existing" when the baseline has the same
// fingerprint, "new" otherwise) and appends the TW107 drift findings to its site findings, with
// the policy in `rules` applied to them like to every other finding (disabled, severity
// override, suppressions).
void apply_baseline(ScanReport& current, const Baseline& baseline, const RuleContext& rules);

}  // namespace tw
