// The crawl flags `scan` and `init` share, declared once: how to fetch (limits, scope, filters,
// credentials, directory mode) and whether to look inside third-party resources. Also the one
// way both commands run a scan: under an interrupt watcher, notes to stderr.
#pragma once

#include <atomic>
#include <boost/program_options.hpp>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "cli/interrupt_watcher.h"
#include "cli/options.h"
#include "model/result.h"
#include "pipeline/scan_pipeline.h"

namespace tw::cli {

struct CrawlFlags {
  CrawlOptions crawl;
  std::string scope = "domain";
  std::string base_url = "http://localhost/";
  int threads = 0;
  bool ignore_robots = false;
  bool sitemap = false;
  bool insecure = false;
  bool fetch_third_party = false;
  bool no_fetch_third_party = false;
  int max_third_party = 2000;
  std::string dns_server;
  bool allow_private_third_party = false;
  int max_first_party_assets = 200;
  std::int64_t max_first_party_bytes = 4ll << 20;
  // Signed, so "-1" is an error rather than 2^64 - 1 (Boost wraps negative unsigned values).
  std::int64_t max_page_bytes = 10ll << 20;
  // The browser pass.
  bool browser = false;
  std::string browser_binary = "/usr/bin/chromium";
  bool browser_no_sandbox = false;
  int browser_pages = 0;
  int browser_tabs = 0;
  int browser_timeout = 15;
  std::string consent = "none";
  bool gpc = false;
  bool offline = false;
};

// "Crawl options", bound to `flags`.
boost::program_options::options_description crawl_options(CrawlFlags& flags);

// Range and syntax checks of the crawl flags; the error names the flag.
Status check_crawl_flags(const CrawlFlags& flags);

// The settings of a scan of `targets` with these flags (no store, pages kept with their tags;
// the caller adjusts what its reports need).
ScanSettings scan_settings(const std::vector<std::string>& targets, const CrawlFlags& flags,
                           const CommonFlags& common);

// Scans run one after another under one interrupt watcher, so a SIGINT/SIGTERM is an orderly
// stop whenever it comes: it stops the scan running (its outcome says interrupted), and
// interrupted() tells the caller to start no more. Notes go to stderr. One thread calls run().
class InterruptibleScans {
 public:
  InterruptibleScans();
  Result<ScanOutcome> run(const ScanSettings& settings);
  bool interrupted() const { return interrupted_.load(); }

 private:
  void interrupt();

  std::mutex mutex_;
  ScanStop* running_ = nullptr;  // guarded by mutex_
  std::atomic<bool> interrupted_{false};
  InterruptWatcher watcher_;  // last, so its thread is joined before the rest goes
};

// One scan under its own InterruptibleScans.
Result<ScanOutcome> run_interruptible_scan(const ScanSettings& settings);

}  // namespace tw::cli
