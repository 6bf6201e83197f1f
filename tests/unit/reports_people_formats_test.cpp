// HTML, CSV, Markdown and console: the formats people read.
#include <catch2/catch.hpp>

#include <regex>
#include <sstream>

#include "reports/report.h"
#include "reports/report_text.h"
#include "reports/sha256.h"
#include "reports_sample.h"

using namespace tw;
using test::render;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The text between the first `open` and the following `close`.
std::string between(const std::string& text, const std::string& open, const std::string& close) {
  std::size_t start = text.find(open);
  REQUIRE(start != std::string::npos);
  start += open.size();
  return text.substr(start, text.find(close, start) - start);
}

}  // namespace

TEST_CASE("SHA-256 matches the FIPS 180-4 test vectors") {
  CHECK(sha256_base64("abc") == "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
  CHECK(sha256_base64("") == "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  CHECK(sha256_base64("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "JI1qYdIGOLjlwCaTDD5gOaM85Flk/yFn9uzt1BnbBsE=");
}

TEST_CASE("HTML report escapes every crawled string") {
  std::string html = render(ReportFormat::html, test::hostile_sample_report());
  // The only <script> is the report's own, at the end.
  CHECK(std::regex_search(html, std::regex("<script>")));
  CHECK(html.find("<script>") == html.rfind("<script>"));
  CHECK(html.find("window.__pwned") == html.find("window.__pwned=1;document.title=&#39;PWNED"));
  CHECK(html.find("<img") == std::string::npos);
  CHECK(html.find("onerror=\"") == std::string::npos);
  CHECK(html.find('\x1b') == std::string::npos);
  CHECK(html.find("&lt;script&gt;window.__pwned=1") != std::string::npos);
}

TEST_CASE("HTML report's CSP allows exactly its own style and script") {
  std::string html = render(ReportFormat::html, test::hostile_sample_report());
  std::string csp = between(html, "http-equiv=\"Content-Security-Policy\" content=\"", "\"");
  CHECK(csp.find("default-src 'none'") != std::string::npos);
  std::string style = between(html, "<style>", "</style>");
  std::string script = between(html, "<script>", "</script>");
  CHECK(csp.find("style-src 'sha256-" + sha256_base64(style) + "'") != std::string::npos);
  CHECK(csp.find("script-src 'sha256-" + sha256_base64(script) + "'") != std::string::npos);
  CHECK(html.find(" style=\"") == std::string::npos);  // inline style attributes would be blocked
}

TEST_CASE("HTML report has the summary, charts, inventory, matrix, issues and findings") {
  std::string html = render(ReportFormat::html, test::hostile_sample_report());
  for (const char* id : {"id=\"summary\"", "id=\"charts\"", "id=\"vendors\"", "id=\"matrix\"",
                         "id=\"issues\"", "id=\"findings\"", "id=\"pages\""}) {
    CHECK(html.find(id) != std::string::npos);
  }
  CHECK(html.find("<svg") != std::string::npos);
  CHECK(html.find("Overlap (Frankenstack)") != std::string::npos);  // two advertising vendors
  CHECK(html.find("Web team") != std::string::npos);
  CHECK(html.find("http://") == html.find("http://www.w3.org/2000/svg"));  // no external fetches
}

TEST_CASE("HTML report draws the trend of the last scans only when there are several") {
  ScanReport report = test::hostile_sample_report();
  CHECK(render(ReportFormat::html, report).find("class=\"trend\"") == std::string::npos);
  report.trend = {{7, "2026-12-01T02:00:00Z", 10, {0, 3, 2, 1, 0}},
                  {8, "<b>2026-12-02</b>", 10, {0, 1, 0, 0, 1}}};
  std::string html = render(ReportFormat::html, report);
  CHECK(html.find("class=\"trend\"") != std::string::npos);
  CHECK(html.find("<title>scan 7, 2026-12-01T02:00:00Z: 10 pages, 6 findings (critical 0, high 1, "
                  "medium 2, low 3, info 0)</title>") != std::string::npos);
  CHECK(html.find("scan 8, &lt;b&gt;2026-12-02&lt;/b&gt;") != std::string::npos);
  CHECK(html.find("<b>2026") == std::string::npos);
}

TEST_CASE("CSV vendor inventory and findings neutralise formula cells") {
  ScanReport report = test::hostile_sample_report();
  std::string vendors = render(ReportFormat::csv, report);
  CHECK(vendors.starts_with("vendor,category,sanctioned,status,owner,pages,hosts,ids\r\n"));
  CHECK(vendors.find("\r\n'+cmd|' /C calc'!A0,advertising,no,unsanctioned,'@SUM(A1:A9),1,") !=
        std::string::npos);
  CHECK(vendors.find("\"'=HYPERLINK(") != std::string::npos);
  std::ostringstream findings;
  REQUIRE(write_csv_findings(report, findings).ok());
  std::string text = findings.str();
  CHECK(text.find(",=") == std::string::npos);
  CHECK(text.find(",+") == std::string::npos);
  CHECK(text.find(",@") == std::string::npos);
  CHECK(text.find(",\"=") == std::string::npos);
  CHECK(text.find("'=HYPERLINK") != std::string::npos);
  for (const std::string& line : lines_of(text)) {
    if (!line.empty()) CHECK(line.back() == '\r');
  }
}

TEST_CASE("Markdown summary escapes crawled text and collapses the details") {
  std::string md = render(ReportFormat::markdown, test::hostile_sample_report());
  CHECK(md.find("<details>") != std::string::npos);
  CHECK(md.find("</details>") != std::string::npos);
  // Code spans render literally; what is outside them must hold no live syntax.
  md = std::regex_replace(md, std::regex("`+[^`]*`+"), "CODE");
  CHECK(md.find("https://evil") == std::string::npos);
  CHECK(md.find("](https://evil") == std::string::npos);
  CHECK(md.find("![") == std::string::npos);
  // Outside code spans, every '<' but those of the writer's own <details> is escaped.
  md = std::regex_replace(md, std::regex("</?(details|summary)>"), "TAG");
  CHECK_FALSE(std::regex_search(md, std::regex("(^|[^\\\\])<")));
  CHECK(md.find('\x1b') == std::string::npos);
}

TEST_CASE("Markdown summary lists new findings first when a baseline is given") {
  ScanReport report = test::hostile_sample_report();
  report.pages[0].findings[0].baseline_state = "existing";  // the high one
  report.pages[0].findings[1].baseline_state = "new";       // the low one
  report.site_findings[0].baseline_state = "existing";
  ReportOptions options;
  options.baseline = true;
  std::string md = render(ReportFormat::markdown, report, options);
  std::string top = between(md, "### Issues with new findings first", "<details>");
  CHECK(top.find("| low |") < top.find("| high |"));
  CHECK(md.find("(1 new)") != std::string::npos);
}

TEST_CASE("console summary has the exact pages line and fits 100 columns") {
  ScanReport report = test::hostile_sample_report();
  report.scan.targets[0] += std::string(200, 'x');
  std::string text = render(ReportFormat::console, report);
  auto lines = lines_of(text);
  CHECK(std::count(lines.begin(), lines.end(), "pages: 1") == 1);  // the failed page not counted
  for (const std::string& line : lines) CHECK(report_text::display_width(line) <= 100);
}

TEST_CASE("console summary never passes crawled escape sequences through") {
  ScanReport report = test::hostile_sample_report();
  report.scan.targets[0] += test::kTerminalPayload;
  std::string plain = render(ReportFormat::console, report);
  CHECK(plain.find('\x1b') == std::string::npos);
  CHECK(plain.find('\x07') == std::string::npos);
  CHECK(plain.find("\xc2\x9b") == std::string::npos);
  CHECK(plain.find("\xe2\x80\xae") == std::string::npos);
  CHECK(plain.find("\\x1b[2J") != std::string::npos);
  ReportOptions color;
  color.color = true;
  std::string coloured = render(ReportFormat::console, report, color);
  CHECK(coloured.find("\x1b[") != std::string::npos);
  // With colour on, the only escapes are the writer's own SGR sequences.
  CHECK_FALSE(std::regex_search(coloured, std::regex("\x1b[^\\[]|\x1b\\[[0-9;]*[^0-9;m]")));
  CHECK(coloured.find("\npages: 1\n") != std::string::npos);
}
