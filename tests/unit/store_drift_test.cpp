// Drift between two scans and baselines (new/existing findings, TW107), on in-memory reports.
#include <catch2/catch.hpp>
#include <fstream>

#include "catalogue/catalogue.h"
#include "policy/policy.h"
#include "rules/rule_catalogue.h"
#include "store/baseline.h"
#include "store/drift.h"
#include "store_test_support.h"

using namespace tw;
using tw::test::make_finding;
using tw::test::make_page;
using tw::test::TempDir;

namespace {

Tag vendor_tag(const std::string& host, const std::string& vendor,
               std::vector<std::string> ids = {}) {
  Tag tag = make_page("x", {host}).tags[0];
  tag.vendor = vendor;
  tag.ids = std::move(ids);
  return tag;
}

// Last night: GTM with one container on two pages, Hotjar on the home page.
ScanReport last_night() {
  ScanReport report;
  report.scan.id = 1;
  PageAnalysis home = make_page("https://shop.example/", {});
  home.tags = {vendor_tag("www.googletagmanager.com", "Google Tag Manager", {"GTM-OLD1"}),
               vendor_tag("static.hotjar.com", "Hotjar", {"123"})};
  home.findings = {make_finding("TW204", Severity::medium, "fp-hotjar", "https://shop.example/")};
  PageAnalysis cart = make_page("https://shop.example/cart", {});
  cart.tags = {vendor_tag("www.googletagmanager.com", "Google Tag Manager", {"GTM-OLD1"})};
  cart.findings = {
      make_finding("TW400", Severity::low, "fp-blocking", "https://shop.example/cart")};
  report.pages = {home, cart};
  return report;
}

// Tonight: Hotjar is gone, a TikTok pixel appeared on the cart, a second GTM container too.
ScanReport tonight() {
  ScanReport report = last_night();
  report.scan.id = 2;
  PageAnalysis& home = report.pages[0];
  home.tags.pop_back();
  home.findings.clear();
  PageAnalysis& cart = report.pages[1];
  cart.tags.push_back(vendor_tag("analytics.tiktok.com", "TikTok", {"C4PIXEL"}));
  cart.tags.push_back(vendor_tag("www.googletagmanager.com", "Google Tag Manager", {"GTM-NEW2"}));
  cart.findings.push_back(
      make_finding("TW100", Severity::high, "fp-tiktok", "https://shop.example/cart"));
  return report;
}

std::vector<std::string> values(const std::vector<DriftItem>& items) {
  std::vector<std::string> out;
  for (const DriftItem& item : items) out.push_back(item.value);
  return out;
}

}  // namespace

TEST_CASE("drift lists vendors, hosts and tag IDs that appeared or disappeared, with pages") {
  Drift drift = compute_drift(last_night(), tonight());
  CHECK(values(drift.vendors.added) == std::vector<std::string>{"TikTok"});
  CHECK(values(drift.vendors.removed) == std::vector<std::string>{"Hotjar"});
  CHECK(values(drift.hosts.added) == std::vector<std::string>{"analytics.tiktok.com"});
  CHECK(values(drift.hosts.removed) == std::vector<std::string>{"static.hotjar.com"});
  CHECK(values(drift.tag_ids.added) == std::vector<std::string>{"C4PIXEL", "GTM-NEW2"});
  CHECK(values(drift.tag_ids.removed) == std::vector<std::string>{"123"});
  CHECK(drift.vendors.added[0].pages == std::vector<std::string>{"https://shop.example/cart"});
  CHECK(drift.vendors.removed[0].pages == std::vector<std::string>{"https://shop.example/"});
  CHECK(drift.tag_ids.added[1].vendor == "Google Tag Manager");
}

TEST_CASE("drift tells new findings from resolved ones by fingerprint") {
  Drift drift = compute_drift(last_night(), tonight());
  REQUIRE(drift.new_findings.size() == 1);
  CHECK(drift.new_findings[0].fingerprint == "fp-tiktok");
  REQUIRE(drift.resolved_findings.size() == 1);
  CHECK(drift.resolved_findings[0].fingerprint == "fp-hotjar");
}

TEST_CASE("two identical scans show no drift") {
  Drift drift = compute_drift(last_night(), last_night());
  CHECK(drift.empty());
  CHECK_THAT(drift_to_text(drift), Catch::Contains("no drift"));
}

TEST_CASE("drift renders as text and as JSON") {
  Drift drift = compute_drift(last_night(), tonight());
  std::string text = drift_to_text(drift);
  CHECK_THAT(text, Catch::Contains("+ TikTok on 1 page: https://shop.example/cart"));
  CHECK_THAT(text, Catch::Contains("- Hotjar"));
  CHECK_THAT(text, Catch::Contains("findings: 1 new, 1 resolved"));
  std::string json = drift_to_json(drift);
  CHECK_THAT(json, Catch::Contains("\"added\"") && Catch::Contains("\"GTM-NEW2\"") &&
                       Catch::Contains("\"resolved\""));
}

TEST_CASE("a baseline marks findings new or existing and adds TW107 drift findings") {
  Baseline baseline{"scan 1", last_night()};
  ScanReport current = tonight();
  apply_baseline(current, baseline, RuleContext{&Catalogue::builtin(), nullptr});
  const std::vector<Finding>& cart = current.pages[1].findings;
  REQUIRE(cart.size() == 2);
  CHECK(cart[0].baseline_state == "existing");
  CHECK(cart[1].baseline_state == "new");
  std::vector<const Finding*> drift;
  for (const Finding& finding : current.site_findings) {
    if (finding.rule == "TW107") drift.push_back(&finding);
  }
  // TikTok + Hotjar (vendors), two hosts, three tag IDs.
  REQUIRE(drift.size() == 7);
  for (const Finding* finding : drift) CHECK(finding->baseline_state == "new");
  CHECK_THAT(drift[0]->message, Catch::Contains("New vendor TikTok") && Catch::Contains("scan 1"));
  CHECK(drift[0]->evidence == "https://shop.example/cart");
  CHECK(drift[0]->fingerprint != drift[1]->fingerprint);
}

TEST_CASE("TW107 drift findings follow the policy: severity override, suppression, disabling") {
  Baseline baseline{"scan 1", last_night()};
  auto policy = load_policy_text(
      "rules:\n  TW107: high\n"
      "suppressions:\n  - rule: TW107\n    vendor: TikTok\n    reason: pilot approved\n",
      "policy.yaml", rule_ids());
  REQUIRE(policy.ok());
  ScanReport current = tonight();
  apply_baseline(current, baseline, RuleContext{&policy->catalogue, &*policy});
  int drift = 0;
  for (const Finding& finding : current.site_findings) {
    if (finding.rule != "TW107") continue;
    ++drift;
    CHECK(finding.severity == Severity::high);
    CHECK(finding.suppressed == (finding.vendor == "TikTok"));
  }
  CHECK(drift == 7);

  auto disabled =
      load_policy_text("rules:\n  TW107: {enabled: false}\n", "policy.yaml", rule_ids());
  REQUIRE(disabled.ok());
  ScanReport quiet = tonight();
  apply_baseline(quiet, baseline, RuleContext{&disabled->catalogue, &*disabled});
  for (const Finding& finding : quiet.site_findings) CHECK(finding.rule != "TW107");
}

TEST_CASE("TW107 fingerprints are stable from one run to the next") {
  Baseline baseline{"scan 1", last_night()};
  std::vector<Finding> once = drift_findings(baseline, tonight());
  std::vector<Finding> again = drift_findings(baseline, tonight());
  REQUIRE(once.size() == again.size());
  for (std::size_t i = 0; i < once.size(); ++i) CHECK(once[i].fingerprint == again[i].fingerprint);
}

TEST_CASE("a JSON report written by tagwarden serves as baseline") {
  TempDir dir;
  std::string path = dir.path("report.json");
  std::ofstream(path) << R"({"tool": {"name": "tagwarden", "version": "0.1.0"}, "schema_version": 1,
    "scan": {"id": 7, "targets": ["https://shop.example/"], "status": "complete"},
    "pages": [{"url": "https://shop.example/", "status": 200, "depth": 0,
               "tags": [{"kind": "script", "url": "https://static.hotjar.com/c.js",
                         "host": "static.hotjar.com", "vendor": "Hotjar", "ids": ["123"],
                         "line": 4, "attributes": {"async": ""}}]}],
    "vendors": [{"name": "Hotjar", "category": "analytics", "hosts": ["static.hotjar.com"],
                 "pages": 1}],
    "findings": [{"rule": "TW204", "severity": "medium", "page": "https://shop.example/",
                  "message": "session replay", "fingerprint": "fp-hotjar"}]})";
  auto baseline = load_baseline(path, nullptr);
  REQUIRE(baseline.ok());
  const ScanReport& report = baseline->report;
  CHECK(report.scan.id == 7);
  REQUIRE(report.pages.size() == 1);
  REQUIRE(report.pages[0].tags.size() == 1);
  CHECK(report.pages[0].tags[0].ids == std::vector<std::string>{"123"});
  CHECK(report.pages[0].tags[0].attributes.count("async") == 1);
  REQUIRE(report.pages[0].findings.size() == 1);
  CHECK(report.pages[0].findings[0].fingerprint == "fp-hotjar");
  CHECK(report.vendors.size() == 1);
}

TEST_CASE(
    "a baseline that is not a tagwarden report, or a scan id without a database, is refused") {
  TempDir dir;
  std::string path = dir.path("other.json");
  std::ofstream(path) << R"({"name": "something else"})";
  auto other = load_baseline(path, nullptr);
  REQUIRE_FALSE(other.ok());
  CHECK_THAT(other.error(), Catch::Contains(path) && Catch::Contains("not a tagwarden"));
  std::ofstream(dir.path("broken.json")) << "{ not json";
  CHECK_THAT(load_baseline(dir.path("broken.json"), nullptr).error(),
             Catch::Contains("not a JSON report"));
  CHECK_THAT(load_baseline(dir.path("missing.json"), nullptr).error(),
             Catch::Contains("cannot read"));
  CHECK_THAT(load_baseline("12", nullptr).error(), Catch::Contains("no database"));
}

TEST_CASE("a stored scan serves as baseline by its id") {
  TempDir dir;
  auto store = ScanStore::open(dir.path("tw.db"));
  REQUIRE(store.ok());
  ScanInfo info;
  info.targets = {"https://shop.example/"};
  auto id = store->begin_scan(info);
  REQUIRE(id.ok());
  REQUIRE(store->add_pages(*id, last_night().pages).ok());
  auto baseline = load_baseline(std::to_string(*id), &*store);
  REQUIRE(baseline.ok());
  CHECK(baseline->origin == "scan " + std::to_string(*id));
  CHECK(baseline->report.pages.size() == 2);
  CHECK_FALSE(load_baseline("999", &*store).ok());
}
