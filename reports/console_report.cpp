// The summary printed at the end of every scan: a few count lines (always `pages: N`), a table of
// findings by rule and the worst findings, every line at most 100 columns. Colour only when asked
// (ReportOptions.color); crawled text has its control characters made visible, so a page can
// never send escape sequences to the terminal.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "model/url.h"
#include "model/version.h"
#include "reports/report_summary.h"
#include "reports/report_text.h"
#include "reports/writers.h"

namespace tw {
namespace {

constexpr int kWidth = 100;
constexpr std::size_t kWorstShown = 10;

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
    std::map<std::string, int> errors;
    for (const PageAnalysis& page : report.pages) {
      if (page.page.error != PageError::none) ++errors[std::string(to_string(page.page.error))];
    }
    if (report.streamed) errors = report.scan.error_counts;
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
  int failing = 0;
  for (const Finding* f : report.all_findings()) failing += fails_build(*f, options);
  if (report.streamed) {
    for (const auto& [rule_severity, count] : report.streamed->by_rule_severity) {
      if (rule_severity.second >= options.fail_on) failing += count;
    }
  }
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
  if (s.by_rule.empty()) return;

  // Rules, worst first, then by count.
  struct RuleRow {
    std::string id;
    Severity worst = Severity::info;
    int count = 0;
  };
  std::map<std::string, RuleRow> rows;
  for (const Finding* f : report.all_findings()) {
    if (f->suppressed) continue;
    RuleRow& row = rows[f->rule];
    row.id = f->rule;
    row.worst = std::max(row.worst, f->severity);
    ++row.count;
  }
  if (report.streamed) {
    for (const auto& [rule_severity, count] : report.streamed->by_rule_severity) {
      RuleRow& row = rows[rule_severity.first];
      row.id = rule_severity.first;
      row.worst = std::max(row.worst, rule_severity.second);
      row.count += count;
    }
  }
  std::vector<RuleRow> ordered;
  for (auto& [id, row] : rows) ordered.push_back(row);
  std::stable_sort(ordered.begin(), ordered.end(), [](const RuleRow& a, const RuleRow& b) {
    return a.worst != b.worst ? a.worst > b.worst : a.count > b.count;
  });
  out << "\n";
  print.line(fmt::format("{:<9} {:>5}  {:<8} {}", "SEVERITY", "COUNT", "RULE", "TITLE"), "\x1b[1m");
  for (const RuleRow& row : ordered) {
    RuleText rule = rule_text(row.id);
    print.line(fmt::format("{:<9} {:>5}  {:<8} {}", to_string(row.worst), row.count,
                           terminal(row.id), terminal(rule.title)),
               severity_colour(row.worst));
  }

  std::vector<const Finding*> worst;
  for (const Finding* f : findings_worst_first(report)) {
    if (!f->suppressed) worst.push_back(f);
  }
  if (report.streamed) {
    for (const Finding& f : report.streamed->worst) worst.push_back(&f);
    std::stable_sort(worst.begin(), worst.end(),
                     [](const Finding* a, const Finding* b) { return a->severity > b->severity; });
  }
  if (worst.size() > kWorstShown) worst.resize(kWorstShown);
  out << "\n";
  print.line("worst findings:", "\x1b[1m");
  for (const Finding* f : worst) {
    std::string where = f->page.empty() ? std::string("(site)") : terminal(url_path_text(f->page));
    where = report_text::truncate_to_width(where, 30);
    if (f->line > 0) where += fmt::format(":{}", f->line);
    print.line(fmt::format("  {:<8} {:<6} {}  {}", to_string(f->severity), terminal(f->rule), where,
                           terminal(f->message)),
               severity_colour(f->severity));
  }
}

}  // namespace tw
