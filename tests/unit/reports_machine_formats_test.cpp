// JSON, SARIF and JUnit: the formats other tools read.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <sstream>

#include "reports/report.h"
#include "reports_sample.h"

using namespace tw;
using test::count_of;
using test::render;
using Json = nlohmann::json;

TEST_CASE("JSON report keeps the issue-2 shape and every finding field") {
  Json doc = Json::parse(render(ReportFormat::json, test::hostile_sample_report()));
  CHECK(doc["tool"]["name"] == "tagwarden");
  CHECK(doc["tool"]["version"].is_string());
  CHECK(doc["schema_version"].is_number_integer());
  CHECK(doc["scan"]["targets"] == Json::array({"https://shop.example/"}));
  CHECK(doc["scan"]["status"] == "complete");
  CHECK(doc["scan"]["started"] == "2026-11-25T10:00:00Z");
  REQUIRE(doc["pages"].size() == 2);
  const Json& page = doc["pages"][0];
  for (const char* key : {"url", "status", "depth", "tags", "requested_url", "error", "title",
                          "csp", "redirect_chain", "fetch_ms", "body_bytes", "notes", "reused"}) {
    CHECK(page.contains(key));
  }
  const Json& tag = page["tags"][0];
  for (const char* key : {"kind", "url", "host", "domain", "vendor", "category", "ids", "line",
                          "column", "initiator", "attributes", "in_head", "snippet"}) {
    CHECK(tag.contains(key));
  }
  CHECK(tag["ids"] == Json::array({"GTM-ABC123"}));
  CHECK(tag["line"] == 12);
  CHECK(doc["pages"][1]["error"] == "timeout");
  CHECK(doc["vendors"][0]["hosts"] == Json::array({"www.googletagmanager.com"}));
  CHECK(doc["vendors"][0]["pages"] == 1);
  REQUIRE(doc["findings"].size() == 3);
  for (const char* key :
       {"rule", "severity", "page", "vendor", "host", "message", "line", "fingerprint"}) {
    CHECK(doc["findings"][0].contains(key));
  }
  CHECK(doc["findings"][0]["severity"] == "high");
  CHECK(doc["findings"][2]["page"] == "");  // site-level
  CHECK(doc["scan"]["counts"]["pages_analysed"] == 1);
}

TEST_CASE("JSON report of a scan with no pages is valid with empty arrays") {
  ScanReport empty;
  empty.scan.targets = {"https://nothing.example/"};
  Json doc = Json::parse(render(ReportFormat::json, empty));
  CHECK(doc["pages"] == Json::array());
  CHECK(doc["vendors"] == Json::array());
  CHECK(doc["findings"] == Json::array());
  CHECK(doc["scan"]["status"] == "running");
}

TEST_CASE("JSON report survives invalid UTF-8 in crawled text") {
  ScanReport report = test::hostile_sample_report();
  report.pages[0].title = "bad \xff\xfe bytes";
  Json doc = Json::parse(render(ReportFormat::json, report));
  CHECK(doc["pages"][0]["title"] == "bad \xef\xbf\xbd\xef\xbf\xbd bytes");
}

TEST_CASE("SARIF has one run, a rule per finding's rule and a located result per issue") {
  Json doc = Json::parse(render(ReportFormat::sarif, test::hostile_sample_report()));
  CHECK(doc["version"] == "2.1.0");
  REQUIRE(doc["runs"].size() == 1);
  const Json& run = doc["runs"][0];
  const Json& rules = run["tool"]["driver"]["rules"];
  const Json& results = run["results"];
  REQUIRE(results.size() == 3);
  for (const Json& result : results) {
    // ruleIndex points at the descriptor of the same id, even for ids the catalogue lacks.
    CHECK(rules[result["ruleIndex"].get<int>()]["id"] == result["ruleId"]);
    CHECK(result["partialFingerprints"].contains("tagwarden/issue/v1"));
  }
  // Worst first: high, the medium site-level one, low.
  const Json& first = results[0];
  CHECK(first["level"] == "error");
  const Json& location = first["locations"][0]["physicalLocation"];
  CHECK(location["region"]["startLine"] == 40);
  CHECK(location["region"]["startColumn"] == 3);
  // The hostile page URL is percent-encoded into a valid URI.
  std::string uri = location["artifactLocation"]["uri"];
  CHECK(uri.find('<') == std::string::npos);
  CHECK(uri.find('"') == std::string::npos);
  CHECK(uri.find(' ') == std::string::npos);
  CHECK(results[2]["level"] == "note");
  // A site-level finding is placed at the scan target.
  CHECK(results[1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] ==
        "https://shop.example/");
  CHECK_FALSE(results[1]["locations"][0]["physicalLocation"].contains("region"));
  const Json& unknown = rules[results[1]["ruleIndex"].get<int>()];
  CHECK(unknown["id"] == "TW-UNKNOWN-RULE");
  CHECK_FALSE(unknown.contains("name"));  // SARIF1001: a name may not repeat the id
  CHECK(unknown["shortDescription"]["text"] == "TW-UNKNOWN-RULE");
}

TEST_CASE("SARIF marks baseline state and suppressions") {
  ScanReport report = test::hostile_sample_report();
  report.pages[0].findings[0].baseline_state = "new";
  report.pages[0].findings[1].baseline_state = "existing";
  report.pages[0].findings[1].suppressed = true;
  report.pages[0].findings[1].suppression_reason = "accepted risk";
  ReportOptions options;
  options.baseline = true;
  Json doc = Json::parse(render(ReportFormat::sarif, report, options));
  const Json& results = doc["runs"][0]["results"];
  CHECK(results[0]["baselineState"] == "new");
  CHECK(results[2]["baselineState"] == "unchanged");
  CHECK(results[2]["suppressions"][0]["justification"] == "accepted risk");
}

TEST_CASE("JUnit has a suite per rule, a case per issue and a failure at or above fail_on") {
  ScanReport report = test::hostile_sample_report();
  ReportOptions options;
  options.fail_on = Severity::high;
  std::string xml = render(ReportFormat::junit, report, options);
  CHECK(count_of(xml, "<testsuite ") == 4);  // three rules and the pages
  CHECK(count_of(xml, "<failure ") == 1);
  // Cases: three issues, "1 pages analysed" and the page that failed.
  CHECK(xml.find("<testsuites name=\"tagwarden\" tests=\"5\" failures=\"1\"") != std::string::npos);
  CHECK(count_of(xml, "<skipped message=\"not analysed: timeout") == 1);
  options.fail_on = Severity::low;
  CHECK(count_of(render(ReportFormat::junit, report, options), "<failure ") == 3);
  options.fail_on = Severity::critical;
  CHECK(count_of(render(ReportFormat::junit, report, options), "<failure ") == 0);
}

TEST_CASE("JUnit escapes crawled text and drops characters XML forbids") {
  std::string xml = render(ReportFormat::junit, test::hostile_sample_report());
  CHECK(xml.find("<script>") == std::string::npos);
  CHECK(xml.find("<img") == std::string::npos);
  CHECK(xml.find('\x1b') == std::string::npos);
  CHECK(xml.find('\x07') == std::string::npos);
  CHECK(xml.find("&lt;script&gt;") != std::string::npos);
}
