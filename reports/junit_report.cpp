// JUnit XML for CI test tabs. One <testsuite> per rule, one case per issue (model/issue.h): a
// problem on a template shared by 2,000 pages is one red case naming the pages, not 2,000. Case
// names hold no counts, so a CI tool tracks the same case across runs. A case fails when any of
// its instances fails the build (fails_build: at or above --fail-on, not suppressed, new against a
// baseline); it is skipped when every instance is suppressed. A last suite, "pages", has one case
// saying how many pages were analysed and a skipped case per page that could not be.
#include <fmt/format.h>

#include <map>

#include "reports/report_summary.h"
#include "reports/report_text.h"
#include "reports/writers.h"

namespace tw {
namespace {

using report_text::xml;

constexpr std::size_t kPagesListed = 10;          // in a case's details
constexpr std::size_t kFailedPagesListed = 1000;  // skipped cases in the "pages" suite

struct Case {
  std::string name;
  std::string classname;
  std::string body;  // <failure>, <skipped> or <system-out>
  bool failed = false;
  bool skipped = false;
};

std::string issue_details(const Issue& issue, const RuleText& rule, int failing) {
  std::string details =
      fmt::format("{} [{}] {}\ninstances: {} on {} page{}", issue.rule, to_string(issue.severity),
                  issue.message, issue.instances, issue.pages, issue.pages == 1 ? "" : "s");
  if (failing > 0) details += fmt::format(" ({} fail the build)", failing);
  if (issue.suppressed > 0) details += fmt::format(", {} suppressed", issue.suppressed);
  details += "\n";
  if (!issue.vendor.empty()) details += "vendor: " + issue.vendor + "\n";
  if (!issue.host.empty()) details += "host: " + issue.host + "\n";
  PageSample sample = sample_pages(issue, kPagesListed);
  for (const IssueInstance* instance : sample.shown) {
    details += "page: " + instance->page;
    if (instance->line > 0) details += fmt::format(" (line {})", instance->line);
    details += "\n";
  }
  if (sample.more > 0) details += fmt::format("+{} more pages in the JSON report\n", sample.more);
  if (!issue.examples.empty() && !issue.examples.front().evidence.empty()) {
    details += "evidence: " + issue.examples.front().evidence + "\n";
  }
  if (!rule.remediation.empty()) details += "remediation: " + rule.remediation + "\n";
  details += "issue: " + issue.id + "\n";
  return details;
}

Case issue_case(const Issue& issue, const ReportOptions& options) {
  RuleText rule = rule_text(issue.rule);
  Case c;
  std::string subject = !issue.vendor.empty() ? issue.vendor : issue.host;
  c.name = issue.rule + " " + rule.name + (subject.empty() ? "" : ": " + subject) + " [" +
           issue.id.substr(0, 8) + "]";
  c.classname = "tagwarden." + rule.area;
  int failing = failing_instances(issue, options);
  std::string details = issue_details(issue, rule, failing);
  if (issue.suppressed == issue.instances) {
    c.skipped = true;
    std::string reason = issue.examples.empty() ? "" : issue.examples.front().suppression_reason;
    c.body = "<skipped message=\"" + xml("suppressed: " + reason) + "\"/>";
  } else if (failing > 0) {
    c.failed = true;
    c.body = "<failure message=\"" + xml(issue.message) + "\" type=\"" +
             std::string(to_string(issue.severity)) + "\">" + xml(details) + "</failure>";
  } else {
    std::string why = issue.severity < options.fail_on
                          ? fmt::format("below --fail-on {}", to_string(options.fail_on))
                          : std::string("already in the baseline or suppressed");
    c.body = "<system-out>" + xml(details + "passes: " + why + "\n") + "</system-out>";
  }
  return c;
}

void write_suite(std::ostream& out, std::string_view name, double seconds,
                 const std::vector<Case>& cases) {
  int failures = 0, skipped = 0;
  for (const Case& c : cases) {
    failures += c.failed;
    skipped += c.skipped;
  }
  out << fmt::format(
      "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" "
      "time=\"{:.3f}\">\n",
      xml(name), cases.size(), failures, skipped, seconds);
  for (const Case& c : cases) {
    out << "    <testcase name=\"" << xml(c.name) << "\" classname=\"" << xml(c.classname)
        << "\" time=\"0\">";
    if (!c.body.empty()) out << "\n      " << c.body << "\n    ";
    out << "</testcase>\n";
  }
  out << "  </testsuite>\n";
}

// The pages suite: one case for the analysed pages, one per page that failed (the first few), and
// the seconds spent fetching, gathered in one walk.
std::vector<Case> page_cases(const ScanReport& report, const ReportSummary& summary,
                             double& seconds) {
  std::vector<Case> cases;
  Case analysed{
      fmt::format("{} pages analysed", summary.pages_analysed), "tagwarden.page", {}, false, false};
  cases.push_back(std::move(analysed));
  std::size_t listed = 0;
  report.for_each_page([&](const PageAnalysis& page) {
    seconds += page.page.fetch_ms / 1000.0;
    if (page.page.error == PageError::none || listed++ == kFailedPagesListed) return true;
    Case failed{std::string(page_url(page)), "tagwarden.page", {}, false, true};
    failed.body = "<skipped message=\"" +
                  xml("not analysed: " + std::string(to_string(page.page.error)) + " " +
                      page.page.error_detail) +
                  "\"/>";
    cases.push_back(std::move(failed));
    return true;
  });
  return cases;
}

}  // namespace

void write_junit_report(const ScanReport& report, const ReportOptions& options, std::ostream& out) {
  ReportSummary summary = summarize(report);
  std::vector<Issue> issues = group_issues(report, kPagesListed);
  std::map<std::string, std::vector<Case>> suites;  // rule id -> cases, worst issue first
  int failures = 0;
  std::size_t tests = 0;
  for (const Issue& issue : issues) {
    Case c = issue_case(issue, options);
    failures += c.failed;
    ++tests;
    suites[issue.rule].push_back(std::move(c));
  }
  double seconds = 0;
  std::vector<Case> pages = page_cases(report, summary, seconds);
  tests += pages.size();
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << fmt::format(
      "<testsuites name=\"tagwarden\" tests=\"{}\" failures=\"{}\" errors=\"0\" time=\"{:.3f}\">\n",
      tests, failures, seconds);
  for (const auto& [rule, cases] : suites) {
    write_suite(out, rule + " " + rule_text(rule).title, 0, cases);
  }
  write_suite(out, "pages", seconds, pages);
  out << "</testsuites>\n";
}

}  // namespace tw
