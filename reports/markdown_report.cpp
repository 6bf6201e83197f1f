// Markdown for a pull-request comment: the headline, counts, the issues that matter (findings
// grouped, model/issue.h; those with new findings first when a baseline is given, each with its
// instance count and first pages) and a collapsed <details> section with the rest. Every crawled
// string goes through report_text::markdown_*: nothing a page controls can render as a link, an
// image or HTML. Long tables are capped to stay under a PR comment's size limit.
#include <fmt/format.h>

#include <algorithm>

#include "model/text.h"
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
constexpr std::size_t kPagesShown = 3;

std::string cut(std::string_view text) {
  return report_text::truncate_to_width(text, kCellWidth);
}

// "`/a` (12), `/b` +3 more": the first pages of an issue, as code spans.
std::string pages_cell(const Issue& issue) {
  PageSample sample = sample_pages(issue, kPagesShown);
  std::string cell;
  for (const IssueInstance* instance : sample.shown) {
    cell += (cell.empty() ? "" : ", ") + markdown_code(cut(instance->page), true);
    if (instance->line > 0) cell += fmt::format(" ({})", instance->line);
  }
  if (sample.more > 0) cell += fmt::format(" +{} more", sample.more);
  return cell.empty() ? std::string("site") : cell;
}

void issues_table(std::ostream& out, const std::vector<const Issue*>& issues, std::size_t limit,
                  bool show_baseline) {
  out << "| Severity | Rule | Vendor | Message | Instances | Pages | First pages |"
      << (show_baseline ? " New |" : "") << "\n|---|---|---|---|---:|---:|---|"
      << (show_baseline ? "---:|" : "") << "\n";
  std::size_t shown = 0;
  for (const Issue* issue : issues) {
    if (shown++ == limit) break;
    RuleText rule = rule_text(issue->rule);
    out << "| " << to_string(issue->severity)
        << (issue->suppressed == issue->instances ? " (suppressed)" : "") << " | "
        << markdown_text(issue->rule + " " + rule.title, true) << " | "
        << markdown_text(cut(issue->vendor.empty() ? issue->host : issue->vendor), true) << " | "
        << markdown_text(cut(issue->message), true) << " | " << issue->instances << " | "
        << issue->pages << " | " << pages_cell(*issue) << " |";
    if (show_baseline) out << " " << issue->new_instances << " |";
    out << "\n";
  }
  if (issues.size() > limit) {
    out << fmt::format("\n_…and {} more issues in the full report._\n", issues.size() - limit);
  }
}

}  // namespace

void write_markdown_report(const ScanReport& report, const ReportOptions& options,
                           std::ostream& out) {
  ReportSummary s = summarize(report);
  std::vector<Issue> grouped = group_issues(report, kPagesShown);
  std::vector<const Issue*> issues;
  for (const Issue& issue : grouped) issues.push_back(&issue);
  if (options.baseline) {
    std::stable_partition(issues.begin(), issues.end(),
                          [](const Issue* issue) { return issue->new_instances > 0; });
  }
  int failing = failing_findings(grouped, options);

  out << "## tagwarden: " << s.findings << " finding" << (s.findings == 1 ? "" : "s") << " in "
      << issues.size() << " issue" << (issues.size() == 1 ? "" : "s") << " on " << s.pages_analysed
      << " page" << (s.pages_analysed == 1 ? "" : "s");
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

  if (!issues.empty()) {
    out << (options.baseline ? "### Issues with new findings first\n\n" : "### Top issues\n\n");
    issues_table(out, issues, kTopRows, options.baseline);
    out << "\n";
  }

  out << "<details>\n<summary>All issues and the vendor inventory</summary>\n\n";
  if (!issues.empty()) {
    out << "#### All issues\n\n";
    issues_table(out, issues, kDetailRows, options.baseline);
    out << "\n";
  }
  out << "#### Vendors\n\n| Vendor | Category | Status | Owner | Pages |\n|---|---|---|---|---:|\n";
  std::size_t shown = 0;
  const auto cloaked = cloaked_hosts_by_vendor(grouped);
  for (const VendorSummary& v : report.vendors) {
    if (shown++ == kDetailRows) break;
    std::string name = v.name;
    if (auto hosts = cloaked.find(v.name); hosts != cloaked.end()) {
      name += " (cloaked: CNAME of " + join(hosts->second, ", ") + ")";
    }
    out << "| " << markdown_text(cut(name), true) << " | " << markdown_text(v.category, true)
        << " | " << markdown_text(v.status, true) << " | " << markdown_text(cut(v.owner), true)
        << " | " << v.pages << " |\n";
  }
  if (report.vendors.size() > kDetailRows) {
    out << fmt::format("\n_…and {} more vendors._\n", report.vendors.size() - kDetailRows);
  }
  out << "\n</details>\n";
}

}  // namespace tw
