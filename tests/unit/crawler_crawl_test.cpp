// The crawl loop against a real server on 127.0.0.1: scope, limits, redirects, errors, robots,
// retries, conditional requests, sitemaps and the analysis back-pressure.

#include <catch2/catch.hpp>
#include <regex>
#include <thread>

#include "crawler/crawler.h"
#include "crawler_test_server.h"
#include "model/url.h"

using namespace tw;
using tw::test::gzip;
using tw::test::html;
using tw::test::http_response;
using tw::test::Request;
using tw::test::TestServer;

namespace {

// Stands in for the analysis stage: the links are every href="..." resolved against the page.
std::vector<std::string> hrefs(const Page& page) {
  static const std::regex href("href=\"([^\"]*)\"");
  std::vector<std::string> links;
  for (std::sregex_iterator it(page.body.begin(), page.body.end(), href), end; it != end; ++it) {
    if (auto url = resolve_url(page.final_url, (*it)[1].str())) links.push_back(*url);
  }
  return links;
}

CrawlOptions options_for(const TestServer& server, std::string_view path = "/") {
  CrawlOptions options;
  options.start_urls = {server.url(path)};
  options.timeout_s = 5;
  options.connect_timeout_s = 2;
  options.low_speed_time_s = 3;
  options.max_retry_after_s = 1;
  return options;
}

// Runs a crawl, reporting each page's links at once (as a single analysis worker would).
std::vector<Page> crawl(CrawlOptions options, CrawlSummary* summary_out = nullptr) {
  Crawler crawler(std::move(options));
  std::vector<Page> pages;
  CrawlSummary summary = crawler.run([&](Page&& page) {
    if (page.error == PageError::none) {
      crawler.report_links(page.requested_url, page.depth, hrefs(page));
    }
    pages.push_back(std::move(page));
  });
  if (summary_out != nullptr) *summary_out = summary;
  return pages;
}

const Page* find(const std::vector<Page>& pages, std::string_view suffix) {
  for (const Page& page : pages) {
    if (std::string_view(page.requested_url).ends_with(suffix)) return &page;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("same-site links are crawled breadth-first, once each, with their depth") {
  TestServer server([](const Request& r) {
    if (r.path == "/") {
      return html(R"(<a href="/a">a</a><a href="/b#top">b</a><a href="b">b again</a>
                     <a href="http://elsewhere.example/x">off</a><a href="mailto:x@y">m</a>)");
    }
    if (r.path == "/a") return html(R"(<a href="/c">c</a><a href="/">home</a>)");
    if (r.path == "/b" || r.path == "/c") return html("<p>leaf</p>");
    return http_response(404, "text/plain", "no");
  });
  CrawlSummary summary;
  std::vector<Page> pages = crawl(options_for(server), &summary);
  REQUIRE(pages.size() == 4);
  CHECK(pages[0].depth == 0);
  REQUIRE(find(pages, "/c") != nullptr);
  CHECK(find(pages, "/c")->depth == 2);
  CHECK(find(pages, "/b")->depth == 1);
  CHECK(server.count("/b") == 1);
  CHECK(server.count("/") == 1);
  CHECK(summary.pages_delivered == 4);
  CHECK(summary.pages_failed == 0);
  for (const Page& page : pages) {
    CHECK(page.error == PageError::none);
    CHECK(page.content_hash.size() == 16);
    CHECK(page.fetch_ms > 0);
  }
}

TEST_CASE("max pages and max depth bound the crawl") {
  TestServer server([](const Request& r) {
    // Every page links to two deeper ones: an infinite tree.
    return html("<a href=\"" + r.path + "0/\">x</a><a href=\"" + r.path + "1/\">y</a>");
  });
  CrawlOptions by_depth = options_for(server);
  by_depth.max_depth = 2;
  CHECK(crawl(by_depth).size() == 7);  // 1 + 2 + 4

  CrawlOptions by_count = options_for(server);
  by_count.max_pages = 5;
  CrawlSummary summary;
  CHECK(crawl(by_count, &summary).size() == 5);
  CHECK(summary.queued_left > 0);
}

TEST_CASE("redirects are followed and recorded; a loop and an off-scope hop are errors") {
  TestServer server([](const Request& r) {
    if (r.path == "/") {
      return html(R"(<a href="/old">o</a><a href="/loop1">l</a><a href="/away">w</a>)");
    }
    if (r.path == "/old") return http_response(301, "", "", "Location: /older\r\n");
    if (r.path == "/older") return http_response(302, "", "", "Location: /new\r\n");
    if (r.path == "/new") return html("<p>new</p>");
    if (r.path == "/loop1") return http_response(302, "", "", "Location: /loop2\r\n");
    if (r.path == "/loop2") return http_response(302, "", "", "Location: /loop1\r\n");
    if (r.path == "/away") {
      return http_response(302, "", "", "Location: http://other.example/landing\r\n");
    }
    return http_response(404, "text/plain", "no");
  });
  std::vector<Page> pages = crawl(options_for(server));
  const Page* moved = find(pages, "/old");
  REQUIRE(moved != nullptr);
  CHECK(moved->error == PageError::none);
  CHECK(moved->status == 200);
  CHECK(moved->final_url == server.url("/new"));
  CHECK(moved->redirect_chain ==
        std::vector<std::string>{server.url("/old"), server.url("/older")});
  CHECK(moved->body == "<p>new</p>");

  const Page* loop = find(pages, "/loop1");
  REQUIRE(loop != nullptr);
  CHECK(loop->error == PageError::redirect);
  CHECK_THAT(loop->error_detail, Catch::Contains("loop"));

  const Page* away = find(pages, "/away");
  REQUIRE(away != nullptr);
  CHECK(away->error == PageError::off_scope);
  CHECK(away->final_url == "http://other.example/landing");
  CHECK(away->redirect_chain == std::vector<std::string>{server.url("/away")});
  CHECK(pages.size() == 4);
}

TEST_CASE("only HTML is delivered for analysis; other types and error answers are recorded") {
  TestServer server([](const Request& r) {
    if (r.path == "/") {
      return html(R"(<a href="/doc.pdf">p</a><a href="/missing">m</a><a href="/untyped">u</a>)");
    }
    if (r.path == "/doc.pdf") return http_response(200, "application/pdf", "%PDF-1.4 ...");
    if (r.path == "/untyped") return http_response(200, "", std::string("\x00\x01\x02", 3));
    return http_response(404, "text/html", "<p>not here</p>");
  });
  std::vector<Page> pages = crawl(options_for(server));
  REQUIRE(pages.size() == 4);
  const Page* pdf = find(pages, "/doc.pdf");
  CHECK(pdf->error == PageError::not_html);
  CHECK(pdf->body.empty());
  CHECK_THAT(pdf->error_detail, Catch::Contains("application/pdf"));
  const Page* missing = find(pages, "/missing");
  CHECK(missing->error == PageError::http_status);
  CHECK(missing->status == 404);
  CHECK_THAT(missing->error_detail, Catch::Contains("404"));
  CHECK(find(pages, "/untyped")->error == PageError::not_html);
}

TEST_CASE("a body over max page bytes is stopped and recorded as too large") {
  TestServer server([](const Request&) { return html(std::string(200000, 'x')); });
  CrawlOptions options = options_for(server);
  options.max_page_bytes = 50000;
  std::vector<Page> pages = crawl(options);
  REQUIRE(pages.size() == 1);
  CHECK(pages[0].error == PageError::too_large);
  CHECK(pages[0].body.empty());
}

TEST_CASE("a gzip bomb is stopped by the cap on decoded bytes") {
  std::string bomb = gzip(std::string(20u << 20, 'a'));  // ~20 KB on the wire
  TestServer server([&](const Request&) {
    return http_response(200, "text/html", bomb, "Content-Encoding: gzip\r\n");
  });
  CrawlOptions options = options_for(server);
  options.max_page_bytes = 1u << 20;
  std::vector<Page> pages = crawl(options);
  REQUIRE(pages.size() == 1);
  CHECK(pages[0].error == PageError::too_large);
}

TEST_CASE("robots.txt for tagwarden is fetched once and honoured, unless ignored") {
  TestServer server([](const Request& r) {
    if (r.path == "/robots.txt") {
      return http_response(
          200, "text/plain",
          "User-agent: *\nDisallow: /\n\nUser-agent: tagwarden\nDisallow: /private\n");
    }
    if (r.path == "/") return html(R"(<a href="/private/x">p</a><a href="/public">q</a>)");
    return html("<p>leaf</p>");
  });
  std::vector<Page> pages = crawl(options_for(server));
  REQUIRE(pages.size() == 3);
  const Page* blocked = find(pages, "/private/x");
  CHECK(blocked->error == PageError::robots);
  CHECK_THAT(blocked->error_detail, Catch::Contains("/private"));
  CHECK(server.count("/private/x") == 0);
  CHECK(server.count("/robots.txt") == 1);

  CrawlOptions ignoring = options_for(server);
  ignoring.respect_robots = false;
  std::vector<Page> all = crawl(ignoring);
  CHECK(find(all, "/private/x")->error == PageError::none);
}

TEST_CASE("429 and 503 are retried after Retry-After; a refused connection is a connect error") {
  std::atomic<int> calls{0};
  TestServer server([&](const Request& r) {
    if (r.path == "/robots.txt") return http_response(404, "text/plain", "none");
    if (r.path == "/") return html(R"(<a href="/busy">b</a><a href="/down">d</a>)");
    if (r.path == "/busy") {
      return ++calls < 2 ? http_response(429, "text/plain", "slow down", "Retry-After: 1\r\n")
                         : html("<p>ok now</p>");
    }
    return http_response(503, "text/plain", "down", "Retry-After: 1\r\n");
  });
  CrawlOptions options = options_for(server);
  options.max_retries = 2;
  std::vector<Page> pages = crawl(options);
  CHECK(find(pages, "/busy")->error == PageError::none);
  CHECK(server.count("/busy") == 2);
  const Page* down = find(pages, "/down");
  CHECK(down->error == PageError::http_status);
  CHECK(down->status == 503);
  CHECK(server.count("/down") == 3);

  CrawlOptions refused;
  refused.start_urls = {"http://127.0.0.1:9/"};
  refused.max_retries = 0;
  std::vector<Page> none = crawl(refused);
  REQUIRE(none.size() == 1);
  CHECK(none[0].error == PageError::connect);
  CHECK_FALSE(none[0].error_detail.empty());
}

TEST_CASE("a long Retry-After is capped by max_retry_after_s") {
  TestServer server([](const Request& r) {
    if (r.path == "/robots.txt") return http_response(404, "text/plain", "none");
    return http_response(503, "text/plain", "maintenance", "Retry-After: 100000\r\n");
  });
  CrawlOptions options = options_for(server);
  options.max_retries = 1;
  options.max_retry_after_s = 1;
  auto begin = std::chrono::steady_clock::now();
  std::vector<Page> pages = crawl(options);
  CHECK(std::chrono::steady_clock::now() - begin < std::chrono::seconds(5));
  REQUIRE(pages.size() == 1);
  CHECK(pages[0].status == 503);
  CHECK_THAT(pages[0].error_detail, Catch::Contains("Retry-After: 100000"));
  CHECK(server.count("/") == 2);
}

TEST_CASE("include and exclude patterns choose which same-site links are crawled") {
  TestServer server([](const Request& r) {
    if (r.path == "/") {
      return html(
          R"(<a href="/blog/1">b</a><a href="/shop/1">s</a><a href="/blog/drafts/2">d</a>)");
    }
    return html("<p>leaf</p>");
  });
  CrawlOptions options = options_for(server);
  options.include = {"/blog/"};
  options.exclude = {"/drafts/"};
  std::vector<Page> pages = crawl(options);
  CHECK(pages.size() == 2);
  CHECK(find(pages, "/blog/1") != nullptr);
  CHECK(server.count("/shop/1") == 0);
}

TEST_CASE("a robots.txt that keeps failing with 5xx disallows the site, as RFC 9309 says") {
  TestServer server([](const Request& r) {
    if (r.path == "/robots.txt") return http_response(500, "text/plain", "oops");
    return html("<p>home</p>");
  });
  CrawlOptions options = options_for(server);
  options.max_retries = 1;
  CrawlSummary summary;
  std::vector<Page> pages = crawl(options, &summary);
  REQUIRE(pages.size() == 1);
  CHECK(pages[0].error == PageError::robots);
  CHECK_THAT(pages[0].error_detail, Catch::Contains("500"));
  CHECK(server.count("/robots.txt") == 2);
  CHECK(server.count("/") == 0);
  CHECK(summary.notes.size() == 1);
}

TEST_CASE("a stalled answer ends at the timeout") {
  TestServer server([](const Request& r) {
    if (r.path == "/") return html(R"(<a href="/stall">s</a>)");
    std::this_thread::sleep_for(std::chrono::seconds(3));
    return html("late");
  });
  CrawlOptions options = options_for(server);
  options.timeout_s = 1;
  auto begin = std::chrono::steady_clock::now();
  std::vector<Page> pages = crawl(options);
  CHECK(std::chrono::steady_clock::now() - begin < std::chrono::seconds(3));
  REQUIRE(find(pages, "/stall") != nullptr);
  CHECK(find(pages, "/stall")->error == PageError::timeout);
}

TEST_CASE("headers, user agent, cookie and basic auth are sent") {
  TestServer server([](const Request&) { return html("<p>hi</p>"); });
  CrawlOptions options = options_for(server);
  options.headers = {"X-Env: staging"};
  options.user_agent = "tw-test/1";
  options.cookie = "session=abc";
  options.user = "ann:secret";
  crawl(options);
  std::vector<Request> requests = server.requests();
  const Request& page = requests.back();
  CHECK(page.path == "/");
  CHECK(page.headers.at("x-env") == "staging");
  CHECK(page.headers.at("user-agent") == "tw-test/1");
  CHECK(page.headers.at("cookie") == "session=abc");
  CHECK(page.headers.at("authorization") == "Basic YW5uOnNlY3JldA==");
}

TEST_CASE("stored validators make conditional requests; 304 is delivered without error") {
  TestServer server([](const Request& r) {
    if (r.headers.count("if-none-match") && r.headers.at("if-none-match") == "\"v1\"") {
      return http_response(304, "", "");
    }
    return html("<p>fresh</p>");
  });
  CrawlOptions options = options_for(server);
  options.validators = [](const std::string&) {
    return std::pair<std::string, std::string>{"\"v1\"", "Wed, 21 Oct 2015 07:28:00 GMT"};
  };
  CrawlSummary summary;
  std::vector<Page> pages = crawl(options, &summary);
  REQUIRE(pages.size() == 1);
  CHECK(pages[0].status == 304);
  CHECK(pages[0].error == PageError::none);
  CHECK(pages[0].body.empty());
  CHECK(summary.not_modified == 1);
  CHECK(server.requests().back().headers.at("if-modified-since") ==
        "Wed, 21 Oct 2015 07:28:00 GMT");
}

TEST_CASE("sitemap indexes and gzipped sitemaps seed the crawl") {
  std::string pages_xml;
  TestServer* self = nullptr;
  TestServer server([&](const Request& r) {
    std::string base = self->url("");
    if (r.path == "/robots.txt") {
      return http_response(200, "text/plain", "Sitemap: " + base + "/index.xml\n");
    }
    if (r.path == "/index.xml") {
      return http_response(
          200, "application/xml",
          "<sitemapindex><sitemap><loc>" + base + "/pages.xml.gz</loc></sitemap></sitemapindex>");
    }
    if (r.path == "/pages.xml.gz") {
      return http_response(200, "application/gzip",
                           gzip("<urlset><url><loc> " + base +
                                "/from-sitemap?a=1&amp;b=2 </loc>"
                                "</url><url><loc>http://elsewhere.example/</loc></url></urlset>"));
    }
    return html("<p>page</p>");
  });
  self = &server;
  CrawlOptions options = options_for(server);
  options.use_sitemap = true;
  CrawlSummary summary;
  std::vector<Page> pages = crawl(options, &summary);
  REQUIRE(find(pages, "/from-sitemap?a=1&b=2") != nullptr);
  CHECK(summary.sitemap_urls == 1);
  CHECK(pages.size() == 2);
}

TEST_CASE("no more than max_pending_analysis pages wait for their links") {
  TestServer server([](const Request& r) {
    if (r.path == "/") {
      std::string body;
      for (int i = 0; i < 20; ++i) body += "<a href=\"/p" + std::to_string(i) + "\">x</a>";
      return html(body);
    }
    return html("<p>leaf</p>");
  });
  CrawlOptions options = options_for(server);
  options.max_pending_analysis = 3;
  Crawler crawler(options);
  std::mutex mutex;
  std::vector<Page> waiting;
  std::size_t most_waiting = 0;
  std::atomic<bool> done{false};
  // A slow analysis worker on another thread.
  std::thread worker([&] {
    while (!done) {
      std::vector<Page> batch;
      {
        std::lock_guard lock(mutex);
        batch.swap(waiting);
      }
      for (Page& page : batch) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        crawler.report_links(page.requested_url, page.depth, hrefs(page));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  int delivered = 0;
  std::size_t outstanding = 0;
  std::atomic<int> reported{0};
  crawler.run([&](Page&& page) {
    ++delivered;
    std::lock_guard lock(mutex);
    waiting.push_back(std::move(page));
    most_waiting = std::max(most_waiting, waiting.size());
    (void)outstanding;
  });
  done = true;
  worker.join();
  CHECK(delivered == 21);
  CHECK(most_waiting <= 3);
}

TEST_CASE("per-host connection cap and delay are honoured") {
  std::atomic<int> active{0};
  std::atomic<int> most{0};
  TestServer server([&](const Request& r) {
    if (r.path == "/robots.txt") return http_response(404, "text/plain", "none");
    if (r.path == "/") {
      std::string body;
      for (int i = 0; i < 8; ++i) body += "<a href=\"/p" + std::to_string(i) + "\">x</a>";
      return html(body);
    }
    int now = ++active;
    for (int seen = most; now > seen && !most.compare_exchange_weak(seen, now);) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    --active;
    return html("<p>leaf</p>");
  });
  CrawlOptions capped = options_for(server);
  capped.per_host = 2;
  CHECK(crawl(capped).size() == 9);
  CHECK(most == 2);
  most = 0;
  capped.per_host = 8;
  CHECK(crawl(capped).size() == 9);
  CHECK(most == 8);

  CrawlOptions delayed = options_for(server);
  delayed.delay_ms = 100;
  auto begin = std::chrono::steady_clock::now();
  CHECK(crawl(delayed).size() == 9);
  // Nine page requests, each at least 100 ms after the one before.
  CHECK(std::chrono::steady_clock::now() - begin >= std::chrono::milliseconds(800));
}

TEST_CASE("request_stop ends the crawl early and says so") {
  TestServer server([](const Request& r) {
    return html("<a href=\"" + r.path + "a/\">x</a><a href=\"" + r.path + "b/\">y</a>");
  });
  Crawler crawler(options_for(server));
  int delivered = 0;
  CrawlSummary summary = crawler.run([&](Page&& page) {
    if (++delivered == 3) crawler.request_stop();
    crawler.report_links(page.requested_url, page.depth, hrefs(page));
  });
  CHECK(summary.stopped);
  CHECK(delivered < 10);
}

TEST_CASE("options are validated with messages naming the bad value") {
  CrawlOptions options;
  options.start_urls = {"http://example.com/"};
  CHECK(Crawler::validate(options).ok());

  CrawlOptions bad_regex = options;
  bad_regex.exclude = {"/cart/(unclosed"};
  Status status = Crawler::validate(bad_regex);
  REQUIRE_FALSE(status.ok());
  CHECK_THAT(status.error(), Catch::Contains("--exclude") && Catch::Contains("(unclosed"));

  CrawlOptions bad_scheme = options;
  bad_scheme.start_urls = {"ftp://example.com/"};
  CHECK_THAT(Crawler::validate(bad_scheme).error(), Catch::Contains("ftp://example.com/"));

  CrawlOptions bad_resolve = options;
  bad_resolve.resolve = {"example.com:80"};
  CHECK_THAT(Crawler::validate(bad_resolve).error(), Catch::Contains("--resolve"));
}
