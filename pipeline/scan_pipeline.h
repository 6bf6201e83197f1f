// The scan: the passes that turn targets into a ScanReport. The fetch loop (or a directory
// reader) produces pages, a pool of worker threads analyses them, one writer thread gathers site
// facts and stores batches; then the third-party stage, the site rules, vendor inventory and the
// finished scan. Used by `scan` and `init`; the reports are theirs to write.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "crawler/crawler.h"
#include "model/analysis.h"
#include "model/browser_visit.h"
#include "model/result.h"
#include "pipeline/scan_stop.h"
#include "policy/policy.h"

namespace tw {

// The browser pass (--browser): pages rendered in headless Chromium after the static crawl.
struct BrowserSettings {
  bool enabled = false;
  std::string binary = "/usr/bin/chromium";
  bool sandbox = true;
  int pages = 0;       // 0: every page; else this many, one per template first
  int tabs = 0;        // pages in flight; 0: two per core
  int timeout_s = 15;  // per page and consent state
  std::vector<ConsentState> states{ConsentState::none};
  bool gpc = false;
  bool offline = false;  // requests leaving the site are blocked (recorded as attempted)
};

struct ScanSettings {
  std::vector<std::string> targets;  // http(s) URLs and/or directories
  CrawlOptions crawl;                // start_urls are filled from the URL targets
  std::string base_url;              // directory mode: origin the files are served from
  int threads = 0;                   // analysis workers; 0 = number of cores
  const SanctionedStack* policy = nullptr;
  std::string db_path;           // empty = do not store
  bool db_is_temporary = false;  // db_path is this run's own scratch file: no baseline scan in it
  bool keep_pages = true;        // keep every PageAnalysis for reports (memory grows)
  bool keep_tags = true;         // with their tags (the JSON and HTML reports and drift list them)
  bool incremental = true;       // reuse stored tags of unchanged pages
  std::string baseline;  // scan id in the store or a JSON report: marks findings new/existing
  bool fetch_third_party = false;  // fetch and analyse every third-party resource once
  int max_third_party = 2000;      // distinct third-party URLs (or origins checked) per scan
  std::string dns_server;          // asked about third-party hosts ("ADDR[:PORT]"); empty: system's
  bool allow_private_third_party = false;  // see ResourceFetchOptions::allow_private_addresses
  int max_first_party_files = 200;         // same-site script and stylesheet files read; 0: none
  std::uint64_t max_first_party_bytes = 4ull << 20;  // per first-party file
  bool quiet = false;                                // no progress, no notes
  BrowserSettings browser;
};

struct ScanOutcome {
  ScanReport report;
  int pages_analysed = 0;  // fetched and parsed without error
  int pages_failed = 0;
  int pages_reused = 0;      // unchanged since the last scan, tags reused
  bool interrupted = false;  // stop.interrupt() was called (SIGINT/SIGTERM)
  // Non-empty when nothing could be scanned (directory missing, every target unreachable), or
  // when storing failed.
  std::string could_not_run;
  bool store_failed = false;  // the store holds less than was scanned: no report is read from it
};

// Runs one scan on the calling thread (it starts and joins its own workers). Errors are
// configuration problems found before crawling (bad regex, database that cannot be opened);
// problems with the site itself end up in the outcome. `stop` may be raised from any thread to
// end the scan early; what was done is stored and the scan reads as partial.
Result<ScanOutcome> run_scan_pipeline(const ScanSettings& settings, ScanStop& stop,
                                      std::ostream& notes);

}  // namespace tw
