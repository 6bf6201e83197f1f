// JUnit XML for CI test tabs. One <testsuite> per page, because a page is what a web developer
// opens and fixes, and CI tabs group by suite: a red suite names the page to look at. (Per-rule
// suites would scatter one page's problems over many suites.) Each page has a "page analysed"
// case (skipped when the page could not be fetched or parsed) and one case per finding; a case
// fails when the finding fails the build (fails_build: at or above --fail-on, not suppressed, new
// against a baseline). Site-level findings go into a last suite named "site".
#include <fmt/format.h>

#include "reports/report_summary.h"
#include "reports/report_text.h"
#include "reports/writers.h"

namespace tw {
namespace {

using report_text::xml;

struct Case {
  std::string name;
  std::string classname;
  std::string body;  // <failure>, <skipped> or <system-out>
  bool failed = false;
  bool skipped = false;
};

bool case_fails(const Finding& finding, const ReportOptions& options) {
  return !finding.suppressed && fails_build(finding, options);
}

Case finding_case(const Finding& finding, const ReportOptions& options) {
  RuleText rule = rule_text(finding.rule);
  Case c;
  std::string subject = !finding.vendor.empty() ? finding.vendor : finding.host;
  c.name = finding.rule + " " + rule.name + (subject.empty() ? "" : ": " + subject);
  if (finding.line > 0) c.name += fmt::format(" (line {})", finding.line);
  c.classname = "tagwarden." + rule.area;
  std::string details =
      fmt::format("{} [{}] {}\n", finding.rule, to_string(finding.severity), finding.message);
  if (!finding.page.empty()) details += "page: " + finding.page + "\n";
  if (finding.line > 0)
    details += fmt::format("line: {}, column: {}\n", finding.line, finding.column);
  if (!finding.tag_url.empty()) details += "tag: " + finding.tag_url + "\n";
  if (!finding.evidence.empty()) details += "evidence: " + finding.evidence + "\n";
  if (!rule.remediation.empty()) details += "remediation: " + rule.remediation + "\n";
  details += "fingerprint: " + finding.fingerprint + "\n";
  if (finding.suppressed) {
    c.skipped = true;
    c.body = "<skipped message=\"" + xml("suppressed: " + finding.suppression_reason) + "\"/>";
  } else if (case_fails(finding, options)) {
    c.failed = true;
    c.body = "<failure message=\"" + xml(finding.message) + "\" type=\"" +
             std::string(to_string(finding.severity)) + "\">" + xml(details) + "</failure>";
  } else {
    std::string why = finding.severity < options.fail_on
                          ? fmt::format("below --fail-on {}", to_string(options.fail_on))
                          : std::string("already in the baseline");
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

}  // namespace

void write_junit_report(const ScanReport& report, const ReportOptions& options, std::ostream& out) {
  // Totals first, then one suite at a time: a suite's cases are built, written and dropped, so a
  // large scan is never held twice (as findings and as XML).
  std::size_t tests = report.site_findings.size();
  int failures = 0;
  double seconds = 0;
  for (const PageAnalysis& page : report.pages) {
    tests += 1 + page.findings.size();
    seconds += page.page.fetch_ms / 1000.0;
    for (const Finding& finding : page.findings) failures += case_fails(finding, options);
  }
  for (const Finding& finding : report.site_findings) failures += case_fails(finding, options);
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << fmt::format(
      "<testsuites name=\"tagwarden\" tests=\"{}\" failures=\"{}\" errors=\"0\" time=\"{:.3f}\">\n",
      tests, failures, seconds);
  std::vector<Case> cases;
  for (const PageAnalysis& page : report.pages) {
    cases.clear();
    Case analysed{"page analysed", "tagwarden.page", {}, false, false};
    if (page.page.error != PageError::none) {
      analysed.skipped = true;
      analysed.body = "<skipped message=\"" +
                      xml("not analysed: " + std::string(to_string(page.page.error)) + " " +
                          page.page.error_detail) +
                      "\"/>";
    }
    cases.push_back(std::move(analysed));
    for (const Finding& finding : page.findings) cases.push_back(finding_case(finding, options));
    write_suite(out, page_url(page), page.page.fetch_ms / 1000.0, cases);
  }
  if (!report.site_findings.empty()) {
    cases.clear();
    for (const Finding& finding : report.site_findings) {
      cases.push_back(finding_case(finding, options));
    }
    write_suite(out, "site", 0, cases);
  }
  out << "</testsuites>\n";
}

}  // namespace tw
