// The scan driver (see scan_pipeline.h): the passes, in order. Each is one function over the
// ScanState it shares with the others (scan_passes.h).
#include "pipeline/scan_pipeline.h"

#include "pipeline/scan_passes.h"

namespace tw {

Result<ScanOutcome> run_scan_pipeline(const ScanSettings& settings, ScanStop& stop,
                                      std::ostream& notes) {
  ScanState scan(settings, stop, notes);
  // Targets, policy, store, baseline: every input problem is found before a scan row exists.
  if (Status opened = open_inputs(scan); !opened) return Error{opened.error()};
  // Fetch loop -> analysis pool -> store writer, until the site or a limit is exhausted.
  crawl_and_analyse(scan);
  // Third-party resources fetched once; containers opened; site facts rebuilt from the result.
  run_third_party_stage(scan);
  // Headless Chromium over the pages (--browser): runtime tags, cookies, consent states.
  render_in_browser(scan);
  // Payment pages: scripts hashed and judged, integrity rules against the last scan, inventory kept.
  check_payment_pages(scan);
  // Site rules, vendor inventory and baseline marks over the whole site.
  judge_site(scan);
  // Why nothing could run (if so), the scan's status, and the finished scan row.
  finish_scan(scan);
  return std::move(scan.outcome);
}

}  // namespace tw
