// The summary printed at the end of every scan: a few count lines (always `pages: N`) and the
// issues (findings grouped, model/issue.h), worst first, each with its instance and page counts
// and first pages; every line at most 100 columns. Colour only when asked
// (ReportOptions.color); crawled text has its control characters made visible, so a page can
// never send escape sequences to the terminal.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "model/version.h"
#include "reports/report_summary.h"
#include "reports/report_text.h"
#include "reports/writers.h"

namespace tw {
namespace {

constexpr int kWidth = 100;
constexpr std::size_t kIssuesShown = 15;
constexpr std::size_t kPagesShown = 3;

std::string_view severity_colour(Severity severity) {
  switch (severity) {
    case Severity::critical:
      return "\x1b[1;35m";
    case Severity::high:
      return "\x1b[1;31m";
    case Severity::medium:
      return "\x1b[33m";
    case Severity::low:
      return "\x1b[36m";
    case Severity::info:
      return "\x1b[2m";
  }
  return "";
}

class Printer {
 public:
  Printer(std::ostream& out, bool color) : out_(out), color_(color) {}

  // `text` is already terminal-safe; it is cut to the width before colour is added.
  void line(std::string_view text, std::string_view colour = {}) {
    std::string cut = report_text::truncate_to_width(text, kWidth);
    if (color_ && !colour.empty()) {
      out_ << colour << cut << "\x1b[0m\n";
    } else {
      out_ << cut << "\n";
    }
  }

 private:
  std::ostream& out_;
  bool color_;
};

std::string path_of(std::string_view url) {
  std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  std::size_t path = url.find('/', scheme + 3);
  return path == std::string_view::npos ? std::string("/") : std::string(url.substr(path));
}

}  // namespace

void write_console_report(const ScanReport& report, const ReportOptions& options,
                          std::ostream& out) {
  using report_text::terminal;
  ReportSummary s = summarize(report);
  Printer print(out, options.color);

  std::string target = report.scan.targets.empty() ? std::string("(no target)")
                                                   : terminal(report.scan.targets.front());
  if (report.scan.targets.size() > 1) {
    target += fmt::format(" (+{} more)", report.scan.targets.size() - 1);
  }
  print.line(fmt::format("tagwarden {} · scan {} · {}", kToolVersion, to_string(report.scan.status),
                         target),
             "\x1b[1m");
  // Scripts and CI read this line: keep it exactly `pages: N`, never coloured or cut.
  out << "pages: " << analysed_page_count(report) << "\n";
  if (s.pages_failed > 0) {
    // A streamed report's pages are counted in the scan row; pages in memory are counted here.
    std::map<std::string, int> errors = report.scan.error_counts;
    if (!report.streamed) {
      errors.clear();
      for (const PageAnalysis& page : report.pages) {
        if (page.page.error != PageError::none) ++errors[std::string(to_string(page.page.error))];
      }
    }
    std::string detail;
    for (const auto& [name, count] : errors) {
      detail += fmt::format("{}{} {}", detail.empty() ? "" : ", ", name, count);
    }
    print.line(fmt::format("pages with errors: {} ({})", s.pages_failed, detail), "\x1b[33m");
  }
  print.line(
      fmt::format("tags: {} · vendors: {} (sanctioned {}, unsanctioned {}, forbidden {}, "
                  "unreviewed {})",
                  s.tags, report.vendors.size(), s.vendors_by_status["sanctioned"],
                  s.vendors_by_status["unsanctioned"], s.vendors_by_status["forbidden"],
                  s.vendors_by_status["unreviewed"]));
  std::vector<Issue> issues = group_issues(report, kPagesShown);
  int failing = failing_findings(issues, options);
  std::string findings_line = fmt::format(
      "findings: {} (critical {}, high {}, medium {}, low {}, info {})", s.findings - s.suppressed,
      s.by_severity[Severity::critical], s.by_severity[Severity::high],
      s.by_severity[Severity::medium], s.by_severity[Severity::low], s.by_severity[Severity::info]);
  if (s.suppressed) findings_line += fmt::format(" · suppressed {}", s.suppressed);
  if (options.baseline) findings_line += fmt::format(" · new {}", s.new_findings);
  print.line(findings_line);
  if (options.fail_on_given) {
    print.line(fmt::format("failing at or above {}: {}", to_string(options.fail_on), failing),
               failing ? "\x1b[1;31m" : "\x1b[32m");
  } else {
    print.line(
        fmt::format("at or above {}: {} (no --fail-on given: findings do not set the exit "
                    "code)",
                    to_string(options.fail_on), failing));
  }
  if (issues.empty()) return;

  // Issues, worst first, then by instances; each with its first pages.
  out << "\n";
  print.line(
      fmt::format("issues: {} (findings grouped by rule, vendor, host and message)", issues.size()),
      "\x1b[1m");
  print.line(
      fmt::format("{:<9} {:>6} {:>6}  {:<6} {}", "SEVERITY", "COUNT", "PAGES", "RULE", "ISSUE"),
      "\x1b[1m");
  std::size_t shown = 0;
  for (const Issue& issue : issues) {
    if (shown++ == kIssuesShown) break;
    std::string subject = issue.vendor.empty() ? issue.host : issue.vendor;
    std::string text =
        terminal(issue.message.empty() ? rule_text(issue.rule).title : issue.message);
    print.line(fmt::format("{:<9} {:>6} {:>6}  {:<6} {}", to_string(issue.severity),
                           issue.instances, issue.pages, terminal(issue.rule), text),
               severity_colour(issue.severity));
    std::string where = subject.empty() ? std::string() : terminal(subject) + " · ";
    PageSample sample = sample_pages(issue, kPagesShown);
    std::string pages;
    for (const IssueInstance* instance : sample.shown) {
      std::string page = report_text::truncate_to_width(terminal(path_of(instance->page)), 30);
      if (instance->line > 0) page += fmt::format(":{}", instance->line);
      pages += (pages.empty() ? "" : ", ") + page;
    }
    if (pages.empty()) pages = "(site)";
    if (sample.more > 0) pages += fmt::format(" +{} more", sample.more);
    print.line("                   " + where + pages);
  }
  if (issues.size() > kIssuesShown) {
    print.line(fmt::format("+{} more issues in the report files", issues.size() - kIssuesShown));
  }
}

}  // namespace tw
