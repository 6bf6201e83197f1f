// Markdown for a pull-request comment: the headline, counts, the findings that matter (new ones
// first when a baseline is given) and a collapsed <details> section with the rest. Every crawled
// string goes through report_text::markdown_*: nothing a page controls can render as a link, an
// image or HTML. Long tables are capped to stay under a PR comment's size limit.
#include <fmt/format.h>

#include <algorithm>

#include "reports/report_summary.h"
#include "reports/report_text.h"
#include "reports/writers.h"

namespace tw {
namespace {

using report_text::markdown_code;
using report_text::markdown_text;

constexpr std::size_t kTopRows = 15;
constexpr std::size_t kDetailRows = 200;
constexpr int kCellWidth = 120;

std::string cut(std::string_view text) {
  return report_text::truncate_to_width(text, kCellWidth);
}

void findings_table(std::ostream& out, const std::vector<const Finding*>& findings,
                    std::size_t limit, bool show_baseline) {
  out << "| Severity | Rule | Page | Vendor | Line | Message |"
      << (show_baseline ? " Baseline |" : "") << "\n|---|---|---|---|---|---|"
      << (show_baseline ? "---|" : "") << "\n";
  std::size_t shown = 0;
  for (const Finding* f : findings) {
    if (shown++ == limit) break;
    RuleText rule = rule_text(f->rule);
    out << "| " << to_string(f->severity) << (f->suppressed ? " (suppressed)" : "") << " | "
        << markdown_text(f->rule + " " + rule.title, true) << " | "
        << (f->page.empty() ? std::string("site") : markdown_code(cut(f->page), true)) << " | "
        << markdown_text(cut(f->vendor.empty() ? f->host : f->vendor), true) << " | "
        << (f->line > 0 ? std::to_string(f->line) : "") << " | "
        << markdown_text(cut(f->message), true) << " |";
    if (show_baseline) out << " " << markdown_text(f->baseline_state, true) << " |";
    out << "\n";
  }
  if (findings.size() > limit) {
    out << fmt::format("\n_…and {} more in the full report._\n", findings.size() - limit);
  }
}

}  // namespace

void write_markdown_report(const ScanReport& report, const ReportOptions& options,
                           std::ostream& out) {
  ReportSummary s = summarize(report);
  std::vector<const Finding*> findings = findings_worst_first(report);
  if (options.baseline) {
    std::stable_partition(findings.begin(), findings.end(),
                          [](const Finding* f) { return f->baseline_state == "new"; });
  }
  int failing = 0;
  for (const Finding* f : findings) failing += fails_build(*f, options);

  out << "## tagwarden: " << s.findings << " finding" << (s.findings == 1 ? "" : "s") << " on "
      << s.pages_analysed << " page" << (s.pages_analysed == 1 ? "" : "s");
  if (options.baseline) out << " (" << s.new_findings << " new)";
  out << "\n\n";
  out << (failing ? fmt::format("**{} finding{} at or above `{}` fail this check.**", failing,
                                failing == 1 ? "" : "s", to_string(options.fail_on))
                  : fmt::format("No finding at or above `{}` fails this check.",
                                to_string(options.fail_on)))
      << "\n\n";
  out << "| Critical | High | Medium | Low | Info | Suppressed "
         "|\n|---:|---:|---:|---:|---:|---:|\n";
  for (Severity severity : kSeveritiesWorstFirst) out << "| " << s.by_severity[severity] << " ";
  out << "| " << s.suppressed << " |\n\n";
  out << fmt::format(
      "Scan: {} · pages analysed {} of {} · vendors {} (sanctioned {}, "
      "unsanctioned {}, forbidden {}, unreviewed {})\n\n",
      to_string(report.scan.status), s.pages_analysed, s.pages_total, report.vendors.size(),
      s.vendors_by_status["sanctioned"], s.vendors_by_status["unsanctioned"],
      s.vendors_by_status["forbidden"], s.vendors_by_status["unreviewed"]);

  if (!findings.empty()) {
    out << (options.baseline ? "### New findings first\n\n" : "### Top findings\n\n");
    findings_table(out, findings, kTopRows, options.baseline);
    out << "\n";
  }

  out << "<details>\n<summary>All findings and the vendor inventory</summary>\n\n";
  if (!findings.empty()) {
    out << "#### All findings\n\n";
    findings_table(out, findings, kDetailRows, options.baseline);
    out << "\n";
  }
  out << "#### Vendors\n\n| Vendor | Category | Status | Owner | Pages |\n|---|---|---|---|---:|\n";
  std::size_t shown = 0;
  for (const VendorSummary& v : report.vendors) {
    if (shown++ == kDetailRows) break;
    out << "| " << markdown_text(cut(v.name), true) << " | " << markdown_text(v.category, true)
        << " | " << markdown_text(v.status, true) << " | " << markdown_text(cut(v.owner), true)
        << " | " << v.pages << " |\n";
  }
  if (report.vendors.size() > kDetailRows) {
    out << fmt::format("\n_…and {} more vendors._\n", report.vendors.size() - kDetailRows);
  }
  out << "\n</details>\n";
}

}  // namespace tw
