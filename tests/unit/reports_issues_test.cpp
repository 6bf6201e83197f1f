// Findings grouped into issues (model/issue.h) in every format: one template on many pages is one
// issue with its instances, ids stay the same from one scan to the next, and long lists are cut.
#include <catch2/catch.hpp>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "model/issue.h"
#include "reports/report.h"
#include "reports/report_text.h"
#include "reports_sample.h"

using namespace tw;
using test::count_of;
using test::render;
using Json = nlohmann::json;

namespace {

// What the consent rule reports for a vendor's tag on one page: the page is in the message, the
// tag URL differs per page.
Finding consent_finding(const std::string& page, const std::string& vendor,
                        const std::string& host) {
  Finding f;
  f.rule = "TW200";
  f.severity = Severity::high;
  f.page = page;
  f.vendor = vendor;
  f.host = host;
  f.tag_url = "https://" + host + "/pixel.js?page=" + page;
  f.line = 14;
  f.column = 3;
  f.message = vendor + " loads without a consent manager on " + page;
  f.evidence = f.tag_url;
  f.fingerprint = stable_fingerprint({f.rule, page, vendor, "no-consent"});
  return f;
}

// `pages` pages of one template: each loads the Meta Pixel without consent.
ScanReport template_site(int pages, const std::string& origin = "https://shop.example") {
  ScanReport report;
  report.scan.targets = {origin + "/"};
  report.scan.status = ScanStatus::complete;
  for (int i = 0; i < pages; ++i) {
    PageAnalysis page;
    page.page.requested_url = origin + "/p" + std::to_string(i) + ".html";
    page.page.status = 200;
    page.findings.push_back(
        consent_finding(page.page.requested_url, "Meta Pixel", "connect.facebook.net"));
    report.pages.push_back(std::move(page));
  }
  return report;
}

Json issues_of(const ScanReport& report) {
  return Json::parse(render(ReportFormat::json, report))["issues"];
}

}  // namespace

TEST_CASE("one template's finding on 50 pages is one issue with 50 instances") {
  ScanReport report = template_site(50);
  Json doc = Json::parse(render(ReportFormat::json, report));
  CHECK(doc["schema_version"] == 2);
  CHECK(doc["findings"].size() == 50);  // findings unchanged, one per page
  REQUIRE(doc["issues"].size() == 1);
  const Json& issue = doc["issues"][0];
  CHECK(issue["rule"] == "TW200");
  CHECK(issue["severity"] == "high");
  CHECK(issue["vendor"] == "Meta Pixel");
  CHECK(issue["host"] == "connect.facebook.net");
  CHECK(issue["instances"] == 50);
  CHECK(issue["pages"] == 50);
  REQUIRE(issue["examples"].size() == 5);
  CHECK(issue["examples"][0]["page"] == "https://shop.example/p0.html");
  CHECK(issue["examples"][0]["line"] == 14);
  CHECK(issue["examples"][0]["fingerprint"] == doc["findings"][0]["fingerprint"]);
  CHECK(issue["title"].is_string());
  CHECK(std::regex_match(issue["id"].get<std::string>(), std::regex("[0-9a-f]{32}")));
}

TEST_CASE("different vendors, hosts or rules stay separate issues; instances add up") {
  ScanReport report = template_site(10);
  report.pages[3].findings.push_back(
      consent_finding(report.pages[3].page.requested_url, "TikTok", "analytics.tiktok.com"));
  // The same vendor from another host is another issue (another thing to fix).
  Finding other_host =
      consent_finding(report.pages[4].page.requested_url, "Meta Pixel", "www.facebook.com");
  report.pages[4].findings.push_back(other_host);
  Finding other_rule = report.pages[5].findings[0];
  other_rule.rule = "TW204";
  other_rule.severity = Severity::medium;
  report.pages[5].findings.push_back(other_rule);
  Finding site;
  site.rule = "TW105";
  site.severity = Severity::medium;
  site.message = "3 analytics vendors across the site";
  report.site_findings.push_back(site);

  Json issues = issues_of(report);
  REQUIRE(issues.size() == 5);
  int instances = 0;
  for (const Json& issue : issues) instances += issue["instances"].get<int>();
  CHECK(instances == 14);  // every finding is in exactly one issue
  // Worst first, then by instances.
  CHECK(issues[0]["instances"] == 10);
  CHECK(issues[0]["severity"] == "high");
  CHECK(issues[3]["severity"] == "medium");
  std::set<std::string> ids;
  for (const Json& issue : issues) ids.insert(issue["id"]);
  CHECK(ids.size() == 5);
  const Json& site_issue = issues[4]["rule"] == "TW105" ? issues[4] : issues[3];
  CHECK(site_issue["rule"] == "TW105");
  CHECK(site_issue["pages"] == 0);
}

TEST_CASE("issue ids are the same for the same site scanned twice, in any page order") {
  ScanReport first = template_site(20);
  ScanReport second = template_site(20);
  std::reverse(second.pages.begin(), second.pages.end());
  second.pages[0].findings[0].line = 99;  // an edit above the tag moves it, same issue
  CHECK(issues_of(first)[0]["id"] == issues_of(second)[0]["id"]);
  ScanReport elsewhere = template_site(20, "https://other.example");
  CHECK(issues_of(elsewhere)[0]["id"] == issues_of(first)[0]["id"]);  // pages are not the key
  first.pages[0].findings[0].vendor = "Meta Pixel 2";
  CHECK(issues_of(first).size() == 2);
}

TEST_CASE("findings are grouped by their message with the page and the tag URL left out") {
  ScanReport report = template_site(30);
  for (PageAnalysis& page : report.pages) {
    Finding& finding = page.findings[0];
    finding.message = "the pixel " + finding.tag_url + " fires before consent on " + finding.page;
  }
  Json issues = issues_of(report);
  REQUIRE(issues.size() == 1);
  CHECK(issues[0]["instances"] == 30);
  report.pages[7].findings[0].message = "something else entirely";
  CHECK(issues_of(report).size() == 2);
}

TEST_CASE("past the cap on distinct issues, further findings are counted per rule") {
  IssueTally tally(5, 10);
  ScanReport report = template_site(25);
  for (PageAnalysis& page : report.pages) {
    Finding finding = page.findings[0];
    finding.message = "account " + page.page.requested_url.substr(20) + " is unknown";
    tally.add(finding);
    finding.rule = "TW201";
    tally.add(finding);
  }
  std::vector<Issue> issues = tally.take_worst_first();
  REQUIRE(issues.size() == 12);  // 10 distinct, then one overflow issue for each rule
  int instances = 0;
  for (const Issue& issue : issues) instances += issue.instances;
  CHECK(instances == 50);
  auto overflow = std::find_if(issues.begin(), issues.end(),
                               [](const Issue& issue) { return issue.instances > 1; });
  REQUIRE(overflow != issues.end());
  CHECK(overflow->message.starts_with("more than 10 distinct issues"));
  CHECK(overflow->vendor.empty());
}

TEST_CASE("a page with the issue twice counts once among the issue's pages") {
  ScanReport report = template_site(4);
  report.pages[2].findings.push_back(report.pages[2].findings[0]);
  Json issue = issues_of(report)[0];
  CHECK(issue["instances"] == 5);
  CHECK(issue["pages"] == 4);
}

TEST_CASE("SARIF has one result per issue, its first 100 instances as locations and the count") {
  ScanReport report = template_site(150);
  Json doc = Json::parse(render(ReportFormat::sarif, report));
  const Json& results = doc["runs"][0]["results"];
  REQUIRE(results.size() == 1);
  const Json& result = results[0];
  CHECK(result["ruleId"] == "TW200");
  CHECK(result["level"] == "error");
  REQUIRE(result["locations"].size() == 100);
  CHECK(result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] ==
        "https://shop.example/p0.html");
  CHECK(result["locations"][99]["physicalLocation"]["artifactLocation"]["uri"] ==
        "https://shop.example/p99.html");
  CHECK(result["locations"][0]["physicalLocation"]["region"]["startLine"] == 14);
  CHECK(result["properties"]["instances"] == 150);
  CHECK(result["properties"]["pages"] == 150);
  CHECK(result["partialFingerprints"]["tagwarden/issue/v1"] == issues_of(report)[0]["id"]);
  CHECK(result["message"]["text"].get<std::string>().find("150 instances on 150 pages") !=
        std::string::npos);
}

TEST_CASE("SARIF marks an issue new when any instance is new, suppressed when all are") {
  ScanReport report = template_site(3);
  for (PageAnalysis& page : report.pages) {
    page.findings[0].baseline_state = "existing";
    page.findings[0].suppressed = true;
    page.findings[0].suppression_reason = "accepted";
  }
  ReportOptions options;
  options.baseline = true;
  Json result = Json::parse(render(ReportFormat::sarif, report, options))["runs"][0]["results"][0];
  CHECK(result["baselineState"] == "unchanged");
  CHECK(result["suppressions"][0]["justification"] == "accepted");
  report.pages[1].findings[0].baseline_state = "new";
  report.pages[1].findings[0].suppressed = false;
  result = Json::parse(render(ReportFormat::sarif, report, options))["runs"][0]["results"][0];
  CHECK(result["baselineState"] == "new");
  CHECK_FALSE(result.contains("suppressions"));
}

TEST_CASE("JUnit has one case per issue that fails when any instance fails the build") {
  ScanReport report = template_site(40);
  ReportOptions options;
  options.fail_on = Severity::high;
  std::string xml = render(ReportFormat::junit, report, options);
  CHECK(count_of(xml, "<failure ") == 1);
  CHECK(count_of(xml, "<testcase ") == 2);  // the issue and "40 pages analysed"
  CHECK(xml.find("tests=\"2\" failures=\"1\"") != std::string::npos);
  CHECK(xml.find("instances: 40 on 40 pages (40 fail the build)") != std::string::npos);
  CHECK(xml.find("+30 more pages") != std::string::npos);
  options.fail_on = Severity::critical;
  CHECK(count_of(render(ReportFormat::junit, report, options), "<failure ") == 0);
  // Against a baseline that knows every instance, nothing fails.
  for (PageAnalysis& page : report.pages) page.findings[0].baseline_state = "existing";
  options.fail_on = Severity::low;
  options.baseline = true;
  CHECK(count_of(render(ReportFormat::junit, report, options), "<failure ") == 0);
}

TEST_CASE("console, Markdown and HTML show the issue with its count, pages and first pages") {
  ScanReport report = template_site(12);
  std::string console = render(ReportFormat::console, report);
  CHECK(std::regex_search(console, std::regex("high +12 +12  TW200 +Meta Pixel loads")));
  CHECK(console.find("/p0.html:14, /p1.html:14, /p2.html:14 +9 more") != std::string::npos);
  std::string md = render(ReportFormat::markdown, report);
  CHECK(md.starts_with("## tagwarden: 12 findings in 1 issue on 12 pages"));
  CHECK(md.find("| 12 | 12 | `https://shop.example/p0.html` (14)") != std::string::npos);
  CHECK(md.find("+9 more |") != std::string::npos);
  std::string html = render(ReportFormat::html, report);
  CHECK(html.find("id=\"issues\"") != std::string::npos);
  CHECK(count_of(html, "data-issue=\"") == 1);
  CHECK(html.find("<span class=\"muted\">+9 more</span>") != std::string::npos);
}

TEST_CASE("HTML cuts long host, id and page lists and caps its tables at 100,000 pages") {
  ScanReport report = template_site(100000);
  VendorSummary pixel{"Meta Pixel", "advertising", {}, {}, 100000, "unreviewed", ""};
  for (int i = 0; i < 30; ++i) {
    pixel.hosts.push_back("h" + std::to_string(i) + ".facebook.net");
    pixel.ids.push_back(std::to_string(1000 + i));
  }
  report.vendors = {pixel};
  std::string html = render(ReportFormat::html, report);
  CHECK(count_of(html, "<span class=\"muted\">+25 more</span>") == 2);  // hosts and ids
  CHECK(html.find("+99997 more") != std::string::npos);                 // the issue's pages
  CHECK(html.find("First 1000 of 100000 pages shown") != std::string::npos);
  CHECK(html.find("First 1000 of 100000 findings") != std::string::npos);
  CHECK(html.size() < 10'000'000);
}

TEST_CASE("crawled text in an issue is escaped in every format") {
  ScanReport report = template_site(3);
  const std::string payload = "<script>alert(1)</script>\x1b[2J";
  for (PageAnalysis& page : report.pages) {
    page.findings[0].vendor = "Evil " + payload;
    page.findings[0].message = "[x](https://evil.example) " + payload;
    page.findings[0].page += "?" + payload;
  }
  CHECK(render(ReportFormat::html, report).find("<script>alert") == std::string::npos);
  CHECK(render(ReportFormat::junit, report).find("<script>alert") == std::string::npos);
  CHECK(render(ReportFormat::console, report).find('\x1b') == std::string::npos);
  // Outside code spans (which render literally) no link and no unescaped '<' but the writer's own.
  std::string md = std::regex_replace(render(ReportFormat::markdown, report),
                                      std::regex("`+[^`]*`+"), "CODE");
  md = std::regex_replace(md, std::regex("</?(details|summary)>"), "TAG");
  CHECK(md.find("](https://evil") == std::string::npos);
  CHECK_FALSE(std::regex_search(md, std::regex("(^|[^\\\\])<")));
  Json sarif = Json::parse(render(ReportFormat::sarif, report));
  std::string uri =
      sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
  CHECK(uri.find('<') == std::string::npos);
}

TEST_CASE("a tally told the pages' depths keeps the first examples in report order, whatever the "
          "order the pages arrive in") {
  // Twelve pages at depths 0-2, and a second finding of the issue on one of them; report order is
  // depth, then URL, then a page's own order.
  std::vector<std::pair<int, Finding>> in_report_order;
  for (int depth = 0; depth < 3; ++depth) {
    for (int i = 0; i < 4; ++i) {
      std::string page = "https://shop.example/d" + std::to_string(depth) + "/p" +
                         std::to_string(i) + ".html";
      in_report_order.emplace_back(depth, consent_finding(page, "Meta Pixel", "connect.facebook.net"));
      if (depth == 1 && i == 0) {
        Finding again = consent_finding(page, "Meta Pixel", "connect.facebook.net");
        again.line = 90;
        in_report_order.emplace_back(depth, again);
      }
    }
  }
  auto examples = [](const std::vector<std::pair<int, Finding>>& findings) {
    IssueTally tally(6);
    for (const auto& [depth, finding] : findings) tally.add(finding, depth);
    std::vector<Issue> issues = tally.take_worst_first();
    REQUIRE(issues.size() == 1);
    CHECK(issues[0].instances == 13);
    CHECK(issues[0].pages == 12);
    std::vector<std::pair<std::string, int>> kept;
    for (const IssueInstance& instance : issues[0].examples) kept.emplace_back(instance.page, instance.line);
    return kept;
  };
  const auto expected = examples(in_report_order);
  REQUIRE(expected.size() == 6);
  CHECK(expected[0].first == "https://shop.example/d0/p0.html");
  CHECK(expected[4] == std::pair<std::string, int>{"https://shop.example/d1/p0.html", 14});
  CHECK(expected[5] == std::pair<std::string, int>{"https://shop.example/d1/p0.html", 90});

  // The crawl's order: deeper pages first, URLs reversed; a page's own findings stay in order.
  std::vector<std::pair<int, Finding>> crawled = in_report_order;
  std::stable_sort(crawled.begin(), crawled.end(), [](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first > b.first;
    return a.second.page > b.second.page;
  });
  CHECK(examples(crawled) == expected);

  // Findings added without a depth (as a report adds those it holds in memory) come after every
  // page's, in arrival order.
  IssueTally tally(3);
  tally.add(in_report_order[0].second);
  tally.add(in_report_order[2].second, 2);
  tally.add(in_report_order[1].second);
  std::vector<Issue> issues = tally.take_worst_first();
  REQUIRE(issues.size() == 1);
  REQUIRE(issues[0].examples.size() == 3);
  CHECK(issues[0].examples[0].page == in_report_order[2].second.page);
  CHECK(issues[0].examples[1].page == in_report_order[0].second.page);
  CHECK(issues[0].examples[2].page == in_report_order[1].second.page);
}
