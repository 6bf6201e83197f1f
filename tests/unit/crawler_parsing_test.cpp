// The crawler's pure parts: robots.txt rules (RFC 9309), sitemaps, Retry-After, the HTML test,
// the body digest and the crawl scope.
#include <catch2/catch.hpp>

#include "crawler/crawl_scope.h"
#include "crawler/http_outcome.h"
#include "crawler/robots.h"
#include "crawler/sitemap.h"

using namespace tw;

TEST_CASE("robots.txt: the group naming tagwarden wins over *, longest rule wins, allow on ties") {
  RobotsRules rules = RobotsRules::parse(
      "User-agent: *\nDisallow: /\n\n"
      "User-agent: Googlebot\nUser-agent: TagWarden/1.0\n"
      "Disallow: /shop\nAllow: /shop/public\nDisallow: /*.pdf$\nAllow: /tie\nDisallow: /tie\n",
      "tagwarden");
  CHECK(rules.check("/").allowed);
  CHECK_FALSE(rules.check("/shop/cart").allowed);
  CHECK(rules.check("/shop/cart").rule == "Disallow: /shop");
  CHECK(rules.check("/shop/public/x").allowed);
  CHECK_FALSE(rules.check("/docs/a.pdf").allowed);
  CHECK(rules.check("/docs/a.pdf?x=1").allowed);  // '$' anchors the end
  CHECK(rules.check("/tie").allowed);
}

TEST_CASE("robots.txt: * applies when no group names tagwarden; empty Disallow allows all") {
  RobotsRules star = RobotsRules::parse("User-agent: *\nDisallow: /private # no\n", "tagwarden");
  CHECK_FALSE(star.check("/private/a").allowed);
  CHECK(star.check("/public").allowed);
  RobotsRules open = RobotsRules::parse("User-agent: *\nDisallow:\n", "tagwarden");
  CHECK(open.check("/anything").allowed);
  CHECK(RobotsRules::disallow_all().check("/x").allowed == false);
  CHECK(RobotsRules::disallow_all().check("/robots.txt").allowed);
}

TEST_CASE("robots.txt: percent-encoding and non-ASCII compare in one form") {
  RobotsRules rules =
      RobotsRules::parse("User-agent: *\nDisallow: /caf\xC3\xA9\nDisallow: /a%3cb\n", "tagwarden");
  CHECK_FALSE(rules.check("/caf%C3%A9/menu").allowed);
  CHECK_FALSE(rules.check("/a%3Cb").allowed);
}

TEST_CASE("robots.txt: garbage, binary bytes and CR line ends do not break parsing") {
  std::string garbage("\x00\xff\xfe:::\r\nUser-agent *\r\n", 22);
  garbage += "User-agent: *\rDisallow: /kept\r\nnonsense line\nSitemap: https://a.com/s.xml\n";
  garbage += "Disallow: " + std::string(10000, '*') + "zz\n";
  RobotsRules rules = RobotsRules::parse(garbage, "tagwarden");
  CHECK_FALSE(rules.check("/kept").allowed);
  CHECK(rules.check("/other").allowed);
  CHECK_FALSE(rules.check("/xzz").allowed);
  CHECK(rules.sitemaps() == std::vector<std::string>{"https://a.com/s.xml"});
}

TEST_CASE("sitemaps: urlset and sitemapindex, entities, CDATA, namespace prefixes") {
  SitemapContents set = parse_sitemap(
      "<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
      "<url><loc>\n https://a.com/p?x=1&amp;y=2 \n</loc></url>"
      "<url><loc><![CDATA[https://a.com/q]]></loc></url>"
      "<url><image:loc>https://a.com/img.png</image:loc></url>"
      "<url><location>https://a.com/not-a-loc</location></url></urlset>");
  CHECK_FALSE(set.is_index);
  CHECK(set.locations == std::vector<std::string>{"https://a.com/p?x=1&y=2", "https://a.com/q",
                                                  "https://a.com/img.png"});
  SitemapContents index = parse_sitemap(
      "<sitemapindex><sitemap><loc>https://a.com/s1.xml.gz</loc></sitemap></sitemapindex>");
  CHECK(index.is_index);
  CHECK(index.locations.size() == 1);
  CHECK(parse_sitemap("<urlset><url><loc>unterminated").locations.empty());
  CHECK(parse_sitemap("<loc>a</loc><loc>b</loc><loc>c</loc>", 2).locations.size() == 2);
}

TEST_CASE("gzip: corrupt data and bombs are errors, not crashes") {
  CHECK_FALSE(gunzip_capped("\x1f\x8bnot really gzip", 1000).ok());
  CHECK(is_gzip("\x1f\x8b..."));
  CHECK_FALSE(is_gzip("<urlset>"));
}

TEST_CASE("Retry-After in seconds or as an HTTP date; garbage is ignored") {
  auto now = std::chrono::system_clock::from_time_t(1445412480);  // 2015-10-21 07:28:00 UTC
  CHECK(parse_retry_after("120", now) == std::chrono::seconds(120));
  CHECK(parse_retry_after(" 0 ", now) == std::chrono::seconds(0));
  CHECK(parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now) == std::chrono::seconds(30));
  CHECK(parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now) == std::chrono::seconds(0));
  CHECK_FALSE(parse_retry_after("soon", now));
  CHECK_FALSE(parse_retry_after("", now));
  CHECK(parse_retry_after("99999999999999999999", now) >= std::chrono::seconds(1000000));
}

TEST_CASE("only text/html and XHTML are HTML; untyped bodies are sniffed") {
  CHECK(is_html_content_type("text/html"));
  CHECK(is_html_content_type("Text/HTML; charset=ISO-8859-1"));
  CHECK(is_html_content_type("application/xhtml+xml"));
  CHECK_FALSE(is_html_content_type("text/plain"));
  CHECK_FALSE(is_html_content_type("application/json"));
  CHECK(looks_like_html("\xEF\xBB\xBF  <!doctype html><p>"));
  CHECK_FALSE(looks_like_html(std::string("<\0\1", 3)));
  CHECK_FALSE(looks_like_html("%PDF-1.7"));
}

TEST_CASE("the body digest is stable, short and tells different bodies apart") {
  CHECK(body_digest("") == body_digest(""));
  CHECK(body_digest("<p>a</p>").size() == 16);
  CHECK(body_digest("<p>a</p>") == body_digest(std::string("<p>a</p>")));
  CHECK(body_digest("<p>a</p>") != body_digest("<p>b</p>"));
  CHECK(body_digest(std::string(1000, 'x')) != body_digest(std::string(1001, 'x')));
}

TEST_CASE("curl failures read as the reason a person would give") {
  CHECK(classify_curl_error(CURLE_COULDNT_RESOLVE_HOST, "Could not resolve host: x", 10, 30, 15)
            .error == PageError::dns);
  TransferFailure slow = classify_curl_error(
      CURLE_OPERATION_TIMEDOUT, "Operation too slow. Less than 1024 bytes/sec", 10, 30, 15);
  CHECK(slow.error == PageError::timeout);
  CHECK_THAT(slow.detail, Catch::Contains("15 s"));
  CHECK(classify_curl_error(CURLE_PEER_FAILED_VERIFICATION, "", 10, 30, 15).error ==
        PageError::tls);
  CHECK(classify_curl_error(CURLE_RECV_ERROR, "", 10, 30, 15).retryable);
  CHECK_FALSE(classify_curl_error(CURLE_OPERATION_TIMEDOUT, "", 10, 30, 15).retryable);
}

TEST_CASE("oversized headers and a missing status line are named and not retried") {
  // libcurl's words for a 1 MB Set-Cookie, for 400 KB of headers and for an HTTP/0.9 answer.
  TransferFailure cookie = classify_curl_error(CURLE_OUT_OF_MEMORY, "Out of memory", 10, 30, 15);
  CHECK_THAT(cookie.detail, Catch::StartsWith("a response header over libcurl's 100 KB limit"));
  CHECK_FALSE(cookie.retryable);
  TransferFailure many = classify_curl_error(
      CURLE_RECV_ERROR, "Too large response headers: 307200 > 307200", 10, 30, 15);
  CHECK(many.error == PageError::other);
  CHECK_THAT(many.detail, Catch::StartsWith("response headers too large"));
  CHECK_FALSE(many.retryable);
  TransferFailure nine = classify_curl_error(CURLE_UNSUPPORTED_PROTOCOL,
                                             "Received HTTP/0.9 when not allowed", 10, 30, 15);
  CHECK(nine.error == PageError::other);
  CHECK_THAT(nine.detail, Catch::Contains("no status line"));
  CHECK(
      classify_curl_error(CURLE_UNSUPPORTED_PROTOCOL, "Protocol \"ftp\" not supported", 10, 30, 15)
          .error == PageError::scheme);
}

TEST_CASE("scope host keeps the start hosts; scope domain takes their registrable domains") {
  CrawlOptions options;
  options.start_urls = {"https://www.shop.co.uk/"};
  options.scope = CrawlScope::host;
  auto host = CrawlScopeFilter::build(options);
  REQUIRE(host.ok());
  CHECK(host->in_scope("https://www.shop.co.uk/a"));
  CHECK(host->in_scope("http://www.shop.co.uk:8080/a"));
  CHECK_FALSE(host->in_scope("https://blog.shop.co.uk/a"));

  options.scope = CrawlScope::domain;
  options.exclude = {"/cart"};
  options.include = {"^https://"};
  auto domain = CrawlScopeFilter::build(options);
  REQUIRE(domain.ok());
  CHECK(domain->wanted("https://blog.shop.co.uk/a"));
  CHECK_FALSE(domain->wanted("https://other.co.uk/a"));
  CHECK_FALSE(domain->wanted("https://www.shop.co.uk/cart/1"));
  CHECK_FALSE(domain->wanted("http://www.shop.co.uk/a"));
  CHECK_FALSE(domain->wanted("ftp://www.shop.co.uk/a"));
}

// The scope filter of a crawl of www.shop.co.uk with these --include / --exclude patterns.
Result<CrawlScopeFilter> shop_filter(std::vector<std::string> include,
                                     std::vector<std::string> exclude) {
  CrawlOptions options;
  options.start_urls = {"https://www.shop.co.uk/"};
  options.include = std::move(include);
  options.exclude = std::move(exclude);
  return CrawlScopeFilter::build(options);
}

TEST_CASE("URL filters skip over-long URLs and give up on catastrophic backtracking") {
  auto filter = shop_filter({"(.)*x"}, {});
  REQUIRE(filter.ok());
  // std::regex recursed once per character and overflowed the stack on a 1,000,000-char <loc>.
  CHECK_FALSE(filter->wanted("https://www.shop.co.uk/" + std::string(1000000, 'a') + "x"));
  CHECK(filter->wanted("https://www.shop.co.uk/" + std::string(1000, 'a') + "x"));

  auto exclude = shop_filter({}, {"(a+)+$"});
  REQUIRE(exclude.ok());
  // Exponential for a backtracking engine: PCRE2's match limit stops it, and the URL is left out.
  CHECK_FALSE(exclude->wanted("https://www.shop.co.uk/" + std::string(40, 'a') + "!"));
  CHECK(exclude->wanted("https://www.shop.co.uk/b!"));
}

TEST_CASE("a bad --include names the flag and PCRE2's reason") {
  auto filter = shop_filter({"(unclosed"}, {});
  REQUIRE_FALSE(filter.ok());
  CHECK(filter.error().find("--include") != std::string::npos);
}

TEST_CASE("a sitemap of 1,500,000 '<' is read in one pass") {
  // Each '<' used to search to the end of the text for its '>': 103 s of a frozen crawl loop.
  std::string xml(1500000, '<');
  xml += ">";
  CHECK(parse_sitemap(xml).locations.empty());
  xml = std::string(1500000, '<') + "<urlset><url><loc>https://a.example/x</loc></url></urlset>";
  SitemapContents contents = parse_sitemap(xml);
  REQUIRE(contents.locations.size() == 1);
  CHECK(contents.locations[0] == "https://a.example/x");
  CHECK(parse_sitemap("a < b <loc> https://a.example/y </loc>").locations ==
        std::vector<std::string>{"https://a.example/y"});
}
