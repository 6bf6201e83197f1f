// `tagwarden report --scan ID|latest`: writes any report format from a stored scan (or re-renders
// a JSON report) without crawling again; `--portfolio` writes the portfolio report instead.
#include <unistd.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/portfolio_report.h"
#include "cli/stored_scans.h"
#include "reports/report.h"

namespace tw::cli {
namespace {

namespace po = boost::program_options;

bool any_baseline_state(const ScanReport& report) {
  if (report.streamed && report.streamed->baseline_marked > 0) return true;
  std::vector<const Finding*> held = report.all_findings();
  return std::any_of(held.begin(), held.end(),
                     [](const Finding* finding) { return !finding->baseline_state.empty(); });
}

// Writes the portfolio report in each format; console goes to stdout.
int write_portfolio_report(const std::string& db, const PortfolioRequest& request,
                           const std::vector<ReportFormat>& formats, const std::string& out_dir) {
  for (ReportFormat format : formats) {
    if (!portfolio_format(format)) {
      std::cerr << "tagwarden report: --portfolio writes json, csv, html or console, not "
                << to_string(format) << "\n";
      return kExitUsage;
    }
  }
  Result<ScanStore> store = open_existing_store(db);
  if (!store) {
    std::cerr << "tagwarden report: " << store.error() << "\n";
    return kExitUsage;
  }
  Result<PortfolioReport> report = gather_portfolio(*store, request);
  if (!report) {
    std::cerr << "tagwarden report: " << report.error() << "\n";
    return kExitUsage;
  }
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  for (ReportFormat format : formats) {
    Status written = format == ReportFormat::console
                         ? write_portfolio(format, *report, std::cout)
                         : write_portfolio_file(format, *report, out_dir);
    if (!written) {
      std::cerr << "tagwarden report: " << written.error() << "\n";
      return kExitScanFailed;
    }
  }
  for (ReportFormat format : formats) {
    if (format == ReportFormat::console) continue;
    std::cout << "report: " << (std::filesystem::path(out_dir) / portfolio_file(format)).string()
              << "\n";
  }
  return kExitOk;
}

}  // namespace

int run_report(const Args& args) {
  std::string db = kDefaultDb;
  std::string scan = "latest";
  std::string formats_text = "json";
  std::string out_dir = ".";
  std::string fail_on = "high";
  bool portfolio = false;
  PortfolioRequest portfolio_request;
  CommonFlags common;
  po::options_description options(
      "tagwarden report [--scan ID|latest|REPORT.json] [--format json,...] [--out DIR] [--db "
      "FILE]");
  options.add_options()("scan", po::value(&scan)->value_name("ID"),
                        "stored scan id, 'latest' (default) or a tagwarden JSON report")(
      "format", po::value(&formats_text)->value_name("LIST"),
      "json,sarif,junit,html,csv,markdown,console (default json)")(
      "out", po::value(&out_dir)->value_name("DIR"), "directory for report files (default .)")(
      "fail-on", po::value(&fail_on)->value_name("SEVERITY"),
      "severity counted as failure in JUnit and the console summary (default high)")(
      "portfolio", po::bool_switch(&portfolio),
      "every target's newest scan, trend and scan freshness instead of one scan "
      "(json, csv, html, console)")(
      "targets", po::value(&portfolio_request.targets_file)->value_name("FILE"),
      "with --portfolio: the portfolio file's targets, in its order, scanned or not")(
      "expect-every", po::value(&portfolio_request.expected_interval)->value_name("INTERVAL"),
      "with --portfolio: a target not scanned for longer is overdue (90m, 36h, 7d; default 24h)");
  add_db_option(options, db);
  options.add(common_options(common));
  if (std::optional<int> done = parse_command_line("report", args, options, {})) {
    return *done;
  }
  Result<std::vector<ReportFormat>> formats = parse_report_formats(formats_text);
  if (!formats) {
    std::cerr << "tagwarden report: " << formats.error() << "\n";
    return kExitUsage;
  }
  std::optional<Severity> threshold = parse_severity(fail_on);
  if (!threshold) {
    std::cerr << "tagwarden report: unknown --fail-on '" << fail_on
              << "' (info, low, medium, high or critical)\n";
    return kExitUsage;
  }
  if (portfolio) {
    std::optional<long long> seconds = parse_interval_seconds(portfolio_request.expected_interval);
    if (!seconds) {
      std::cerr << "tagwarden report: --expect-every '" << portfolio_request.expected_interval
                << "' is not an interval such as 90m, 36h or 7d\n";
      return kExitUsage;
    }
    portfolio_request.expected_seconds = *seconds;
    return write_portfolio_report(db, portfolio_request, *formats, out_dir);
  }
  if (!portfolio_request.targets_file.empty()) {
    std::cerr << "tagwarden report: --targets goes with --portfolio\n";
    return kExitUsage;
  }
  std::optional<ScanStore> store;
  Result<ScanReport> report = stream_named_scan(scan, db, store);
  if (!report) {
    std::cerr << "tagwarden report: " << report.error() << "\n";
    return kExitUsage;
  }

  ReportOptions report_options;
  report_options.fail_on = *threshold;
  report_options.color = use_color(common);
  report_options.baseline = any_baseline_state(*report);
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  std::vector<std::string> written;
  for (ReportFormat format : *formats) {
    if (format == ReportFormat::console) {
      Status printed = write_report(format, *report, report_options, std::cout);
      if (!printed) std::cerr << "tagwarden report: " << printed.error() << "\n";
      continue;
    }
    // Every file of the format, as scan writes them (csv is two: vendors and findings).
    Status status = write_report_files(format, *report, report_options, out_dir);
    if (!status) {
      std::cerr << "tagwarden report: " << status.error() << "\n";
      return kExitScanFailed;
    }
    for (const std::string& file : report_files(format)) {
      written.push_back((std::filesystem::path(out_dir) / file).string());
    }
  }
  for (const std::string& path : written) std::cout << "report: " << path << "\n";
  return kExitOk;
}

}  // namespace tw::cli
