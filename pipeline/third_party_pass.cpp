// Pass 3: the third-party stage over the crawled pages (see scan_passes.h and
// third_party_stage.h).
#include "pipeline/final_pages.h"
#include "pipeline/scan_passes.h"

namespace tw {
namespace {

void record_summary(ScanState& scan, const ThirdPartySummary& summary) {
  ScanInfo& info = scan.info();
  info.settings["third_party_fetched"] = std::to_string(summary.resources_fetched);
  if (int skipped = summary.references_not_fetched; skipped > 0) {
    info.settings["third_party_not_fetched"] = std::to_string(skipped);
    scan.note(std::to_string(skipped) + " references to third-party URLs past the first " +
              std::to_string(scan.settings.max_third_party) +
              " distinct ones were not fetched (--max-third-party)");
  }
  if (summary.site_hosts_checked > 0) {
    info.settings["site_hosts_cname_checked"] = std::to_string(summary.site_hosts_checked);
    info.settings["site_hosts_cloaked"] = std::to_string(summary.site_hosts_cloaked);
  }
  if (int cut = summary.site_references_not_checked; cut > 0) {
    scan.note(std::to_string(cut) +
              " references to the site's own hosts were past the CNAME check's bound and were "
              "not checked");
  }
  if (!summary.skipped.empty()) {
    info.settings["third_party_skipped"] = summary.skipped;
    scan.note("third-party checks skipped: " + summary.skipped);
  }
}

}  // namespace

void run_third_party_stage(ScanState& scan) {
  const bool walk_store = scan.storing();
  if (!scan.third_party || scan.stop.requested() || scan.outcome.pages_analysed == 0 ||
      !(walk_store || scan.settings.keep_tags)) {
    return;
  }
  // With a store the stage walks the stored pages; without one, the pages kept in memory.
  FinalPages final_pages(scan);
  auto each_final = [&final_pages](const PageAnalysis& page) { final_pages.add(page); };
  Result<ThirdPartySummary> summary = Error{""};
  if (walk_store) {
    StoredPages pages(*scan.store, scan.info().id);
    summary = scan.third_party->run(pages, each_final);
  } else {
    PagesInMemory pages(scan.outcome.report.pages);
    summary = scan.third_party->run(pages, each_final);
  }
  if (summary) {
    record_summary(scan, *summary);
    final_pages.commit_totals();
  } else if (scan.store_error.empty()) {
    scan.store_error = summary.error();
  }
  scan.outcome.interrupted = scan.stop.interrupted();
}

}  // namespace tw
