// The portfolio report (`tagwarden report --portfolio`): one row per target of a store that holds
// the scans of many sites, with its newest scan (status, time, pages, vendors, unsanctioned
// vendors, open issues by severity), its trend over recent scans, and whether it was scanned
// within the expected interval. JSON, CSV and a self-contained HTML file (the scan report's shell:
// same style, script and Content-Security-Policy); targets are crawled text and escaped as such.
#pragma once

#include <array>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "model/analysis.h"
#include "model/result.h"
#include "reports/report.h"

namespace tw {

struct PortfolioRow {
  std::string target;  // the scan's targets joined by spaces (the store's "same target")
  std::string name;    // the portfolio file's name for the target; empty without a file
  // The newest scan of the target, whatever its status; nullopt when it was never scanned.
  std::optional<ScanInfo> latest;
  int pages = 0;
  int vendors = 0;
  int unsanctioned_vendors = 0;
  int forbidden_vendors = 0;
  // Issues with an unsuppressed instance, by the worst such instance's severity.
  std::array<int, 5> open_issues{};
  std::vector<TrendPoint> trend;  // the target's last finished scans, oldest first
  // Start of the newest complete or partial scan (what counts as "scanned"); empty when none.
  std::string last_scanned;
  bool overdue = false;  // last_scanned is older than the expected interval, or empty
};

struct PortfolioReport {
  std::string generated;               // ISO 8601 UTC
  std::string expected_interval;       // as given on the command line, e.g. "24h"
  long long expected_seconds = 86400;  // a target not scanned for longer is overdue
  std::vector<PortfolioRow> rows;      // in portfolio file order, else by target
};

// Fills the row's figures from the target's newest scan (a stream_scan report: its vendor
// inventory, its issues as grouped for any report, its trend).
void add_scan_figures(PortfolioRow& row, const ScanReport& latest);

// Whether the row is overdue at `now` (seconds since the epoch) for the report's interval.
bool is_overdue(const PortfolioRow& row, long long now, long long expected_seconds);

// Formats the portfolio report writes: json, csv, html and console.
bool portfolio_format(ReportFormat format);
// The file a format writes in --out: portfolio.json, portfolio.csv, portfolio.html.
std::string portfolio_file(ReportFormat format);

// Writes one format to `out`; console is a table for the terminal. Errors only when the stream
// fails.
Status write_portfolio(ReportFormat format, const PortfolioReport& report, std::ostream& out);
// Writes the format's file into `out_dir` (which must exist); errors name the file and the
// system's reason.
Status write_portfolio_file(ReportFormat format, const PortfolioReport& report,
                            const std::filesystem::path& out_dir);

}  // namespace tw
