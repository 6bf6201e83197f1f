#include "reports/portfolio_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "model/clock.h"
#include "model/version.h"
#include "reports/html_page.h"
#include "reports/report_summary.h"
#include "reports/report_text.h"
#include "reports/writers.h"

namespace tw {
namespace {

using report_text::csv_cell;
using report_text::csv_number;
using report_text::html;

int count_at(const std::array<int, 5>& counts, Severity severity) {
  return counts[static_cast<std::size_t>(severity)];
}

int total(const std::array<int, 5>& counts) {
  int sum = 0;
  for (int count : counts) sum += count;
  return sum;
}

std::string status_text(const PortfolioRow& row) {
  return row.latest ? std::string(to_string(row.latest->status)) : "never scanned";
}

// "current", "overdue" or "never" (no complete or partial scan at all).
std::string_view scanned_state(const PortfolioRow& row) {
  if (row.last_scanned.empty()) return "never";
  return row.overdue ? "overdue" : "current";
}

nlohmann::json severity_object(const std::array<int, 5>& counts) {
  nlohmann::json out = nlohmann::json::object();
  for (Severity severity : kSeveritiesWorstFirst) {
    out[std::string(to_string(severity))] = count_at(counts, severity);
  }
  return out;
}

nlohmann::json row_json(const PortfolioRow& row) {
  nlohmann::json trend = nlohmann::json::array();
  for (const TrendPoint& point : row.trend) {
    trend.push_back({{"scan_id", point.scan_id},
                     {"started", point.started},
                     {"pages", point.pages},
                     {"findings", severity_object(point.findings)}});
  }
  nlohmann::json latest = nullptr;
  if (row.latest) {
    latest = {{"scan_id", row.latest->id},
              {"status", std::string(to_string(row.latest->status))},
              {"started", row.latest->started},
              {"finished", row.latest->finished}};
  }
  return {{"target", row.target},
          {"name", row.name},
          {"latest_scan", latest},
          {"pages", row.pages},
          {"vendors", row.vendors},
          {"unsanctioned_vendors", row.unsanctioned_vendors},
          {"forbidden_vendors", row.forbidden_vendors},
          {"open_issues", severity_object(row.open_issues)},
          {"last_scanned", row.last_scanned.empty() ? nlohmann::json(nullptr)
                                                    : nlohmann::json(row.last_scanned)},
          {"scanned", std::string(scanned_state(row))},
          {"trend", trend}};
}

std::string targets_text(std::size_t count) {
  return std::to_string(count) + (count == 1 ? " target" : " targets");
}

bool has_severe_issues(const PortfolioRow& row) {
  return count_at(row.open_issues, Severity::critical) + count_at(row.open_issues, Severity::high) >
         0;
}

struct PortfolioTotals {
  int overdue = 0;  // never scanned included
  int never_scanned = 0;
  int failed = 0;  // newest scan failed
  int severe = 0;  // open high or critical issues
};

PortfolioTotals totals_of(const PortfolioReport& report) {
  PortfolioTotals totals;
  for (const PortfolioRow& row : report.rows) {
    totals.overdue += row.overdue ? 1 : 0;
    totals.never_scanned += row.last_scanned.empty() ? 1 : 0;
    totals.failed += row.latest && row.latest->status == ScanStatus::failed ? 1 : 0;
    totals.severe += has_severe_issues(row) ? 1 : 0;
  }
  return totals;
}

void write_json(const PortfolioReport& report, std::ostream& out) {
  PortfolioTotals totals = totals_of(report);
  nlohmann::json rows = nlohmann::json::array();
  for (const PortfolioRow& row : report.rows) rows.push_back(row_json(row));
  nlohmann::json document = {
      {"tool", {{"name", kToolName}, {"version", kToolVersion}}},
      {"generated", report.generated},
      {"expected_interval", report.expected_interval},
      {"summary",
       {{"targets", report.rows.size()},
        {"overdue", totals.overdue},
        {"never_scanned", totals.never_scanned},
        {"latest_failed", totals.failed},
        {"with_high_or_critical_issues", totals.severe}}},
      {"targets", rows}};
  out << document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

void write_csv(const PortfolioReport& report, std::ostream& out) {
  out << "target,name,status,scan_id,started,finished,pages,vendors,unsanctioned_vendors,"
         "forbidden_vendors";
  for (Severity severity : kSeveritiesWorstFirst) out << ",issues_" << to_string(severity);
  out << ",last_scanned,scanned\r\n";
  for (const PortfolioRow& row : report.rows) {
    out << csv_cell(row.target) << "," << csv_cell(row.name) << "," << csv_cell(status_text(row))
        << "," << (row.latest ? csv_number(row.latest->id) : std::string()) << ","
        << csv_cell(row.latest ? row.latest->started : "") << ","
        << csv_cell(row.latest ? row.latest->finished : "") << "," << csv_number(row.pages) << ","
        << csv_number(row.vendors) << "," << csv_number(row.unsanctioned_vendors) << ","
        << csv_number(row.forbidden_vendors);
    for (Severity severity : kSeveritiesWorstFirst) {
      out << "," << csv_number(count_at(row.open_issues, severity));
    }
    out << "," << csv_cell(row.last_scanned) << "," << scanned_state(row) << "\r\n";
  }
}

// Unsuppressed findings over the target's last scans, as a line small enough for a table cell;
// every point's counts are in its title.
void sparkline(std::ostream& out, const std::vector<TrendPoint>& trend) {
  if (trend.empty()) return;
  constexpr int kWidth = 120, kHeight = 24;
  int most = 1;
  for (const TrendPoint& point : trend) most = std::max(most, total(point.findings));
  const int steps = std::max<int>(1, static_cast<int>(trend.size()) - 1);
  out << fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" role=\"img\" "
      "class=\"spark\" aria-label=\"Findings over the last {} scans\">",
      kWidth + 8, kHeight + 8, trend.size());
  std::string points;
  for (std::size_t i = 0; i < trend.size(); ++i) {
    int x = 4 + static_cast<int>(i) * kWidth / steps;
    int y = 4 + kHeight - total(trend[i].findings) * kHeight / most;
    points += fmt::format("{}{},{}", i ? " " : "", x, y);
  }
  out << fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"#2457c5\" "
                     "stroke-width=\"1.5\"/>",
                     points);
  for (std::size_t i = 0; i < trend.size(); ++i) {
    const TrendPoint& point = trend[i];
    out << fmt::format(
        "<circle cx=\"{}\" cy=\"{}\" r=\"2\" fill=\"#2457c5\"><title>scan {}, {}: {} pages, "
        "{} findings</title></circle>",
        4 + static_cast<int>(i) * kWidth / steps,
        4 + kHeight - total(point.findings) * kHeight / most, point.scan_id, html(point.started),
        point.pages, total(point.findings));
  }
  out << "</svg>";
}

void html_card(std::ostream& out, int number, std::string_view label) {
  out << "<div class=\"card\"><div class=\"n\">" << number << "</div><div class=\"l\">" << label
      << "</div></div>\n";
}

void html_row(std::ostream& out, const PortfolioRow& row) {
  std::string_view state = scanned_state(row);
  out << "<tr data-target=\"" << html(row.target) << "\"><td class=\"url\">";
  if (!row.name.empty()) out << "<strong>" << html(row.name) << "</strong><br>";
  out << "<code>" << html(row.target) << "</code></td><td>" << html(status_text(row))
      << "</td><td>"
      << (row.latest ? html(row.latest->started) + " (scan " + std::to_string(row.latest->id) + ")"
                     : std::string("&ndash;"))
      << "</td><td class=\"num\">" << row.pages << "</td><td class=\"num\">" << row.vendors
      << "</td><td class=\"num\">" << row.unsanctioned_vendors + row.forbidden_vendors << "</td>";
  for (Severity severity : kSeveritiesWorstFirst) {
    out << "<td class=\"num\">" << count_at(row.open_issues, severity) << "</td>";
  }
  out << "<td>";
  sparkline(out, row.trend);
  out << "</td><td class=\"state-" << state << "\" data-sort=\"" << state << "\">" << state;
  if (!row.last_scanned.empty()) {
    out << "<br><span class=\"muted\">" << html(row.last_scanned) << "</span>";
  }
  out << "</td></tr>\n";
}

void write_html(const PortfolioReport& report, std::ostream& out) {
  PortfolioTotals totals = totals_of(report);
  write_html_head(out, "tagwarden portfolio");
  out << "<header><h1>tagwarden portfolio</h1><p class=\"muted\">generated "
      << html(report.generated) << " &middot; " << targets_text(report.rows.size())
      << " &middot; expected to be scanned every " << html(report.expected_interval)
      << " &middot; " << kToolName << " " << kToolVersion << "</p></header>\n<main>\n"
      << "<section id=\"summary\"><h2>Summary</h2><div class=\"cards\">\n";
  html_card(out, static_cast<int>(report.rows.size()), "targets");
  html_card(out, totals.overdue, "not scanned in the interval");
  html_card(out, totals.failed, "newest scan failed");
  html_card(out, totals.severe, "with high or critical issues");
  out << "</div></section>\n<section id=\"targets\"><h2>Targets</h2>\n"
         "<p class=\"muted\">Unsanctioned counts unsanctioned and forbidden vendors; issues are "
         "the open ones of the newest scan by their worst severity; the trend is the "
         "unsuppressed findings of the last finished scans. Click a heading to sort.</p>\n"
         "<table id=\"portfolio-table\" class=\"sortable\"><thead><tr><th>Target</th>"
         "<th>Status</th><th>Newest scan</th><th class=\"num\">Pages</th>"
         "<th class=\"num\">Vendors</th><th class=\"num\">Unsanctioned</th>";
  for (Severity severity : kSeveritiesWorstFirst) {
    out << "<th class=\"num\"><span class=\"sev sev-" << to_string(severity) << "\">"
        << to_string(severity) << "</span></th>";
  }
  out << "<th>Trend</th><th>Scanned</th></tr></thead>\n<tbody>\n";
  for (const PortfolioRow& row : report.rows) html_row(out, row);
  out << "</tbody></table></section>\n</main>\n";
  write_html_end(out);
}

void write_console(const PortfolioReport& report, std::ostream& out) {
  for (const PortfolioRow& row : report.rows) {
    std::string issues;
    for (Severity severity : kSeveritiesWorstFirst) {
      issues += (issues.empty() ? "" : "/") + std::to_string(count_at(row.open_issues, severity));
    }
    out << fmt::format("{:<8} {:<14} pages {:>6}  vendors {:>3} ({} unsanctioned)  issues "
                       "c/h/m/l/i {}  {}\n",
                       scanned_state(row), status_text(row), row.pages, row.vendors,
                       row.unsanctioned_vendors + row.forbidden_vendors, issues,
                       report_text::terminal(row.name.empty() ? row.target : row.name));
  }
  PortfolioTotals totals = totals_of(report);
  out << targets_text(report.rows.size()) << ", " << totals.overdue << " not scanned within "
      << report_text::terminal(report.expected_interval) << ", " << totals.failed
      << " whose newest scan failed, " << totals.severe << " with high or critical issues\n";
}

}  // namespace

void add_scan_figures(PortfolioRow& row, const ScanReport& latest) {
  for (const VendorSummary& vendor : latest.vendors) {
    row.unsanctioned_vendors += vendor.status == "unsanctioned" ? 1 : 0;
    row.forbidden_vendors += vendor.status == "forbidden" ? 1 : 0;
  }
  for (const Issue& issue : group_issues(latest, 1)) {
    for (Severity severity : kSeveritiesWorstFirst) {
      if (count_at(issue.open_by_severity, severity) > 0) {
        ++row.open_issues[static_cast<std::size_t>(severity)];
        break;
      }
    }
  }
  row.trend = latest.trend;
}

bool is_overdue(const PortfolioRow& row, long long now, long long expected_seconds) {
  std::optional<long long> scanned = parse_utc_seconds(row.last_scanned);
  return !scanned || now - *scanned > expected_seconds;
}

bool portfolio_format(ReportFormat format) {
  return format == ReportFormat::json || format == ReportFormat::csv ||
         format == ReportFormat::html || format == ReportFormat::console;
}

std::string portfolio_file(ReportFormat format) {
  return "portfolio." + std::string(to_string(format));
}

Status write_portfolio(ReportFormat format, const PortfolioReport& report, std::ostream& out) {
  switch (format) {
    case ReportFormat::json:
      write_json(report, out);
      break;
    case ReportFormat::csv:
      write_csv(report, out);
      break;
    case ReportFormat::html:
      write_html(report, out);
      break;
    case ReportFormat::console:
      write_console(report, out);
      break;
    default:
      return Error{"the portfolio report has no " + std::string(to_string(format)) + " format"};
  }
  out.flush();
  if (!out) return Error{"could not write the portfolio report"};
  return Ok{};
}

Status write_portfolio_file(ReportFormat format, const PortfolioReport& report,
                            const std::filesystem::path& out_dir) {
  return write_file(out_dir / portfolio_file(format),
                    [&](std::ostream& out) { return write_portfolio(format, report, out); });
}

}  // namespace tw
