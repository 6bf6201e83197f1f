// ScanStore against real SQLite files in a temporary directory; the tests tagged [postgresql]
// run against a fresh PostgreSQL database too when ctest's tw_postgres fixture gives a server
// (store_test_support.h, store_locations).
#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>

#include "store/scan_store.h"
#include "store/schema.h"
#include "store_test_support.h"

using namespace tw;
using tw::test::make_finding;
using tw::test::make_page;
using tw::test::TempDir;

namespace {

ScanInfo scan_info(const std::string& target) {
  ScanInfo info;
  info.targets = {target};
  info.started = "2026-11-25T10:00:00Z";
  info.tool_version = "0.1.0";
  info.settings = {{"max-pages", "100"}};
  return info;
}

// Runs SQL on the file behind the store's back, as another tool (or a crashed process) would.
std::string raw_query(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  std::string result;
  sqlite3_exec(
      db, sql.c_str(),
      [](void* out, int columns, char** values, char**) {
        auto* text = static_cast<std::string*>(out);
        for (int i = 0; i < columns; ++i) {
          if (!text->empty()) *text += "|";
          *text += values[i] ? values[i] : "NULL";
        }
        return 0;
      },
      &result, nullptr);
  sqlite3_close(db);
  return result;
}

ScanStore open_store(const std::string& path, const StoreOptions& options = {}) {
  auto store = ScanStore::open(path, options);
  INFO((store.ok() ? std::string() : store.error()));
  REQUIRE(store.ok());
  return std::move(store).value();
}

}  // namespace

TEST_CASE("a new database gets the current schema version, WAL and the views") {
  TempDir dir;
  std::string path = dir.path("tw.db");
  open_store(path);
  CHECK(raw_query(path, "PRAGMA user_version") == std::to_string(kStoreSchemaVersion));
  CHECK(raw_query(path, "PRAGMA journal_mode") == "wal");
  CHECK(raw_query(path, "SELECT max(version) FROM schema_version") ==
        std::to_string(kStoreSchemaVersion));
  CHECK(raw_query(path,
                  "SELECT count(*) FROM sqlite_master WHERE type = 'view' AND name IN "
                  "('v_scans', 'v_latest_vendors', 'v_findings', 'v_tags', 'v_tag_ids', 'tags', "
                  "'findings', 'page_tags', 'notes', 'v_pages')") == "10");
  CHECK(raw_query(path, "PRAGMA auto_vacuum") == "2");  // incremental: prune gives space back
  // Opening again is a no-op, not a second migration.
  open_store(path);
  CHECK(raw_query(path, "SELECT count(*) FROM schema_version") ==
        std::to_string(kStoreSchemaVersion));
}

TEST_CASE("a stored scan loads back with every field the reports use") {
  TempDir dir;
  ScanStore store = open_store(dir.path("tw.db"));
  ScanInfo info = scan_info("https://shop.example/");
  info.policy_path = "policy.yml";
  info.policy_digest = "abc";
  auto id = store.begin_scan(info);
  REQUIRE(id.ok());

  PageAnalysis page = make_page("https://shop.example/", {"www.googletagmanager.com"});
  page.page.final_url = "https://shop.example/home";
  page.page.redirect_chain = {"https://shop.example/"};
  page.page.status = 200;
  page.page.content_type = "text/html";
  page.page.depth = 1;
  page.page.fetch_ms = 12.5;
  page.page.body_bytes = 4096;
  page.page.headers = {{"etag", "\"v1\""}, {"content-security-policy", "script-src 'self'"}};
  page.title = "Home";
  page.csp.header = "script-src 'self'";
  page.csp.meta = "default-src *";
  page.consent_manager_index = 0;
  page.notes = {"inline script too large to scan"};
  page.links = {"https://shop.example/a", "https://shop.example/b"};
  page.dom_shape = "0123456789abcdef";
  Tag& tag = page.tags[0];
  tag.kind = TagKind::iframe;
  tag.ids = {"GTM-ABC123", "G-XYZ"};
  tag.line = 7;
  tag.column = 3;
  tag.initiator = Initiator::tag_manager;
  tag.parent = "https://www.googletagmanager.com/gtm.js?id=GTM-ABC123";
  tag.snippet = "gtm";
  tag.attributes = {{"async", ""}, {"sandbox", "allow-scripts"}};
  tag.in_head = true;
  tag.in_noscript = true;
  tag.consent_gated = true;
  tag.document_write = true;
  Finding finding;
  finding.rule = "TW400";
  finding.severity = Severity::medium;
  finding.page = "https://shop.example/home";
  finding.vendor = "Google Tag Manager";
  finding.host = "www.googletagmanager.com";
  finding.tag_url = tag.url;
  finding.line = 7;
  finding.column = 3;
  finding.message = "render-blocking";
  finding.evidence = "<script src>";
  finding.fingerprint = "fp-page";
  finding.suppressed = true;
  finding.suppression_reason = "accepted";
  page.findings = {finding};
  PageAnalysis failed = make_page("https://shop.example/gone", {});
  failed.page.error = PageError::http_status;
  failed.page.error_detail = "HTTP 404";
  failed.page.status = 404;
  failed.page.depth = 2;
  REQUIRE(store.add_pages(*id, std::vector{page, failed}).ok());

  Finding site;
  site.rule = "TW105";
  site.severity = Severity::high;
  site.message = "two analytics vendors";
  site.fingerprint = "fp-site";
  VendorSummary vendor{
      "Google Tag Manager", "tag-manager", {"www.googletagmanager.com"}, {"GTM-ABC123"}, 1,
      "sanctioned",         "marketing"};
  info.status = ScanStatus::complete;
  info.finished = "2026-11-25T10:05:00Z";
  info.error_counts = {{"http-status", 1}};
  REQUIRE(store.finish_scan(*id, info, {site}, {vendor}).ok());

  auto loaded = store.load_scan(*id);
  REQUIRE(loaded.ok());
  const ScanReport& report = *loaded;
  CHECK(report.scan.id == *id);
  CHECK(report.scan.targets == info.targets);
  CHECK(report.scan.started == info.started);
  CHECK(report.scan.finished == info.finished);
  CHECK(report.scan.status == ScanStatus::complete);
  CHECK(report.scan.tool_version == "0.1.0");
  CHECK(report.scan.policy_path == "policy.yml");
  CHECK(report.scan.policy_digest == "abc");
  CHECK(report.scan.settings == info.settings);
  CHECK(report.scan.error_counts == info.error_counts);
  REQUIRE(report.pages.size() == 2);
  const PageAnalysis& got = report.pages[0];
  CHECK(got.page.requested_url == "https://shop.example/");
  CHECK(got.page.final_url == "https://shop.example/home");
  CHECK(got.page.redirect_chain == page.page.redirect_chain);
  CHECK(got.page.status == 200);
  CHECK(got.page.content_type == "text/html");
  CHECK(got.page.depth == 1);
  CHECK(got.page.fetch_ms == 12.5);
  CHECK(got.page.body_bytes == 4096);
  CHECK(got.page.header("etag") == "\"v1\"");
  CHECK(got.title == "Home");
  CHECK(got.dom_shape == "0123456789abcdef");
  CHECK(got.csp.header == page.csp.header);
  CHECK(got.csp.meta == page.csp.meta);
  CHECK(got.consent_manager_index == 0);
  CHECK(got.notes == page.notes);
  CHECK(got.links == page.links);
  REQUIRE(got.tags.size() == 1);
  const Tag& got_tag = got.tags[0];
  CHECK(got_tag.kind == TagKind::iframe);
  CHECK(got_tag.url == tag.url);
  CHECK(got_tag.host == tag.host);
  CHECK(got_tag.domain == tag.domain);
  CHECK(got_tag.vendor == tag.vendor);
  CHECK(got_tag.category == tag.category);
  CHECK(got_tag.ids == tag.ids);
  CHECK(got_tag.line == 7);
  CHECK(got_tag.column == 3);
  CHECK(got_tag.initiator == Initiator::tag_manager);
  CHECK(got_tag.parent == tag.parent);
  CHECK(got_tag.snippet == "gtm");
  CHECK(got_tag.attributes == tag.attributes);
  CHECK(got_tag.in_head);
  CHECK(got_tag.in_noscript);
  CHECK(got_tag.consent_gated);
  CHECK(got_tag.document_write);
  REQUIRE(got.findings.size() == 1);
  const Finding& got_finding = got.findings[0];
  CHECK(got_finding.rule == "TW400");
  CHECK(got_finding.severity == Severity::medium);
  CHECK(got_finding.page == finding.page);
  CHECK(got_finding.tag_url == finding.tag_url);
  CHECK(got_finding.line == 7);
  CHECK(got_finding.column == 3);
  CHECK(got_finding.message == finding.message);
  CHECK(got_finding.evidence == finding.evidence);
  CHECK(got_finding.fingerprint == "fp-page");
  CHECK(got_finding.suppressed);
  CHECK(got_finding.suppression_reason == "accepted");
  CHECK(report.pages[1].page.error == PageError::http_status);
  CHECK(report.pages[1].page.error_detail == "HTTP 404");
  REQUIRE(report.site_findings.size() == 1);
  CHECK(report.site_findings[0].fingerprint == "fp-site");
  REQUIRE(report.vendors.size() == 1);
  CHECK(report.vendors[0].name == vendor.name);
  CHECK(report.vendors[0].hosts == vendor.hosts);
  CHECK(report.vendors[0].ids == vendor.ids);
  CHECK(report.vendors[0].pages == 1);
  CHECK(report.vendors[0].status == "sanctioned");
  CHECK(report.vendors[0].owner == "marketing");
}

TEST_CASE("a rendered page keeps its visits, who saw each tag, and the vendors' seen_by") {
  TempDir dir;
  ScanStore store = open_store(dir.path("tw.db"));
  auto id = store.begin_scan(scan_info("https://shop.example/"));
  REQUIRE(id.ok());
  PageAnalysis page =
      make_page("https://shop.example/", {"www.googletagmanager.com", "px.ads.example"});
  page.tags[0].seen_by_browser = true;
  page.tags[1].seen_statically = false;
  page.tags[1].seen_by_browser = true;
  page.tags[1].initiator = Initiator::runtime;
  BrowserVisit visit;
  visit.consent_state = ConsentState::reject;
  visit.consent_manager = "cookiebot";
  visit.consent_action = "rejected";
  visit.tc_string = "CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA";
  visit.note = "the page's network did not settle";
  BrowserRequest request;
  request.url = "https://px.ads.example/p?x=1";
  request.host = "px.ads.example";
  request.resource_type = "Image";
  request.status = 200;
  request.bytes = 43;
  request.initiator = "script";
  request.initiator_url = "https://www.googletagmanager.com/gtm.js";
  request.after_consent = true;
  request.third_party = true;
  visit.requests.push_back(request);
  BrowserCookie cookie;
  cookie.name = "_ga";
  cookie.domain = ".shop.example";
  cookie.path = "/";
  cookie.expires = 1800000000.5;
  cookie.same_site = "Lax";
  cookie.set_by = "https://www.googletagmanager.com/gtm.js";
  cookie.set_via = "script";
  cookie.after_consent = true;
  visit.cookies.push_back(cookie);
  page.browser.push_back(visit);
  REQUIRE(store.add_pages(*id, std::vector{page, make_page("https://shop.example/b", {})}).ok());
  VendorSummary vendor;
  vendor.name = "Ads";
  vendor.seen_statically = false;
  vendor.seen_by_browser = true;
  ScanInfo info = scan_info("https://shop.example/");
  info.status = ScanStatus::complete;
  REQUIRE(store.finish_scan(*id, info, {}, {vendor}).ok());

  auto loaded = store.load_scan(*id);
  REQUIRE(loaded.ok());
  const PageAnalysis& got = loaded->pages[0];
  REQUIRE(got.tags.size() == 2);
  CHECK((got.tags[0].seen_statically && got.tags[0].seen_by_browser));
  CHECK((!got.tags[1].seen_statically && got.tags[1].seen_by_browser));
  CHECK(got.tags[1].initiator == Initiator::runtime);
  REQUIRE(got.browser.size() == 1);
  const BrowserVisit& got_visit = got.browser[0];
  CHECK(got_visit.consent_state == ConsentState::reject);
  CHECK(got_visit.consent_manager == "cookiebot");
  CHECK(got_visit.consent_action == "rejected");
  CHECK(got_visit.tc_string == visit.tc_string);
  CHECK(got_visit.note == visit.note);
  REQUIRE(got_visit.requests.size() == 1);
  CHECK(got_visit.requests[0].url == request.url);
  CHECK(got_visit.requests[0].bytes == 43);
  CHECK(got_visit.requests[0].initiator_url == request.initiator_url);
  CHECK(got_visit.requests[0].after_consent);
  REQUIRE(got_visit.cookies.size() == 1);
  CHECK(got_visit.cookies[0].name == "_ga");
  CHECK(got_visit.cookies[0].expires == 1800000000.5);
  CHECK(got_visit.cookies[0].same_site == "Lax");
  CHECK(got_visit.cookies[0].set_by == cookie.set_by);
  CHECK(got_visit.cookies[0].set_via == "script");
  CHECK(loaded->pages[1].browser.empty());
  CHECK(loaded->pages[1].tags.empty());
  REQUIRE(loaded->vendors.size() == 1);
  CHECK((!loaded->vendors[0].seen_statically && loaded->vendors[0].seen_by_browser));
  // The view for hand-written queries.
  CHECK(raw_query(dir.path("tw.db"), "SELECT name, set_by FROM v_cookies") ==
        "_ga|https://www.googletagmanager.com/gtm.js");
}

TEST_CASE("a cloaked tag keeps its CNAME chain in the stored shape and loads back cloaked") {
  TempDir dir;
  ScanStore store = open_store(dir.path("tw.db"));
  auto id = store.begin_scan(scan_info("https://shop.example/"));
  REQUIRE(id.ok());
  PageAnalysis page = make_page("https://shop.example/", {"metrics.shop.example", "cdn.example"});
  page.tags[0].cloaked = true;
  page.tags[0].cname_chain = {"shop.edge.example", "shop.eulerian.net"};
  REQUIRE(store.add_pages(*id, std::vector{page}).ok());
  auto loaded = store.load_scan(*id);
  REQUIRE(loaded.ok());
  const std::vector<Tag>& tags = loaded->pages[0].tags;
  REQUIRE(tags.size() == 2);
  CHECK(tags[0].cloaked);
  CHECK(tags[0].cname_chain == page.tags[0].cname_chain);
  CHECK(tags[0].attributes == page.tags[0].attributes);
  CHECK_FALSE(tags[1].cloaked);
  CHECK(tags[1].cname_chain.empty());
  // The tags view keeps its columns; the chain is among the tag's attributes there.
  CHECK(raw_query(dir.path("tw.db"),
                  "SELECT json_extract(attributes, '$.\"tagwarden-cname-chain\"') FROM tags "
                  "WHERE host = 'metrics.shop.example'") == "shop.edge.example shop.eulerian.net");
}

TEST_CASE("storing a page again replaces its tags and findings instead of adding a page") {
  TempDir dir;
  std::string path = dir.path("tw.db");
  ScanStore store = open_store(path);
  auto id = store.begin_scan(scan_info("https://a.example/"));
  REQUIRE(id.ok());
  PageAnalysis first = make_page("https://a.example/", {"cdn.one.example", "cdn.two.example"});
  first.findings.push_back(make_finding("TW100", Severity::high, "", first.page.final_url));
  PageAnalysis second = make_page("https://a.example/b", {"cdn.one.example"});
  REQUIRE(store.add_pages(*id, std::vector{first, second}).ok());

  first.tags.push_back(make_page("x", {"fourth.party.example"}).tags[0]);
  first.findings.push_back(make_finding("TW303", Severity::critical, "", first.page.final_url));
  REQUIRE(store.add_pages(*id, std::vector{first}).ok());

  auto report = store.load_scan(*id);
  REQUIRE(report.ok());
  REQUIRE(report->pages.size() == 2);
  CHECK(report->pages[0].page.requested_url == "https://a.example/");
  CHECK(report->pages[0].tags.size() == 3);
  CHECK(report->pages[0].findings.size() == 2);
  CHECK(report->pages[1].tags.size() == 1);
  CHECK(raw_query(path, "SELECT count(*) FROM tags") == "4");
  CHECK(raw_query(path, "SELECT count(*) FROM findings") == "2");
}

TEST_CASE("a version 1 database is migrated on open and keeps its scans, tags and tag ids") {
  TempDir dir;
  std::string path = dir.path("v1.db");
  std::string version1(schema_migrations()[0]);
  raw_query(path, version1 +
                      "INSERT INTO schema_version VALUES (1, '2026-11-01T00:00:00Z');"
                      "PRAGMA user_version = 1;"
                      "INSERT INTO scans (id, target, started, status) VALUES "
                      "  (7, 'https://a.example/', '2026-11-01T00:00:00Z', 'complete');"
                      "INSERT INTO scan_targets VALUES (7, 0, 'https://a.example/');"
                      "INSERT INTO pages VALUES (3, 7, 'https://a.example/', 'https://a.example/', "
                      "  200, 'text/html', 0, 1.5, 100, 'h', '', '', 'none', '', 'Home', '', '', "
                      "  -1, 0, '[]', '');"
                      "INSERT INTO tags VALUES (11, 3, 0, 'script', "
                      "  'https://www.googletagmanager.com/gtm.js?id=GTM-AAA', "
                      "  'www.googletagmanager.com', 'googletagmanager.com', 'Google Tag Manager', "
                      "  'tag-manager', 4, 2, 'parser', 'head', '', '{\"async\":\"\"}', 1, 0, "
                      "  0, 0);"
                      "INSERT INTO tag_ids VALUES (11, 0, 'GTM-AAA'), (11, 1, 'G-BBB');"
                      "INSERT INTO findings VALUES (1, 7, 3, 0, 'TW100', 'high', "
                      "  'https://a.example/', 'Google Tag Manager', 'www.googletagmanager.com', "
                      "  '', 4, 2, 'not sanctioned', '', 'fp1', 0, '', '');");
  REQUIRE(raw_query(path, "PRAGMA user_version") == "1");

  ScanStore store = open_store(path);
  CHECK(raw_query(path, "PRAGMA user_version") == std::to_string(kStoreSchemaVersion));
  CHECK(raw_query(path, "SELECT count(*) FROM schema_version") ==
        std::to_string(kStoreSchemaVersion));
  auto report = store.load_scan(7);
  REQUIRE(report.ok());
  REQUIRE(report->pages.size() == 1);
  REQUIRE(report->pages[0].tags.size() == 1);
  const Tag& tag = report->pages[0].tags[0];
  CHECK(tag.vendor == "Google Tag Manager");
  CHECK(tag.ids == std::vector<std::string>{"GTM-AAA", "G-BBB"});
  CHECK(tag.attributes.at("async").empty());
  CHECK(tag.in_head);
  REQUIRE(report->pages[0].findings.size() == 1);
  CHECK(report->pages[0].findings[0].fingerprint == "fp1");
  CHECK(raw_query(path, "SELECT group_concat(tag_id, ' ') FROM v_tag_ids") == "GTM-AAA G-BBB");
  CHECK(raw_query(path, "SELECT ids FROM v_tags") == "GTM-AAA G-BBB");
  CHECK(raw_query(path, "PRAGMA integrity_check") == "ok");
}

TEST_CASE("a file that is not SQLite is refused with a one-line error") {
  TempDir dir;
  std::string path = dir.path("notes.db");
  std::ofstream(path) << "this is a text file, not a database, and it is long enough to have "
                         "a header that SQLite reads and rejects................................";
  auto store = ScanStore::open(path);
  REQUIRE_FALSE(store.ok());
  CHECK_THAT(store.error(), Catch::Contains(path) && Catch::Contains("not a SQLite database"));
  CHECK(store.error().find('\n') == std::string::npos);
}

TEST_CASE("a database from a newer tagwarden is refused and left untouched") {
  TempDir dir;
  std::string path = dir.path("tw.db");
  open_store(path);
  raw_query(path, "PRAGMA user_version = 99");
  auto store = ScanStore::open(path);
  REQUIRE_FALSE(store.ok());
  CHECK_THAT(store.error(), Catch::Contains("schema version 99") && Catch::Contains("newer"));
  CHECK(raw_query(path, "PRAGMA user_version") == "99");
}

TEST_CASE("a SQLite database of another program is refused, not migrated") {
  TempDir dir;
  std::string path = dir.path("other.db");
  raw_query(path, "CREATE TABLE accounts (id INTEGER)");
  auto store = ScanStore::open(path);
  REQUIRE_FALSE(store.ok());
  CHECK_THAT(store.error(), Catch::Contains("did not create"));
  CHECK(raw_query(path, "SELECT count(*) FROM sqlite_master WHERE name = 'scans'") == "0");
}

TEST_CASE("a directory given as database is refused") {
  TempDir dir;
  auto store = ScanStore::open(dir.path(""));
  REQUIRE_FALSE(store.ok());
  CHECK_THAT(store.error(), Catch::Contains("is a directory"));
}

TEST_CASE("a full disk fails the batch cleanly and keeps what was stored before") {
  TempDir dir;
  std::string path = dir.path("tw.db");
  {
    ScanStore store = open_store(path);
    auto id = store.begin_scan(scan_info("https://a.example/"));
    REQUIRE(id.ok());
    REQUIRE(store.add_pages(*id, std::vector{make_page("https://a.example/", {"x.example"})}).ok());
  }
  std::int64_t pages_now = std::stoll(raw_query(path, "PRAGMA page_count"));
  ScanStore store = open_store(path, StoreOptions{30000, pages_now + 2});
  auto id = store.latest_scan_id();
  REQUIRE(id.ok());
  std::vector<PageAnalysis> batch;
  for (int i = 0; i < 200; ++i) {
    batch.push_back(make_page("https://a.example/p" + std::to_string(i),
                              {"cdn.example", "pixel.example", "ads.example"}));
  }
  Status stored = store.add_pages(*id, batch);
  REQUIRE_FALSE(stored.ok());
  CHECK_THAT(stored.error(), Catch::Contains("disk full"));
  CHECK(raw_query(path, "SELECT count(*) FROM pages") == "1");
  CHECK(raw_query(path, "PRAGMA integrity_check") == "ok");
  // The scan is marked partial at once, not left running until the next open.
  CHECK(raw_query(path, "SELECT status FROM scans") == "running");
  REQUIRE(store.mark_partial(*id).ok());
  CHECK(raw_query(path, "SELECT status FROM scans") == "partial");
  CHECK(raw_query(path, "SELECT finished <> '' FROM scans") == "1");
}

TEST_CASE("a scan left running by a process that is gone reads as partial") {
  TempDir dir;
  std::string path = dir.path("tw.db");
  std::int64_t crashed = 0;
  std::int64_t live = 0;
  {
    ScanStore store = open_store(path);
    crashed = *store.begin_scan(scan_info("https://a.example/"));
    REQUIRE(store.add_pages(crashed, std::vector{make_page("https://a.example/", {})}).ok());
    live = *store.begin_scan(scan_info("https://b.example/"));
  }
  // A pid that cannot be alive (above pid_max) stands for the killed writer.
  raw_query(path, "UPDATE scans SET pid = 99999999 WHERE id = " + std::to_string(crashed));
  ScanStore store = open_store(path);
  auto report = store.load_scan(crashed);
  REQUIRE(report.ok());
  CHECK(report->scan.status == ScanStatus::partial);
  CHECK_FALSE(report->scan.finished.empty());
  CHECK(report->pages.size() == 1);
  CHECK(raw_query(path, "SELECT status FROM scans WHERE id = " + std::to_string(crashed)) ==
        "partial");
  // This process is alive, so its scan stays running.
  CHECK(store.load_scan(live)->scan.status == ScanStatus::running);
}

TEST_CASE("history lists scans newest first with counts, filtered by target", "[postgresql]") {
  TempDir dir;
  for (const std::string& location : tw::test::store_locations(dir)) {
    INFO(location);
    ScanStore store = open_store(location);
    auto first = *store.begin_scan(scan_info("https://a.example/"));
    PageAnalysis page = make_page("https://a.example/", {"www.google-analytics.com"});
    page.tags[0].vendor = "Google Analytics";
    page.findings = {make_finding("TW100", Severity::high), make_finding("TW400", Severity::medium),
                     make_finding("TW401", Severity::medium)};
    REQUIRE(store.add_pages(first, std::vector{page}).ok());
    ScanInfo done = scan_info("https://a.example/");
    done.status = ScanStatus::complete;
    REQUIRE(store.finish_scan(first, done, {}, {}).ok());
    auto second = *store.begin_scan(scan_info("https://b.example/"));

    auto all = store.list_scans();
    REQUIRE(all.ok());
    REQUIRE(all->size() == 2);
    CHECK((*all)[0].info.id == second);
    CHECK((*all)[0].info.status == ScanStatus::running);
    const ScanListEntry& entry = (*all)[1];
    CHECK(entry.info.targets == std::vector<std::string>{"https://a.example/"});
    CHECK(entry.info.status == ScanStatus::complete);
    CHECK(entry.pages == 1);
    CHECK(entry.vendors == 1);
    CHECK(entry.findings_by_severity == std::map<std::string, int>{{"high", 1}, {"medium", 2}});

    auto filtered = store.list_scans("b.example");
    REQUIRE(filtered.ok());
    REQUIRE(filtered->size() == 1);
    CHECK(filtered->front().info.id == second);
  }
}

TEST_CASE("a stored scan's walks read what each part asks for, each page once", "[postgresql]") {
  TempDir dir;
  for (const std::string& location : tw::test::store_locations(dir)) {
    INFO(location);
    ScanStore store = open_store(location);
    auto id = *store.begin_scan(scan_info("https://w.example/"));
    std::vector<PageAnalysis> pages;
    for (int i = 0; i < 40; ++i) {  // more than a read-ahead batch
      PageAnalysis page = make_page("https://w.example/p" + std::to_string(i),
                                    {"static.hotjar.com", "www.google-analytics.com"});
      page.title = "page " + std::to_string(i);
      page.notes = {"note " + std::to_string(i)};
      page.page.headers = {{"etag", "\"v" + std::to_string(i) + "\""}};
      page.page.redirect_chain = {"https://w.example/old" + std::to_string(i)};
      page.page.content_hash = "hash-" + std::to_string(i);
      page.findings = {make_finding("TW100", Severity::high, "fp-" + std::to_string(i))};
      pages.push_back(std::move(page));
    }
    REQUIRE(store.add_pages(id, pages).ok());
    ScanInfo done = scan_info("https://w.example/");
    done.status = ScanStatus::complete;
    REQUIRE(store.finish_scan(id, done, {}, {}).ok());
    auto report = store.stream_scan(id);
    REQUIRE(report.ok());

    for (PageParts parts :
         {PageParts::all, PageParts::listing, PageParts::counts, PageParts::findings}) {
      INFO(static_cast<int>(parts));
      int seen = 0;
      std::set<std::string> urls;
      REQUIRE(report->page_stream
                  ->walk(
                      [&](const PageAnalysis& page) {
                        ++seen;
                        const std::string url = page.page.requested_url;
                        const std::string n = url.substr(url.find("/p") + 2);
                        CHECK(urls.insert(url).second);
                        const bool findings = parts != PageParts::listing;
                        CHECK(page.findings.size() == (findings ? 1u : 0u));
                        CHECK(page.page.headers.size() == (parts == PageParts::all ? 1u : 0u));
                        if (parts == PageParts::counts || parts == PageParts::findings) {
                          CHECK(page.tags.empty());
                          CHECK(page.unread_tags == (parts == PageParts::counts ? 2 : 0));
                          return true;
                        }
                        CHECK(page.title == "page " + n);
                        CHECK(page.notes == std::vector<std::string>{"note " + n});
                        CHECK(page.page.redirect_chain ==
                              std::vector<std::string>{"https://w.example/old" + n});
                        REQUIRE(page.tags.size() == 2);
                        CHECK(page.tags[1].host == "www.google-analytics.com");
                        return true;
                      },
                      parts)
                  .ok());
      CHECK(seen == 40);
    }
    // A visitor that stops early ends the walk there.
    int visited = 0;
    REQUIRE(report->page_stream
                ->walk([&](const PageAnalysis&) { return ++visited < 5; }, PageParts::listing)
                .ok());
    CHECK(visited == 5);
  }
}

TEST_CASE("latest and previous complete scans are found per target", "[postgresql]") {
  TempDir dir;
  for (const std::string& location : tw::test::store_locations(dir)) {
    INFO(location);
    ScanStore store = open_store(location);
    auto finish = [&](std::int64_t id, ScanStatus status) {
      ScanInfo info = scan_info("x");
      info.status = status;
      REQUIRE(store.finish_scan(id, info, {}, {}).ok());
    };
    auto a1 = *store.begin_scan(scan_info("https://a.example/"));
    finish(a1, ScanStatus::complete);
    auto b1 = *store.begin_scan(scan_info("https://b.example/"));
    finish(b1, ScanStatus::complete);
    auto a2 = *store.begin_scan(scan_info("https://a.example/"));
    finish(a2, ScanStatus::partial);
    auto a3 = *store.begin_scan(scan_info("https://a.example/"));
    finish(a3, ScanStatus::complete);

    CHECK(*store.latest_scan_id() == a3);
    CHECK(*store.latest_scan_id("b.example") == b1);
    CHECK(*store.previous_complete_scan_id(a3) == a1);
    CHECK_FALSE(store.previous_complete_scan_id(a1).ok());
    CHECK_FALSE(store.latest_scan_id("c.example").ok());
  }
}

TEST_CASE("a re-scan finds the last fetch of a URL with its validators and analysis",
          "[postgresql]") {
  TempDir dir;
  for (const std::string& location : tw::test::store_locations(dir)) {
    INFO(location);
    ScanStore store = open_store(location);
    CHECK_FALSE(store.previous_page("https://a.example/").has_value());

    auto id = *store.begin_scan(scan_info("https://a.example/"));
    PageAnalysis page = make_page("https://a.example/", {"static.hotjar.com"});
    page.page.headers = {{"etag", "\"abc\""}, {"last-modified", "Tue, 24 Nov 2026 10:00:00 GMT"}};
    page.page.content_hash = "hash-1";
    page.tags[0].ids = {"1234567"};
    page.links = {"https://a.example/next"};
    page.findings = {make_finding("TW204", Severity::medium)};
    REQUIRE(store.add_pages(*&id, std::vector{page}).ok());
    // A running scan (this process is alive) is not a source for reuse yet.
    CHECK_FALSE(store.previous_page("https://a.example/").has_value());
    ScanInfo done = scan_info("https://a.example/");
    done.status = ScanStatus::partial;
    REQUIRE(store.finish_scan(id, done, {}, {}).ok());

    auto previous = store.previous_page("https://a.example/");
    REQUIRE(previous.has_value());
    CHECK(previous->etag == "\"abc\"");
    CHECK(previous->last_modified == "Tue, 24 Nov 2026 10:00:00 GMT");
    CHECK(previous->content_hash == "hash-1");

    auto analysis = store.stored_analysis(*previous, false);
    REQUIRE(analysis.has_value());
    CHECK(analysis->findings.empty());
    REQUIRE(analysis->tags.size() == 1);
    CHECK(analysis->tags[0].host == "static.hotjar.com");
    CHECK(analysis->tags[0].ids == std::vector<std::string>{"1234567"});
    CHECK(analysis->links == page.links);
    CHECK(analysis->findings.empty());
    CHECK(analysis->page.content_hash == "hash-1");
  }
}

TEST_CASE("two stores writing one database at once both succeed") {
  TempDir dir;
  std::string path = dir.path("tw.db");
  open_store(path);
  auto write_scan = [&](const std::string& site, Status* result) {
    auto store = ScanStore::open(path);
    if (!store.ok()) {
      *result = Error{store.error()};
      return;
    }
    auto id = store->begin_scan(scan_info(site));
    if (!id.ok()) {
      *result = Error{id.error()};
      return;
    }
    for (int batch = 0; batch < 20; ++batch) {
      std::vector<PageAnalysis> pages;
      for (int i = 0; i < 10; ++i) {
        pages.push_back(make_page(site + std::to_string(batch * 10 + i), {"cdn.example"}));
      }
      if (Status stored = store->add_pages(*id, pages); !stored) {
        *result = stored;
        return;
      }
    }
    ScanInfo done = scan_info(site);
    done.status = ScanStatus::complete;
    *result = store->finish_scan(*id, done, {}, {});
  };
  Status one = Ok{};
  Status two = Ok{};
  std::thread first(write_scan, "https://a.example/", &one);
  std::thread second(write_scan, "https://b.example/", &two);
  first.join();
  second.join();
  INFO((one.ok() ? "" : one.error()) << (two.ok() ? "" : two.error()));
  CHECK(one.ok());
  CHECK(two.ok());
  CHECK(raw_query(path, "SELECT count(*) FROM pages") == "400");
  CHECK(raw_query(path, "SELECT group_concat(status) FROM scans") == "complete,complete");
}

TEST_CASE("baseline states are recorded on stored findings by fingerprint", "[postgresql]") {
  TempDir dir;
  for (const std::string& location : tw::test::store_locations(dir)) {
    INFO(location);
    ScanStore store = open_store(location);
    auto id = *store.begin_scan(scan_info("https://a.example/"));
    PageAnalysis page = make_page("https://a.example/", {});
    Finding old_one = make_finding("TW100", Severity::high, "old");
    Finding new_one = make_finding("TW100", Severity::high, "new");
    page.findings = {old_one, new_one};
    REQUIRE(store.add_pages(id, std::vector{page}).ok());
    old_one.baseline_state = "existing";
    new_one.baseline_state = "new";
    REQUIRE(store.record_baseline_states(id, {&old_one, &new_one}).ok());
    auto report = store.load_scan(id);
    REQUIRE(report.ok());
    CHECK(report->pages[0].findings[0].baseline_state == "existing");
    CHECK(report->pages[0].findings[1].baseline_state == "new");
  }
}

TEST_CASE("stored tag rows of the wrong shape are skipped and text that is not JSON gives none") {
  TempDir dir;
  std::string path = dir.path("tw.db");
  ScanStore store = open_store(path);
  auto id = store.begin_scan(scan_info("https://a.example/"));
  REQUIRE(id.ok());
  std::vector<PageAnalysis> pages;
  for (int i = 0; i < 4; ++i) {
    pages.push_back(make_page("https://a.example/" + std::to_string(i), {"cdn.one.example"}));
    pages.back().title = "page " + std::to_string(i);  // a distinct analysis per page
  }
  REQUIRE(store.add_pages(*id, pages).ok());
  auto set_tags = [&](int page, const std::string& json) {
    raw_query(path, "UPDATE analyses SET tags = '" + json +
                        "' WHERE id = (SELECT analysis_id FROM pages WHERE requested_url = "
                        "'https://a.example/" +
                        std::to_string(page) + "')");
  };
  // Row one: wrong types everywhere (defaults), nested junk skipped, attributes and ids kept
  // where they are strings. Then a row with 16 fields, a row that is an object, a number.
  set_tags(0, R"([["pixel","https://x.example/p",7,"x.example",{"deep":[1,[2]]},"ads",3.5,9,)"
              R"("tag-manager","",null,{"async":"","n":1,"o":{"p":"q"},"async":"yes"},)"
              R"(["ID-1",2,["x"],"ID-2"],1,0,true,2],)"
              R"(["script","https://y.example/s","y.example","y.example","","",1,1,"parser","",)"
              R"("",{},[],0,0,0],{"a":1},42])");
  set_tags(1, R"([["script"],)");                                         // truncated: not JSON
  set_tags(2, R"({"kind":"script"})");                                    // not an array of rows
  set_tags(3, R"([[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19]])");  // 19 fields
  auto report = store.load_scan(*id);
  REQUIRE(report.ok());
  std::map<std::string, const PageAnalysis*> by_url;
  for (const PageAnalysis& page : report->pages) by_url[page.page.requested_url] = &page;
  const std::vector<Tag>& tags = by_url.at("https://a.example/0")->tags;
  REQUIRE(tags.size() == 1);
  const Tag& tag = tags[0];
  CHECK(tag.kind == TagKind::pixel);
  CHECK(tag.url == "https://x.example/p");
  CHECK(tag.host.empty());    // a number where text belongs
  CHECK(tag.vendor.empty());  // an object there
  CHECK(tag.category == "ads");
  CHECK(tag.line == 0);  // 3.5 is not a whole number
  CHECK(tag.column == 9);
  CHECK(tag.initiator == Initiator::tag_manager);
  CHECK(tag.attributes == std::map<std::string, std::string>{{"async", "yes"}});
  CHECK(tag.ids == std::vector<std::string>{"ID-1", "ID-2"});
  CHECK(tag.in_head);
  CHECK_FALSE(tag.in_noscript);
  CHECK_FALSE(tag.consent_gated);  // true is not a number
  CHECK(tag.document_write);
  CHECK(by_url.at("https://a.example/1")->tags.empty());
  CHECK(by_url.at("https://a.example/2")->tags.empty());
  CHECK(by_url.at("https://a.example/3")->tags.empty());
}

TEST_CASE("pages are walked in batches with their details, and a walk can store them again") {
  TempDir dir;
  std::string path = dir.path("tw.db");
  ScanStore store = open_store(path);
  auto id = store.begin_scan(scan_info("https://a.example/"));
  auto other = store.begin_scan(scan_info("https://b.example/"));
  REQUIRE(id.ok());
  REQUIRE(other.ok());
  std::vector<PageAnalysis> pages;
  for (int i = 0; i < 7; ++i) {
    PageAnalysis page = make_page("https://a.example/" + std::to_string(i), {"cdn.one.example"});
    page.findings.push_back(make_finding("TW100", Severity::high, "", page.page.final_url));
    page.notes.push_back("note " + std::to_string(i));
    pages.push_back(std::move(page));
  }
  REQUIRE(store.add_pages(*id, pages).ok());
  REQUIRE(
      store.add_pages(*other, std::vector{make_page("https://b.example/", {"x.example"})}).ok());

  std::vector<std::size_t> sizes;
  std::vector<std::string> seen;
  Status walked = store.for_each_page_batch(*id, 3, [&](std::vector<PageAnalysis>& batch) {
    sizes.push_back(batch.size());
    for (PageAnalysis& page : batch) {
      seen.push_back(page.page.requested_url);
      CHECK(page.tags.size() == 1);
      CHECK(page.findings.size() == 1);
      CHECK(page.notes.size() == 1);
      page.tags.push_back(make_page("x", {"fourth.party.example"}).tags[0]);
    }
    return store.add_pages(*id, batch);  // written back while walking
  });
  REQUIRE(walked.ok());
  CHECK(sizes == std::vector<std::size_t>{3, 3, 1});
  REQUIRE(seen.size() == 7);
  CHECK(seen.front() == "https://a.example/0");
  CHECK(seen.back() == "https://a.example/6");
  CHECK(raw_query(path, "SELECT count(*) FROM pages") == "8");
  CHECK(raw_query(path, "SELECT count(*) FROM tags WHERE host = 'fourth.party.example'") == "7");

  Status stopped = store.for_each_page_batch(
      *id, 3, [](std::vector<PageAnalysis>&) -> Status { return Error{"disk on fire"}; });
  REQUIRE_FALSE(stopped.ok());
  CHECK(stopped.error() == "disk on fire");
}

namespace {

// A page as a crawl of an unchanged site finds it every night: same body, tags and findings.
PageAnalysis nightly_page(int index) {
  std::string url = "https://a.example/p" + std::to_string(index);
  PageAnalysis page = make_page(url, {"www.googletagmanager.com", "static.hotjar.com"});
  page.page.content_hash = "body-" + std::to_string(index);
  page.title = "page " + std::to_string(index);
  page.links = {"https://a.example/p" + std::to_string(index + 1)};
  page.notes = {"inline script too large to read"};
  page.findings = {make_finding("TW100", Severity::high, "fp-" + std::to_string(index), url),
                   make_finding("TW406", Severity::info, "fp-info", url)};
  return page;
}

std::int64_t store_nightly_scan(ScanStore& store, const std::vector<PageAnalysis>& pages,
                                const std::vector<Finding>& site_findings = {}) {
  auto id = store.begin_scan(scan_info("https://a.example/"));
  REQUIRE(id.ok());
  REQUIRE(store.add_pages(*id, pages).ok());
  ScanInfo done = scan_info("https://a.example/");
  done.status = ScanStatus::complete;
  REQUIRE(store.finish_scan(*id, done, site_findings, {}).ok());
  return *id;
}

std::int64_t count(const std::string& path, const std::string& table) {
  return std::stoll(raw_query(path, "SELECT count(*) FROM " + table));
}

}  // namespace

TEST_CASE("an unchanged re-scan refers to the stored analyses and findings instead of copying") {
  TempDir dir;
  std::string path = dir.path("tw.db");
  ScanStore store = open_store(path);
  std::vector<PageAnalysis> pages;
  for (int i = 0; i < 20; ++i) pages.push_back(nightly_page(i));
  std::vector<Finding> site = {make_finding("TW105", Severity::low, "site-fp")};
  auto first = store_nightly_scan(store, pages, site);
  auto second = store_nightly_scan(store, pages, site);

  CHECK(count(path, "pages") == 40);
  CHECK(count(path, "analyses") == 20);
  CHECK(count(path, "finding_sets") == 21);  // one per page, one for the site findings
  auto before = store.load_scan(first);
  auto after = store.load_scan(second);
  REQUIRE(before.ok());
  REQUIRE(after.ok());
  REQUIRE(after->pages.size() == 20);
  for (std::size_t i = 0; i < after->pages.size(); ++i) {
    CHECK(after->pages[i].title == before->pages[i].title);
    CHECK(after->pages[i].tags.size() == 2);
    CHECK(after->pages[i].notes == before->pages[i].notes);
    CHECK(after->pages[i].links == before->pages[i].links);
    REQUIRE(after->pages[i].findings.size() == 2);
    CHECK(after->pages[i].findings[0].fingerprint == before->pages[i].findings[0].fingerprint);
  }
  REQUIRE(after->site_findings.size() == 1);
  CHECK(after->site_findings[0].fingerprint == "site-fp");
  // The views still read one row per finding and per tag of each scan.
  CHECK(raw_query(path, "SELECT count(*) FROM findings WHERE scan_id = " +
                            std::to_string(second)) == "41");
  CHECK(raw_query(path,
                  "SELECT count(*) FROM tags t JOIN pages p ON p.id = t.page_id "
                  "WHERE p.scan_id = " +
                      std::to_string(second)) == "40");
  CHECK(raw_query(path, "SELECT findings FROM v_scans WHERE id = " + std::to_string(second)) ==
        "41");

  // A changed page gets an analysis of its own; the others are still shared.
  pages[3].tags.pop_back();
  store_nightly_scan(store, pages, site);
  CHECK(count(path, "analyses") == 21);
}

TEST_CASE("a page stored again leaves no analysis or findings behind that nothing refers to") {
  TempDir dir;
  std::string path = dir.path("tw.db");
  ScanStore store = open_store(path);
  auto id = *store.begin_scan(scan_info("https://a.example/"));
  PageAnalysis page = nightly_page(1);
  REQUIRE(store.add_pages(id, std::vector{page}).ok());
  page.tags.push_back(make_page("x", {"derived.example"}).tags[0]);
  page.findings.push_back(make_finding("TW303", Severity::critical, "fp-new", page.page.final_url));
  REQUIRE(store.add_pages(id, std::vector{page}).ok());
  CHECK(count(path, "analyses") == 1);
  CHECK(count(path, "finding_sets") == 1);
  auto report = store.load_scan(id);
  REQUIRE(report.ok());
  CHECK(report->pages[0].tags.size() == 3);
  CHECK(report->pages[0].findings.size() == 3);
}

TEST_CASE("baseline states of one scan leave another scan's shared findings alone") {
  TempDir dir;
  ScanStore store = open_store(dir.path("tw.db"));
  std::vector<PageAnalysis> pages = {nightly_page(1)};
  auto first = store_nightly_scan(store, pages);
  auto second = store_nightly_scan(store, pages);
  Finding existing = pages[0].findings[0];
  existing.baseline_state = "existing";
  REQUIRE(store.record_baseline_states(second, {&existing}).ok());
  CHECK(store.load_scan(second)->pages[0].findings[0].baseline_state == "existing");
  CHECK(store.load_scan(first)->pages[0].findings[0].baseline_state.empty());
}

TEST_CASE("history counts findings new and fixed since the scan before of the same targets") {
  TempDir dir;
  ScanStore store = open_store(dir.path("tw.db"));
  std::vector<PageAnalysis> pages = {nightly_page(1), nightly_page(2)};
  auto first = store_nightly_scan(store, pages);
  pages[0].findings[0].fingerprint = "fp-changed";  // one fixed, one new
  pages[1].findings.push_back(make_finding("TW200", Severity::low, "fp-extra"));
  pages[1].findings.push_back(make_finding("TW201", Severity::high, "fp-muted"));
  pages[1].findings.back().suppressed = true;  // suppressed findings are not counted
  auto second = store_nightly_scan(store, pages);

  auto scans = store.list_scans();
  REQUIRE(scans.ok());
  REQUIRE(scans->size() == 2);
  const ScanListEntry& latest = (*scans)[0];
  CHECK(latest.info.id == second);
  CHECK(latest.compared_with == first);
  CHECK(latest.new_findings == 2);
  CHECK(latest.fixed_findings == 1);
  CHECK(latest.findings_by_severity ==
        std::map<std::string, int>{{"high", 2}, {"info", 2}, {"low", 1}});
  CHECK((*scans)[1].compared_with == 0);
}

TEST_CASE("the stored findings of an unchanged page come with the digests they were made under") {
  TempDir dir;
  ScanStore store = open_store(dir.path("tw.db"));
  auto id = *store.begin_scan(scan_info("https://a.example/"), "catalogue-1");
  REQUIRE(store.add_pages(id, std::vector{nightly_page(1)}).ok());
  ScanInfo done = scan_info("https://a.example/");
  done.status = ScanStatus::complete;
  done.policy_digest = "policy-1";
  REQUIRE(store.finish_scan(id, done, {}, {}).ok());
  auto previous = store.previous_page("https://a.example/p1");
  REQUIRE(previous.has_value());
  CHECK(previous->policy_digest == "policy-1");
  CHECK(previous->catalogue_digest == "catalogue-1");
  CHECK(previous->analyser_version == "0.1.0");
  auto stored = store.stored_analysis(*previous, true);
  REQUIRE(stored.has_value());
  CHECK(stored->findings.size() == 2);
  CHECK(stored->tags.size() == 2);
  REQUIRE(stored->stored_rows.has_value());
  CHECK(stored->stored_rows->finding_set_id.has_value());
}

TEST_CASE("a page reusing stored rows refers to them, and stores its own once they are gone") {
  TempDir dir;
  std::string path = dir.path("tw.db");
  ScanStore store = open_store(path);
  store_nightly_scan(store, {nightly_page(1)});
  auto previous = store.previous_page("https://a.example/p1");
  REQUIRE(previous.has_value());
  auto reused = store.stored_analysis(*previous, true);
  REQUIRE(reused.has_value());
  REQUIRE(reused->stored_rows.has_value());

  store_nightly_scan(store, {*reused});
  CHECK(count(path, "analyses") == 1);
  CHECK(count(path, "finding_sets") == 1);
  CHECK(raw_query(path, "SELECT count(DISTINCT analysis_id || '/' || finding_set_id) FROM pages") ==
        "1");

  // Rows removed since they were read (a prune): the page's own content is stored instead.
  raw_query(path,
            "PRAGMA foreign_keys = OFF; DELETE FROM pages; DELETE FROM analyses; "
            "DELETE FROM finding_sets");
  store_nightly_scan(store, {*reused});
  CHECK(count(path, "analyses") == 1);
  CHECK(count(path, "finding_sets") == 1);
  CHECK(raw_query(path, "PRAGMA foreign_key_check") == "");
  auto stored = store.stored_analysis(*store.previous_page("https://a.example/p1"), true);
  REQUIRE(stored.has_value());
  CHECK(stored->tags.size() == 2);
  CHECK(stored->findings.size() == 2);
}

TEST_CASE("prune keeps the newest scans per target, never a running one, and frees what is left") {
  TempDir dir;
  std::string path = dir.path("tw.db");
  ScanStore store = open_store(path);
  std::vector<std::int64_t> ids;
  for (int night = 0; night < 4; ++night) {
    std::vector<PageAnalysis> pages;
    for (int i = 0; i < 30; ++i) {
      pages.push_back(nightly_page(i));
      pages.back().page.content_hash += "-night-" + std::to_string(night);  // all changed
    }
    ids.push_back(store_nightly_scan(store, pages));
  }
  auto other = store.begin_scan(scan_info("https://b.example/"));  // running: never pruned
  REQUIRE(other.ok());
  REQUIRE(store.add_pages(*other, std::vector{nightly_page(0)}).ok());
  raw_query(path, "PRAGMA wal_checkpoint(TRUNCATE)");

  PruneOptions options;
  options.keep_scans = 1;
  auto outcome = store.prune(options);
  REQUIRE(outcome.ok());
  CHECK(outcome->scans_removed == 3);
  CHECK(outcome->analyses_removed == 90);
  CHECK(outcome->space_returned);
  CHECK(outcome->bytes_after < outcome->bytes_before);
  CHECK(raw_query(path, "SELECT group_concat(id) FROM scans ORDER BY id") ==
        std::to_string(ids[3]) + "," + std::to_string(*other));
  CHECK(count(path, "analyses") == 31);  // the last night's 30 and the running scan's one
  CHECK(raw_query(path, "PRAGMA integrity_check") == "ok");
  CHECK(raw_query(path, "PRAGMA foreign_key_check") == "");
  CHECK(store.load_scan(ids[3])->pages.size() == 30);

  // --keep-days: the kept scan started long ago; together with --keep-scans 1 it stays.
  raw_query(path, "UPDATE scans SET started = '2020-01-01T00:00:00Z'");
  options.keep_days = 30;
  REQUIRE(store.prune(options)->scans_removed == 0);
  options.keep_scans.reset();
  REQUIRE(store.prune(options)->scans_removed == 1);
  CHECK(raw_query(path, "SELECT group_concat(id) FROM scans") == std::to_string(*other));
  CHECK(count(path, "analyses") == 1);
}

TEST_CASE("out-of-range numbers in a stored page row are read back as safe defaults") {
  TempDir dir;
  std::string path = dir.path("tw.db");
  ScanStore store = open_store(path);
  auto id = *store.begin_scan(scan_info("https://a.example/"));
  PageAnalysis page = make_page("https://a.example/", {"cdn.cookielaw.org", "www.gtm.example"});
  page.consent_manager_index = 0;
  page.tags[0].line = 4242;
  page.findings.push_back(make_finding("TW201", Severity::medium));
  page.findings[0].line = 12345;
  page.findings[0].column = 6789;
  REQUIRE(store.add_pages(id, std::vector{page}).ok());
  ScanInfo done = scan_info("https://a.example/");
  done.status = ScanStatus::complete;
  REQUIRE(store.finish_scan(id, done, {}, {}).ok());
  // An index past the page's tags (the privacy rule indexes the tags with it), a negative size
  // and depth, a status no server sends, a line past int.
  raw_query(path,
            "UPDATE analyses SET consent_manager_index = 99, "
            "tags = replace(tags, '4242', '99999999999'); "
            "UPDATE pages SET body_bytes = -5, depth = -3, status = 70000, fetch_ms = -1; "
            "UPDATE finding_sets SET findings = "
            "replace(replace(findings, '12345', '99999999999'), '6789', '-4')");

  auto stored = store.stored_analysis(*store.previous_page("https://a.example/"), true);
  REQUIRE(stored.has_value());
  const PageAnalysis& analysis = *stored;
  REQUIRE(analysis.tags.size() == 2);
  CHECK(analysis.tags[0].line == 0);
  CHECK(analysis.consent_manager_index == -1);
  CHECK(analysis.page.body_bytes == 0);
  CHECK(analysis.page.depth == 0);
  CHECK(analysis.page.status == 0);
  CHECK(analysis.page.fetch_ms == 0);
  REQUIRE(analysis.findings.size() == 1);
  CHECK(analysis.findings[0].line == 0);
  CHECK(analysis.findings[0].column == 0);

  raw_query(path, "UPDATE analyses SET consent_manager_index = -7");
  auto loaded = store.load_scan(id);
  REQUIRE(loaded.ok());
  REQUIRE(loaded->pages.size() == 1);
  CHECK(loaded->pages[0].consent_manager_index == -1);
}

TEST_CASE("a page's first-party files and each file content's references are kept (version 6)") {
  TempDir dir;
  ScanStore store = open_store(dir.path("tw.db"));
  auto id = *store.begin_scan(scan_info("https://a.example/"));
  PageAnalysis page = make_page("https://a.example/", {"widget.intercom.io"});
  page.page.content_hash = "hash-1";
  page.tags[0].initiator = Initiator::first_party_script;
  page.tags[0].parent = "https://a.example/app.js";
  page.first_party_assets = {{"https://a.example/app.js", false},
                             {"https://a.example/site.css", true}};
  REQUIRE(store.add_pages(id, std::vector{page}).ok());
  ScanInfo done = scan_info("https://a.example/");
  done.status = ScanStatus::complete;
  REQUIRE(store.finish_scan(id, done, {}, {}).ok());
  auto analysis = store.stored_analysis(*store.previous_page("https://a.example/"), false);
  REQUIRE(analysis.has_value());
  CHECK(analysis->first_party_assets == page.first_party_assets);
  CHECK(analysis->tags[0].initiator == Initiator::first_party_script);
  CHECK(analysis->tags[0].parent == "https://a.example/app.js");

  CHECK_FALSE(store.first_party_file("digest-1").has_value());
  AssetScan scan;
  scan.references.push_back({"https://widget.intercom.io/w.js",
                             3,
                             14,
                             TagKind::inline_snippet,
                             UrlForm::built,
                             "",
                             {"abc"}});
  scan.notes.push_back("not valid UTF-8; read byte for byte");
  REQUIRE(store.add_first_party_files({{"digest-1", scan}}, "0.1.0").ok());
  // A digest stored again keeps its first row.
  REQUIRE(store.add_first_party_files({{"digest-1", AssetScan{}}}, "0.1.0").ok());
  std::optional<AssetScan> stored = store.first_party_file("digest-1");
  REQUIRE(stored.has_value());
  CHECK(stored->references == scan.references);
  CHECK(stored->notes == scan.notes);
}
