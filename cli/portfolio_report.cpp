// `tagwarden report --portfolio`: the portfolio report gathered from the store's scan list and
// each target's newest scan.
#include "cli/portfolio_report.h"

#include <algorithm>
#include <charconv>
#include <ctime>
#include <map>

#include "model/clock.h"
#include "model/text.h"
#include "portfolio/portfolio.h"

namespace tw::cli {
namespace {

// A row per target, from the scan list (newest first): the first scan met is the newest, the
// first complete or partial one says when the target was last scanned.
std::vector<PortfolioRow> rows_from_scans(const std::vector<ScanListEntry>& scans) {
  std::vector<PortfolioRow> rows;
  std::map<std::string, std::size_t> index;
  for (const ScanListEntry& entry : scans) {
    std::string target = join(entry.info.targets, " ");
    auto [at, added] = index.try_emplace(target, rows.size());
    if (added) {
      PortfolioRow row;
      row.target = target;
      row.latest = entry.info;
      row.pages = entry.pages;
      row.vendors = entry.vendors;
      rows.push_back(std::move(row));
    }
    PortfolioRow& row = rows[at->second];
    bool scanned = entry.info.status == ScanStatus::complete ||
                   entry.info.status == ScanStatus::partial;
    if (scanned && row.last_scanned.empty()) row.last_scanned = entry.info.started;
  }
  std::sort(rows.begin(), rows.end(),
            [](const PortfolioRow& a, const PortfolioRow& b) { return a.target < b.target; });
  return rows;
}

// The file's targets in its order, each with what the store has of it (nothing: never scanned).
std::vector<PortfolioRow> rows_for_portfolio(const Portfolio& portfolio,
                                             std::vector<PortfolioRow> stored) {
  std::map<std::string, PortfolioRow*> by_target;
  for (PortfolioRow& row : stored) by_target[row.target] = &row;
  std::vector<PortfolioRow> rows;
  for (const PortfolioTarget& target : portfolio.targets) {
    auto found = by_target.find(target.scan_target);
    PortfolioRow row = found == by_target.end() ? PortfolioRow{} : *found->second;
    row.target = target.scan_target;
    row.name = target.name;
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

std::optional<long long> parse_interval_seconds(std::string_view text) {
  if (text.size() < 2) return std::nullopt;
  long long count = 0;
  const char* end = text.data() + text.size() - 1;
  auto [stop, error] = std::from_chars(text.data(), end, count);
  if (error != std::errc{} || stop != end || count <= 0 || count > 100000) return std::nullopt;
  switch (text.back()) {
    case 'm':
      return count * 60;
    case 'h':
      return count * 3600;
    case 'd':
      return count * 86400;
    default:
      return std::nullopt;
  }
}

Result<PortfolioReport> gather_portfolio(ScanStore& store, const PortfolioRequest& request) {
  Result<std::vector<ScanListEntry>> scans = store.list_scans();
  if (!scans) return Error{scans.error()};
  PortfolioReport report;
  report.generated = utc_now_iso8601();
  report.expected_interval = request.expected_interval;
  report.expected_seconds = request.expected_seconds;
  report.rows = rows_from_scans(*scans);
  if (!request.targets_file.empty()) {
    Result<Portfolio> portfolio = load_portfolio_file(request.targets_file);
    if (!portfolio) return Error{portfolio.error()};
    report.rows = rows_for_portfolio(*portfolio, std::move(report.rows));
  }
  const long long now = static_cast<long long>(std::time(nullptr));
  for (PortfolioRow& row : report.rows) {
    row.overdue = is_overdue(row, now, report.expected_seconds);
    if (!row.latest) continue;
    // One pass over the newest scan's pages (its issues); the pages are not held.
    Result<ScanReport> latest = store.stream_scan(row.latest->id);
    if (!latest) return Error{latest.error()};
    add_scan_figures(row, *latest);
  }
  return report;
}

}  // namespace tw::cli
