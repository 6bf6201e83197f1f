// ScanStore against a real PostgreSQL server, the same API the SQLite tests use. The server comes
// from ctest's tw_postgres fixture (tests/integration/postgres_fixture.py), which writes a database
// URL to the file TAGWARDEN_TEST_POSTGRES_URL_FILE names; without it these tests check nothing.
// Every test stores its scans under targets of its own, so they share the one database.
#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "store/scan_store.h"
#include "store/sql.h"
#include "store_test_support.h"

using namespace tw;
using tw::test::make_finding;
using tw::test::make_page;

namespace {

std::optional<std::string> postgres_url() {
  const char* file = std::getenv("TAGWARDEN_TEST_POSTGRES_URL_FILE");
  if (file == nullptr) return std::nullopt;
  std::ifstream in(file);
  std::string url;
  if (!std::getline(in, url) || url.empty()) return std::nullopt;
  return url;
}

// A target no earlier run of these tests used.
std::string fresh_target(const std::string& name) {
  static const auto run = std::chrono::steady_clock::now().time_since_epoch().count();
  return "https://" + name + "-" + std::to_string(run) + ".example/";
}

ScanStore open_pg(const std::string& url) {
  auto store = ScanStore::open(url);
  INFO((store.ok() ? std::string() : store.error()));
  REQUIRE(store.ok());
  return std::move(store).value();
}

ScanInfo info_for(const std::string& target, ScanStatus status = ScanStatus::running) {
  ScanInfo info;
  info.targets = {target};
  info.started = "2026-11-25T10:00:00Z";
  info.tool_version = "0.1.0";
  info.settings = {{"max-pages", "100"}};
  info.status = status;
  return info;
}

std::vector<PageAnalysis> site_pages(const std::string& target, int count) {
  std::vector<PageAnalysis> pages;
  for (int i = 0; i < count; ++i) {
    PageAnalysis page = make_page(target + "p" + std::to_string(i), {"static.hotjar.com"});
    page.title = "page " + std::to_string(i);
    page.tags[0].vendor = "Hotjar";
    page.tags[0].ids = {"12345"};
    page.findings = {make_finding("TW204", Severity::medium, "fp-" + std::to_string(i))};
    page.page.content_hash = "hash-" + std::to_string(i);
    page.page.headers = {{"etag", "\"e" + std::to_string(i) + "\""}};
    pages.push_back(page);
  }
  pages[0].page.redirect_chain = {target + "old"};
  return pages;
}

}  // namespace

TEST_CASE("a PostgreSQL URL's password is never shown") {
  CHECK(sql::display_name("postgresql://tw:s3cret@db.example:5432/tw") ==
        "postgresql://tw:***@db.example:5432/tw");
  CHECK(sql::display_name("postgres://tw:p@ss@db/tw?sslmode=require") ==
        "postgres://tw:***@db/tw?sslmode=require");
  CHECK(sql::display_name("postgresql://db/tw?user=tw&password=s3cret&sslmode=require") ==
        "postgresql://db/tw?user=tw&password=***&sslmode=require");
  CHECK(sql::display_name("postgresql://tw@db/tw") == "postgresql://tw@db/tw");
  CHECK(sql::display_name("tw:secret@file.db") == "tw:secret@file.db");
}

TEST_CASE("PostgreSQL: a stored scan loads back, lists, and is found again", "[postgresql]") {
  auto url = postgres_url();
  if (!url) return;
  ScanStore store = open_pg(*url);
  const std::string target = fresh_target("roundtrip");
  auto first = store.begin_scan(info_for(target), "catalogue-1");
  REQUIRE(first.ok());
  REQUIRE(store.add_pages(*first, site_pages(target, 5)).ok());
  VendorSummary vendor;
  vendor.name = "Hotjar";
  vendor.hosts = {"static.hotjar.com"};
  vendor.pages = 5;
  REQUIRE(store
              .finish_scan(*first, info_for(target, ScanStatus::complete),
                           {make_finding("TW105", Severity::low, "site")}, {vendor})
              .ok());

  auto report = store.load_scan(*first);
  REQUIRE(report.ok());
  CHECK(report->scan.status == ScanStatus::complete);
  CHECK(report->scan.settings.at("max-pages") == "100");
  REQUIRE(report->pages.size() == 5);
  CHECK(report->pages[0].title == "page 0");
  CHECK(report->pages[0].page.redirect_chain == std::vector<std::string>{target + "old"});
  CHECK(report->pages[0].tags[0].ids == std::vector<std::string>{"12345"});
  CHECK(report->pages[0].findings.size() == 1);
  REQUIRE(report->site_findings.size() == 1);
  REQUIRE(report->vendors.size() == 1);
  CHECK(report->vendors[0].hosts == std::vector<std::string>{"static.hotjar.com"});

  auto streamed = store.stream_scan(*first);
  REQUIRE(streamed.ok());
  int walked = 0;
  REQUIRE(streamed->page_stream
              ->walk([&walked](const PageAnalysis&) { return ++walked > 0; }, PageParts::all)
              .ok());
  CHECK(walked == 5);

  auto listed = store.list_scans(target);
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 1);
  CHECK(listed->front().pages == 5);
  CHECK(listed->front().vendors == 1);
  CHECK(listed->front().findings_by_severity ==
        std::map<std::string, int>{{"low", 1}, {"medium", 5}});
  CHECK(*store.latest_scan_id(target, true) == *first);

  // The re-scan: the unchanged page is found with its validators and its stored rows reused.
  auto previous = store.previous_page(target + "p1");
  REQUIRE(previous.has_value());
  CHECK(previous->etag == "\"e1\"");
  CHECK(previous->catalogue_digest == "catalogue-1");
  auto stored = store.stored_analysis(*previous, true);
  REQUIRE(stored.has_value());
  REQUIRE(stored->stored_rows.has_value());
  auto second = store.begin_scan(info_for(target), "catalogue-1");
  REQUIRE(second.ok());
  Status reused = store.add_pages(*second, std::vector{*stored});
  INFO((reused.ok() ? std::string() : reused.error()));
  REQUIRE(reused.ok());
  REQUIRE(store.finish_scan(*second, info_for(target, ScanStatus::complete), {}, {}).ok());
  CHECK(*store.previous_complete_scan_id(*second) == *first);
  auto again = store.load_scan(*second);
  REQUIRE(again.ok());
  REQUIRE(again->pages.size() == 1);
  CHECK(again->pages[0].title == "page 1");
  CHECK(again->pages[0].findings.size() == 1);

  const Finding& finding = again->pages[0].findings[0];
  Finding with_state = finding;
  with_state.baseline_state = "existing";
  REQUIRE(store.record_baseline_states(*second, {&with_state}).ok());
  CHECK(store.load_scan(*second)->pages[0].findings[0].baseline_state == "existing");
  CHECK(store.load_scan(*first)->pages[1].findings[0].baseline_state != "existing");
}

TEST_CASE("PostgreSQL: runners storing the same content at once all succeed", "[postgresql]") {
  auto url = postgres_url();
  if (!url) return;
  open_pg(*url);
  const std::string shared = fresh_target("shared");
  std::vector<Status> results(4, Status{Ok{}});
  std::vector<std::string> targets;
  for (int runner = 0; runner < 4; ++runner) {
    targets.push_back(fresh_target("runner" + std::to_string(runner)));
  }
  auto run = [&](int runner) {
    auto store = ScanStore::open(*url);
    if (!store.ok()) {
      results[runner] = Error{store.error()};
      return;
    }
    auto id = store->begin_scan(info_for(targets[runner]));
    if (!id.ok()) {
      results[runner] = Error{id.error()};
      return;
    }
    // Every runner stores the same analyses and finding lists, in batches, in its own order.
    std::vector<PageAnalysis> pages = site_pages(shared, 40);
    if (runner % 2 == 1) std::reverse(pages.begin(), pages.end());
    for (std::size_t start = 0; start < pages.size(); start += 10) {
      std::span<const PageAnalysis> batch(pages.data() + start, 10);
      if (Status added = store->add_pages(*id, batch); !added) {
        results[runner] = added;
        return;
      }
    }
    results[runner] =
        store->finish_scan(*id, info_for(targets[runner], ScanStatus::complete), {}, {});
  };
  std::vector<std::thread> threads;
  for (int runner = 0; runner < 4; ++runner) threads.emplace_back(run, runner);
  for (std::thread& thread : threads) thread.join();
  ScanStore store = open_pg(*url);
  for (int runner = 0; runner < 4; ++runner) {
    INFO((results[runner].ok() ? std::string() : results[runner].error()));
    CHECK(results[runner].ok());
    auto listed = store.list_scans(targets[runner]);
    REQUIRE(listed.ok());
    REQUIRE(listed->size() == 1);
    CHECK(listed->front().pages == 40);
    CHECK(listed->front().info.status == ScanStatus::complete);
  }
}

TEST_CASE("PostgreSQL: prune keeps the newest scans of each target", "[postgresql]") {
  auto url = postgres_url();
  if (!url) return;
  ScanStore store = open_pg(*url);
  const std::string target = fresh_target("prune");
  std::vector<std::int64_t> ids;
  for (int night = 0; night < 3; ++night) {
    auto id = store.begin_scan(info_for(target));
    REQUIRE(id.ok());
    auto pages = site_pages(target, 3);
    for (auto& page : pages) page.title += " night " + std::to_string(night);
    REQUIRE(store.add_pages(*id, pages).ok());
    REQUIRE(store.finish_scan(*id, info_for(target, ScanStatus::complete), {}, {}).ok());
    ids.push_back(*id);
  }
  PruneOptions options;
  options.keep_scans = 1;
  auto pruned = store.prune(options);
  INFO((pruned.ok() ? std::string() : pruned.error()));
  REQUIRE(pruned.ok());
  CHECK(pruned->scans_removed >= 2);
  CHECK(pruned->analyses_removed >= 6);
  CHECK(pruned->bytes_after > 0);
  auto listed = store.list_scans(target);
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 1);
  CHECK(listed->front().info.id == ids.back());
  CHECK(store.load_scan(ids.back())->pages.size() == 3);
}
