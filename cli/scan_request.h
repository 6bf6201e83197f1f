// One scan as `tagwarden scan` runs it, from checked flags to report files, console summary and
// exit code. `scan TARGET...` runs it once; `scan --targets FILE` once per portfolio target
// (cli/portfolio_scan.cpp), each with its own policy, request shaping and report directory.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/crawl_flags.h"
#include "cli/notify.h"
#include "cli/options.h"
#include "model/severity.h"
#include "policy/policy.h"
#include "reports/report.h"

namespace tw::cli {

struct ScanFlags {
  std::vector<std::string> targets;
  std::string targets_file;  // --targets: a portfolio
  std::string shard;         // --shard K/N or auto, with --targets
  std::string policy;
  std::string db = kDefaultDb;
  std::string formats = "json";
  std::string out = ".";
  std::string fail_on;
  std::string baseline;
  bool no_incremental = false;
  CrawlFlags crawl;
  NotifyFlags notify;
  CommonFlags common;
};

// What a scan needs before it crawls, checked: the flags, the report formats and the policy.
struct ScanRequest {
  ScanFlags flags;
  std::vector<ReportFormat> formats;
  std::optional<SanctionedStack> policy;
  ReportOptions report;
  std::string db_path;  // --db, or the scratch database when it is ''
  bool db_is_scratch = false;
};

// What one scan came to, for the exit code and a portfolio's line per target.
struct ScanResult {
  int exit_code = kExitOk;
  std::int64_t scan_id = 0;       // 0 when the scan did not start
  int pages = 0;                  // analysed
  int findings = 0;               // unsuppressed
  std::optional<Severity> worst;  // of those findings
  std::string problem;            // one line when it did not run to the end: why
};

// Crawls, stores, writes the report files into request.flags.out and prints the console summary
// and where everything went; errors are printed as they are met (one line each).
ScanResult scan_and_report(const ScanRequest& request, InterruptibleScans& scans);

// Creates `directory` (and its parents) and checks it is writable; the error names it.
Status writable_directory(const std::string& directory);

// `scan --targets FILE`: loads and checks the portfolio, every selected target's policy and
// secrets, then scans the targets of this shard one after another. The worst exit code.
int run_portfolio_scan(const ScanRequest& request);

}  // namespace tw::cli
