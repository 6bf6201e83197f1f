// The passes of one scan and the state they hand each other (see run_scan_pipeline). Internal to
// pipeline/: each pass reads what the earlier ones left in ScanState and adds its own part.
// Threads: the passes run on the driver's thread one after another; inside crawl_and_analyse the
// analysis pool and the store writer own their parts of the state until they are joined.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "model/analysis.h"
#include "pipeline/first_party_files.h"
#include "pipeline/incremental_lookup.h"
#include "pipeline/scan_pipeline.h"
#include "pipeline/third_party_stage.h"
#include "rules/rule_engine.h"
#include "store/baseline.h"
#include "store/scan_store.h"

namespace tw {

struct ScanTargets {
  std::vector<std::string> urls;
  std::vector<std::string> directories;
};

struct ScanState {
  ScanState(const ScanSettings& settings, ScanStop& stop, std::ostream& notes)
      : settings(settings), stop(stop), notes(notes) {}
  ScanState(const ScanState&) = delete;
  ScanState& operator=(const ScanState&) = delete;

  const ScanSettings& settings;
  ScanStop& stop;
  std::ostream& notes;  // one line per note, unless settings.quiet

  // open_inputs
  ScanTargets targets;
  CrawlOptions crawl;  // settings.crawl with the URL targets as start URLs
  std::optional<ScanStore> store;
  std::optional<Baseline> baseline;
  std::optional<IncrementalLookup> incremental;
  AnalysisContext context;
  std::optional<ThirdPartyStage> third_party;  // made before the crawl: it plans as pages pass
  std::optional<FirstPartyFiles> first_party;  // read by the analysis workers as pages pass

  // crawl_and_analyse and later passes
  ScanOutcome outcome;  // outcome.report.scan is the scan row
  SiteFacts facts;
  std::string store_error;       // the first failure to store; the scan is then partial
  std::string first_page_error;  // "URL: detail" of the first page that failed
  std::vector<std::string> missing_directories;
  // Payment pages (policy payment_pages) as the crawl found them; check_payment_pages hashes
  // their external scripts, judges them and leaves the integrity findings for judge_site.
  std::vector<PaymentPage> payment_pages;
  std::vector<Finding> integrity_findings;

  ScanInfo& info() { return outcome.report.scan; }
  bool storing() const { return store.has_value() && store_error.empty(); }
  void note(const std::string& line) const;
};

// Open the inputs: targets, crawl options, store, baseline, incremental lookup, analysis context,
// the third-party stage; the scan row is begun only when every input is good.
Status open_inputs(ScanState& scan);
// Crawl and analyse: fetch loop (or directory reader) -> analysis pool -> store writer.
void crawl_and_analyse(ScanState& scan);
// The third-party stage: fetch every third-party resource once and re-walk the pages.
void run_third_party_stage(ScanState& scan);
// The browser pass (--browser): pages rendered in headless Chromium, what they requested turned
// into tags (initiator runtime) and marks on the static ones, their cookies and consent states
// kept.
void render_in_browser(ScanState& scan);
// The payment pages' inventory: external scripts fetched and hashed, each script judged against
// the scripts file, the integrity rules against the last scan of the target, the inventory stored.
void check_payment_pages(ScanState& scan);
// Records a payment page's scripts and security headers (store writer thread, during the crawl).
void add_payment_page(ScanState& scan, const PageAnalysis& page);
// Adds the scripts the third-party stage found a payment page loading through other scripts.
void add_fourth_party_scripts(ScanState& scan, const PageAnalysis& page);
// The site rules, the vendor inventory and the baseline's new/existing marks.
void judge_site(ScanState& scan);
// The outcome: what could not run, the scan's status, the finished scan row.
void finish_scan(ScanState& scan);

}  // namespace tw
