// `tagwarden scan`: flags -> ScanSettings, run the pipeline, write the reports, pick the exit code.
// With --targets, the same once per portfolio target (cli/portfolio_scan.cpp).
#include <unistd.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "cli/console_lines.h"
#include "cli/crawl_flags.h"
#include "cli/notify.h"
#include "cli/options.h"
#include "cli/scan_request.h"
#include "cli/scratch_database.h"
#include "model/url.h"
#include "policy/policy.h"
#include "reports/report.h"
#include "rules/rule_catalogue.h"
#include "store/scan_store.h"
#include "store/sql.h"

namespace tw::cli {
namespace {

namespace po = boost::program_options;

po::options_description scan_options(ScanFlags& flags) {
  po::options_description options(
      "tagwarden scan TARGET... [options]\n"
      "tagwarden scan --targets PORTFOLIO.yaml [--shard K/N|auto] [options]\n\n"
      "TARGET is an http(s) URL or a directory of built HTML. --db '' keeps no history.\n\n"
      "Scan options");
  // clang-format off
  options.add_options()
    ("policy", po::value(&flags.policy)->value_name("FILE"), "sanctioned-stack policy (YAML)")
    ("targets", po::value(&flags.targets_file)->value_name("FILE"), "a portfolio (YAML): one scan per target, each with its policy; reports in --out/NAME/")
    ("shard", po::value(&flags.shard)->value_name("K/N|auto"), "with --targets: only the targets in shard K of N (from 1), or the shard the scheduler's environment names")
    ("format", po::value(&flags.formats)->value_name("LIST"), "reports: json,sarif,junit,html,csv,markdown (default json)")
    ("out", po::value(&flags.out)->value_name("DIR"), "directory for report files (default .)")
    ("fail-on", po::value(&flags.fail_on)->value_name("SEVERITY"), "exit 1 when a finding is at or above info|low|medium|high|critical")
    ("baseline", po::value(&flags.baseline)->value_name("SCAN_ID|REPORT.json"), "mark findings new or existing against an earlier scan; --fail-on counts new ones only")
    ("no-incremental", po::bool_switch(&flags.no_incremental), "re-parse every page even if unchanged since the last scan");
  // clang-format on
  add_db_option(options, flags.db);
  options.add(crawl_options(flags.crawl))
      .add(notify_options(flags.notify))
      .add(common_options(flags.common));
  return options;
}

// A portfolio names its targets and their policies; a baseline is one target's.
Status check_portfolio_flags(const ScanFlags& flags) {
  if (flags.targets_file.empty()) {
    if (!flags.shard.empty()) return Error{"--shard needs --targets FILE"};
    return Ok{};
  }
  if (!flags.targets.empty()) {
    return Error{"give targets on the command line or with --targets FILE, not both"};
  }
  if (!flags.policy.empty()) {
    return Error{"--policy does not go with --targets: each target in the portfolio names its own"};
  }
  if (!flags.baseline.empty()) {
    return Error{"--baseline names one target's scan; it does not go with --targets"};
  }
  return Ok{};
}

Status check_flags(const ScanFlags& flags) {
  if (Status portfolio = check_portfolio_flags(flags); !portfolio) return portfolio;
  if (flags.targets.empty() && flags.targets_file.empty()) {
    return Error{"no target given (a URL or a directory, or --targets FILE)"};
  }
  if (Status crawl = check_crawl_flags(flags.crawl); !crawl) return crawl;
  if (Status notify = check_notify_flags(flags.notify); !notify) return notify;
  if (!flags.fail_on.empty() && !parse_severity(flags.fail_on)) {
    return Error{"--fail-on must be one of info, low, medium, high, critical, not '" +
                 flags.fail_on + "'"};
  }
  return Ok{};
}

// Checks everything that can be wrong before crawling; the exit code when it is not all right.
std::optional<int> check_request(ScanRequest& request) {
  ScanFlags& flags = request.flags;
  if (Status valid = check_flags(flags); !valid) {
    std::cerr << "tagwarden scan: " << valid.error() << "\n";
    return kExitUsage;
  }
  Result<std::vector<ReportFormat>> formats = parse_report_formats(flags.formats);
  if (!formats) {
    std::cerr << "tagwarden scan: " << formats.error() << "\n";
    return kExitUsage;
  }
  request.formats = std::move(formats).value();
  if (!flags.policy.empty()) {
    Result<SanctionedStack> loaded = load_policy_file(flags.policy, rule_ids());
    if (!loaded) {
      std::cerr << loaded.error() << "\n";
      return kExitUsage;
    }
    request.policy.emplace(std::move(loaded).value());
  }
  // Made before crawling, so an unwritable --out fails in a second, not after the crawl.
  if (Status out = writable_directory(flags.out); !out) {
    std::cerr << "tagwarden scan: " << out.error() << "\n";
    return kExitUsage;
  }
  return std::nullopt;
}

// Parses and checks the command line; the exit code when the command is already done.
std::optional<int> read_request(const Args& args, ScanRequest& request) {
  ScanFlags& flags = request.flags;
  po::options_description options = scan_options(flags);
  po::positional_options_description positional;
  positional.add("target", -1);
  po::options_description hidden;
  hidden.add_options()("target", po::value(&flags.targets));
  if (std::optional<int> done = parse_command_line("scan", args, options, positional, hidden)) {
    return done;
  }
  if (std::optional<int> bad = check_request(request)) return bad;
  request.report.fail_on = flags.fail_on.empty() ? Severity::high : *parse_severity(flags.fail_on);
  request.report.color = use_color(flags.common);
  request.report.baseline = !flags.baseline.empty();
  request.report.fail_on_given = !flags.fail_on.empty();
  return std::nullopt;
}

bool any_format(const ScanRequest& request, bool (*wanted)(ReportFormat)) {
  return std::any_of(request.formats.begin(), request.formats.end(), wanted);
}

ScanSettings settings_for(const ScanRequest& request) {
  const ScanFlags& flags = request.flags;
  ScanSettings settings = scan_settings(flags.targets, flags.crawl, flags.common);
  settings.policy = request.policy ? &*request.policy : nullptr;
  settings.db_path = request.db_path;
  settings.db_is_temporary = request.db_is_scratch;
  settings.incremental = !flags.no_incremental;
  settings.baseline = flags.baseline;
  // The pages stream into the store and every report is written from there afterwards, so the
  // scan holds no page once stored. A baseline is the exception: its new/existing marks and drift
  // are computed over the pages and tags in memory.
  settings.keep_pages = !flags.baseline.empty();
  settings.keep_tags = !flags.baseline.empty();
  return settings;
}

// The stored scan, streamed page by page for the reports, as `tagwarden report --scan` reads it.
Result<ScanReport> stored_report(const ScanRequest& request, const ScanOutcome& outcome,
                                 std::optional<ScanStore>& store) {
  Result<ScanStore> opened = ScanStore::open(request.db_path);
  if (!opened) return Error{opened.error()};
  store.emplace(std::move(opened).value());
  // The scan counted what it stored as it went; a scan that stopped early, or whose issues
  // overflowed the tally's cap (which ones overflow depends on the crawl's order), is counted again
  // from the store.
  const std::optional<StreamedTotals>& counted = outcome.report.streamed;
  const bool whole = counted && !outcome.interrupted && !counted->issues.overflowed() &&
                     outcome.report.scan.status == ScanStatus::complete;
  return store->stream_scan(outcome.report.scan.id, whole ? counted : std::nullopt);
}

// The report files, then the console summary and where everything went. File reports are
// written from the store; a console-only scan prints the totals the scan counted, which are the
// same figures without reading the pages again. When storing failed no file report is written:
// the store holds less than was scanned, and a report from it would say too little.
Status write_reports(const ScanRequest& request, const ScanOutcome& outcome) {
  const ScanFlags& flags = request.flags;
  std::optional<ScanStore> store;
  std::optional<ScanReport> from_store;
  bool files = !outcome.store_failed && any_format(request, [](ReportFormat format) {
    return format != ReportFormat::console;
  });
  if (files) {
    Result<ScanReport> loaded = stored_report(request, outcome, store);
    if (!loaded) return Error{"reading the stored scan for the reports: " + loaded.error()};
    from_store.emplace(std::move(loaded).value());
  }
  const ScanReport& report = from_store ? *from_store : outcome.report;
  std::vector<std::string> written;
  for (ReportFormat format : request.formats) {
    if (format == ReportFormat::console || !files) continue;
    Status status = write_report_files(format, report, request.report, flags.out);
    if (!status && !request.db_is_scratch) {
      return Error{status.error() + " (the scan is stored: tagwarden report --db " + sql::display_name(flags.db) +
                   " --scan " + std::to_string(outcome.report.scan.id) + " writes it again)"};
    }
    if (!status) return status;
    for (const std::string& file : report_files(format)) {
      written.push_back((std::filesystem::path(flags.out) / file).string());
    }
  }
  Status printed = write_report(ReportFormat::console, report, request.report, std::cout);
  if (!printed) std::cerr << "tagwarden scan: " << printed.error() << "\n";
  for (const std::string& path : written) std::cout << "report: " << path << "\n";
  if (!request.db_is_scratch && !outcome.store_failed) {
    std::cout << "stored: scan " << outcome.report.scan.id << " in " << sql::display_name(flags.db) << "\n";
  }
  return Ok{};
}

bool fails_build(const ScanOutcome& outcome, const ReportOptions& options) {
  std::vector<const Finding*> findings = outcome.report.all_findings();
  bool failing = std::any_of(findings.begin(), findings.end(), [&](const Finding* finding) {
    return fails_build(*finding, options);
  });
  if (const std::optional<StreamedTotals>& streamed = outcome.report.streamed) {
    for (const auto& [rule_severity, count] : streamed->by_rule_severity) {
      failing = failing || (count > 0 && rule_severity.second >= options.fail_on);
    }
  }
  return failing;
}

// The unsuppressed findings and the worst of them, from what the scan counted: the findings it
// holds, and the page-level ones it streamed to the store by rule and severity.
void count_findings(const ScanOutcome& outcome, ScanResult& result) {
  auto add = [&result](Severity severity, int count) {
    if (count <= 0) return;
    result.findings += count;
    if (!result.worst || severity > *result.worst) result.worst = severity;
  };
  for (const Finding* finding : outcome.report.all_findings()) {
    if (!finding->suppressed) add(finding->severity, 1);
  }
  if (const std::optional<StreamedTotals>& streamed = outcome.report.streamed) {
    for (const auto& [rule_severity, count] : streamed->by_rule_severity) {
      add(rule_severity.second, count);
    }
  }
}

int exit_code(const ScanRequest& request, const ScanOutcome& outcome) {
  if (!outcome.could_not_run.empty()) {
    print_error("scan", outcome.could_not_run);
    return kExitScanFailed;
  }
  if (outcome.interrupted) {
    std::cerr << "tagwarden scan: interrupted; " << outcome.pages_analysed
              << " pages analysed and stored, scan marked partial\n";
    return kExitInterrupted;
  }
  if (!request.flags.fail_on.empty() && fails_build(outcome, request.report)) return kExitFindings;
  return kExitOk;
}

// The reports of a scan that ran (or could not start), and what it came to.
ScanResult report_outcome(const ScanRequest& request, const Result<ScanOutcome>& outcome) {
  ScanResult result;
  if (!outcome) {
    print_error("scan", outcome.error());
    result.exit_code = kExitUsage;
    result.problem = outcome.error();
    return result;
  }
  result.scan_id = outcome->report.scan.id;
  result.pages = outcome->pages_analysed;
  count_findings(*outcome, result);
  // The report files and the console summary.
  if (Status written = write_reports(request, *outcome); !written) {
    print_error("scan", written.error());
    result.exit_code = kExitScanFailed;
    result.problem = written.error();
    return result;
  }
  // --notify: the issues new since the target's last scan, when this one completed.
  if (outcome->report.scan.status == ScanStatus::complete && !outcome->store_failed) {
    for (const std::string& line :
         notify_new_issues(request.flags.notify, request.db_path, outcome->report)) {
      (line.starts_with("note:") ? std::cerr : std::cout) << line << "\n";
    }
  }
  // Could not run, interrupted, or findings at or above --fail-on.
  result.exit_code = exit_code(request, *outcome);
  result.problem = outcome->interrupted ? "interrupted" : outcome->could_not_run;
  return result;
}

}  // namespace

Status writable_directory(const std::string& directory) {
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec || access(directory.c_str(), W_OK | X_OK) != 0) {
    return Error{"cannot write to --out directory " + directory + ": " +
                 (ec ? ec.message() : std::strerror(errno))};
  }
  return Ok{};
}

ScanResult scan_and_report(const ScanRequest& request, InterruptibleScans& scans) {
  // Crawl, analyse and store: the scan pipeline.
  return report_outcome(request, scans.run(settings_for(request)));
}

int run_scan(const Args& args) {
  ScanRequest request;
  // The flags, the report formats, the policy and the --out directory, all checked.
  if (std::optional<int> done = read_request(args, request)) return *done;
  // --db '' keeps no history: the scan still goes through a store, a scratch file removed at exit.
  ScratchDatabase scratch;
  request.db_path = request.flags.db;
  if (request.db_path.empty()) {
    if (Status created = scratch.create(); !created) {
      print_error("scan", created.error());
      return kExitScanFailed;
    }
    request.db_path = scratch.path();
    request.db_is_scratch = true;
  }
  if (!request.flags.targets_file.empty()) return run_portfolio_scan(request);
  // The interrupt watcher lives for the scan alone: a signal while the reports are written ends
  // the process as it always has.
  return report_outcome(request, run_interruptible_scan(settings_for(request))).exit_code;
}

}  // namespace tw::cli
