// Passes 4 and 5: the site rules and the outcome (see scan_passes.h).
#include <algorithm>

#include "model/clock.h"
#include "pipeline/scan_passes.h"

namespace tw {
namespace {

// Pages come back from the workers in whatever order they finish; reports list them in a stable
// order so two scans of the same site read alike.
void sort_pages(std::vector<PageAnalysis>& pages) {
  std::sort(pages.begin(), pages.end(), [](const PageAnalysis& a, const PageAnalysis& b) {
    if (a.page.depth != b.page.depth) return a.page.depth < b.page.depth;
    return a.page.final_url < b.page.final_url;
  });
}

// Why a scan that analysed no page could not run; empty when it ran (or was interrupted).
std::string why_nothing_ran(const ScanState& scan) {
  const ScanOutcome& outcome = scan.outcome;
  if (outcome.pages_analysed > 0) return "";
  if (!scan.missing_directories.empty()) return scan.missing_directories.front();
  if (outcome.interrupted) return "";
  if (outcome.pages_failed == 0) return "no HTML page found in the target";
  std::string why = "no page could be analysed";
  return scan.first_page_error.empty() ? why : why + ": " + scan.first_page_error;
}

}  // namespace

void judge_site(ScanState& scan) {
  ScanReport& report = scan.outcome.report;
  std::vector<Finding> site_findings = run_site_rules(scan.facts, scan.context.rules);
  report.vendors = summarize_vendors(scan.facts, scan.context.rules);
  report.site_findings = std::move(site_findings);
  report.site_findings.insert(report.site_findings.end(), scan.integrity_findings.begin(),
                              scan.integrity_findings.end());
  sort_pages(report.pages);
  if (!scan.baseline) return;
  apply_baseline(report, *scan.baseline, scan.context.rules);
  if (scan.storing()) {
    Status recorded = scan.store->record_baseline_states(scan.info().id, report.all_findings());
    if (!recorded) scan.store_error = recorded.error();
  }
}

void finish_scan(ScanState& scan) {
  ScanOutcome& outcome = scan.outcome;
  ScanInfo& info = scan.info();
  outcome.could_not_run = why_nothing_ran(scan);
  if (!scan.store_error.empty()) {
    outcome.could_not_run = "storing the scan failed: " + scan.store_error;
    outcome.store_failed = true;
  }
  info.finished = utc_now_iso8601();
  info.status = outcome.interrupted || !scan.store_error.empty() ? ScanStatus::partial
                : outcome.could_not_run.empty()                  ? ScanStatus::complete
                                                                 : ScanStatus::failed;
  if (scan.storing()) {
    Status finished = scan.store->finish_scan(info.id, info, outcome.report.site_findings,
                                              outcome.report.vendors);
    if (!finished) {
      outcome.could_not_run = "storing the scan failed: " + finished.error();
      outcome.store_failed = true;
    }
  } else if (scan.store) {
    (void)scan.store->mark_partial(info.id);  // best effort; the store's error is the one reported
  }
}

}  // namespace tw
