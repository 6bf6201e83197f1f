// The resource rules read only the facts on the tags: each fires where it must and stays quiet
// where it must not.
#include <catch2/catch.hpp>

#include "catalogue/catalogue.h"
#include "model/resource_facts.h"
#include "policy/policy.h"
#include "rules/rule_catalogue.h"
#include "rules/rule_resource_checks.h"

namespace {

tw::Tag script(const std::string& url, const std::string& host, tw::ResourceFacts facts) {
  tw::Tag tag;
  tag.kind = tw::TagKind::script;
  tag.url = url;
  tag.host = host;
  tag.line = 7;
  facts.write_to(tag);
  return tag;
}

tw::ResourceFacts fetched(std::uint64_t bytes, std::string cache_control = "max-age=600",
                          std::string encoding = "gzip") {
  tw::ResourceFacts facts;
  facts.error = "none";
  facts.status = 200;
  facts.content_type = "application/javascript";
  facts.transfer_bytes = bytes;
  facts.decoded_bytes = bytes * 3;
  facts.content_encoding = std::move(encoding);
  facts.cache_control = std::move(cache_control);
  facts.total_ms = 120;
  facts.ttfb_ms = 40;
  return facts;
}

tw::PageAnalysis page_with(std::vector<tw::Tag> tags) {
  tw::PageAnalysis page;
  page.page.requested_url = page.page.final_url = "https://shop.example.com/checkout";
  page.page.status = 200;
  page.tags = std::move(tags);
  return page;
}

std::vector<tw::Finding> of_rule(const std::vector<tw::Finding>& findings,
                                 const std::string& rule) {
  std::vector<tw::Finding> out;
  for (const auto& finding : findings) {
    if (finding.rule == rule) out.push_back(finding);
  }
  return out;
}

tw::RuleContext context() {
  return {&tw::Catalogue::builtin(), nullptr};
}

}  // namespace

TEST_CASE("resource facts survive the round trip through tag attributes") {
  tw::ResourceFacts facts = fetched(1234);
  facts.redirects = {"https://a.example.net/x", "https://b.example.net/y"};
  facts.set_cookies = {"uid; Domain=.ads.example; SameSite=None"};
  facts.libraries = {{"@angular/core", "10.0.1", "filecontent"}, {"jquery", "1.8.1", "uri"}};
  tw::Tag tag = script("https://cdn.example.net/app.js", "cdn.example.net", facts);
  auto back = tw::ResourceFacts::read_from(tag);
  REQUIRE(back);
  CHECK(back->transfer_bytes == 1234);
  CHECK(back->redirects == facts.redirects);
  CHECK(back->set_cookies == facts.set_cookies);
  REQUIRE(back->libraries.size() == 2);
  CHECK(back->libraries[0].name == "@angular/core");
  CHECK(back->libraries[0].version == "10.0.1");
  CHECK(back->libraries[1].detection == "uri");
  CHECK_FALSE(tw::ResourceFacts::read_from(tw::Tag{}));
}

TEST_CASE("third-party bytes over the budget fire once per page, counting each URL once") {
  auto big = script("https://cdn.example.net/big.js", "cdn.example.net", fetched(700'000));
  auto page = page_with(
      {big, big, script("https://x.example.org/a.js", "x.example.org", fetched(400'000))});
  auto found = of_rule(tw::run_resource_rules(page, context()), "TW403");
  REQUIRE(found.size() == 1);
  CHECK(found[0].message.find("1.1 MB") != std::string::npos);
  CHECK(found[0].message.find("2 resources") != std::string::npos);
  auto small = page_with({big, big});
  CHECK(of_rule(tw::run_resource_rules(small, context()), "TW403").empty());
}

TEST_CASE("an uncompressed or uncacheable script is reported with the reason") {
  auto plain = script("https://cdn.example.net/plain.js", "cdn.example.net",
                      fetched(50'000, "max-age=600", ""));
  auto nostore = script("https://cdn.example.net/nostore.js", "cdn.example.net",
                        fetched(50'000, "private, no-store"));
  auto fine = script("https://cdn.example.net/fine.js", "cdn.example.net", fetched(50'000));
  auto tiny =
      script("https://cdn.example.net/tiny.js", "cdn.example.net", fetched(100, "max-age=600", ""));
  auto found =
      of_rule(tw::run_resource_rules(page_with({plain, nostore, fine, tiny}), context()), "TW405");
  REQUIRE(found.size() == 2);
  CHECK(found[0].tag_url.ends_with("plain.js"));
  CHECK(found[0].message.find("uncompressed") != std::string::npos);
  CHECK(found[1].tag_url.ends_with("nostore.js"));
  CHECK(found[1].message.find("no-store") != std::string::npos);
  CHECK(found[1].line == 7);
}

TEST_CASE("a host DNS proved missing is reported once, where the stage put its reach") {
  tw::ResourceFacts first;
  first.error = "dns";
  first.dns_failed = true;
  first.host_nxdomain = true;
  first.domain_unregistered = true;
  first.error_detail = "NXDOMAIN from 127.0.0.1:53";
  first.host_pages = 3;
  first.host_references = 5;
  tw::ResourceFacts again = first;  // a second tag of the host: no reach of its own
  again.host_pages = again.host_references = 0;
  tw::ResourceFacts servfail;
  servfail.error = "dns";
  servfail.dns_failed = true;
  servfail.error_detail = "DNS SERVFAIL from 127.0.0.1:53";
  servfail.host_pages = 1;
  auto a = script("https://gone.lapsed.net/a.js", "gone.lapsed.net", first);
  auto b = script("https://gone.lapsed.net/b.js", "gone.lapsed.net", again);
  auto c = script("https://flaky.example.net/c.js", "flaky.example.net", servfail);
  auto found = of_rule(tw::run_resource_rules(page_with({a, b, c}), context()), "TW308");
  REQUIRE(found.size() == 1);
  CHECK(found[0].host == "gone.lapsed.net");
  CHECK(found[0].severity == tw::Severity::high);
  CHECK(found[0].message.find("lapsed.net is not registered") != std::string::npos);
  CHECK(found[0].evidence.find("5 references on 3 pages") != std::string::npos);
  // The same host on a later page carries no reach: nothing there.
  CHECK(of_rule(tw::run_resource_rules(page_with({b}), context()), "TW308").empty());
}

TEST_CASE("a missing host under a registered domain is a medium dead reference") {
  tw::ResourceFacts facts;
  facts.error = "dns";
  facts.host_nxdomain = true;
  facts.host_pages = facts.host_references = 1;
  auto tag = script("https://old.vendor.net/a.js", "old.vendor.net", facts);
  auto found = of_rule(tw::run_resource_rules(page_with({tag}), context()), "TW308");
  REQUIRE(found.size() == 1);
  CHECK(found[0].severity == tw::Severity::medium);
  CHECK(found[0].message.find("vendor.net is registered") != std::string::npos);
  CHECK(found[0].message.find("1 reference on 1 page") != std::string::npos);
}

TEST_CASE("a vulnerable library takes the worst advisory's severity and lists its ids") {
  auto facts = fetched(30'000);
  facts.libraries = {{"jquery", "1.8.1", "filecontent"}};
  auto old = script("https://code.jquery.com/jquery-1.8.1.min.js", "code.jquery.com", facts);
  facts.libraries = {{"jquery", "3.7.1", "filename"}};
  auto current = script("https://code.jquery.com/jquery-3.7.1.min.js", "code.jquery.com", facts);
  auto found = of_rule(tw::run_resource_rules(page_with({old, current}), context()), "TW304");
  REQUIRE(found.size() == 1);
  CHECK(found[0].severity == tw::Severity::medium);
  CHECK(found[0].message.find("CVE-2020-11023") != std::string::npos);
  CHECK(found[0].message.find("upgrade to 3.5.0 or later") != std::string::npos);
}

TEST_CASE("cookies, integrity mismatches and slow answers each name their resource") {
  auto cookie_facts = fetched(100);
  cookie_facts.set_cookies = {"_uetsid; Domain=.bing.com; Secure; SameSite=None"};
  auto cookie = script("https://bat.bing.com/bat.js", "bat.bing.com", cookie_facts);
  auto mismatch_facts = fetched(100);
  mismatch_facts.integrity = "mismatch";
  mismatch_facts.integrity_actual = "sha384-actual";
  auto mismatch = script("https://cdn.example.net/w.js", "cdn.example.net", mismatch_facts);
  mismatch.attributes["integrity"] = "sha384-pinned";
  auto slow_facts = fetched(100);
  slow_facts.total_ms = 4500;
  auto slow = script("https://slow.example.net/s.js", "slow.example.net", slow_facts);
  auto all = tw::run_resource_rules(page_with({cookie, mismatch, slow}), context());
  auto cookies = of_rule(all, "TW203");
  REQUIRE(cookies.size() == 1);
  CHECK(cookies[0].message.find("_uetsid") != std::string::npos);
  auto mismatches = of_rule(all, "TW301");
  REQUIRE(mismatches.size() == 1);
  CHECK(mismatches[0].evidence.find("sha384-pinned") != std::string::npos);
  CHECK(mismatches[0].message.find("sha384-actual") != std::string::npos);
  auto slows = of_rule(all, "TW404");
  REQUIRE(slows.size() == 1);
  CHECK(slows[0].host == "slow.example.net");
}

TEST_CASE(
    "with a browser visit, TW203 reads the cookies the browser kept for the hosts it reached") {
  auto refused_facts = fetched(100);
  refused_facts.set_cookies = {"lx=1; Path=/"};  // the fetch saw it; the browser refused it
  auto refused = script("https://cdn.lax.example/lib.js", "cdn.lax.example", refused_facts);
  auto unreached_facts = fetched(100);
  unreached_facts.set_cookies = {"far=1; Domain=.far.example"};
  auto unreached = script("https://cdn.far.example/f.js", "cdn.far.example", unreached_facts);
  tw::Tag pixel;
  pixel.kind = tw::TagKind::pixel;
  pixel.url = "https://px.ads.example/p.gif";
  pixel.host = "px.ads.example";
  pixel.initiator = tw::Initiator::runtime;
  auto page = page_with({refused, unreached, pixel});
  tw::BrowserVisit visit;
  for (const char* url : {"https://cdn.lax.example/lib.js", "https://px.ads.example/p.gif"}) {
    tw::BrowserRequest request;
    request.url = url;
    request.host = std::string(url).substr(8, std::string(url).find('/', 8) - 8);
    visit.requests.push_back(request);
  }
  tw::BrowserCookie uid;
  uid.name = "uid";
  uid.domain = ".ads.example";
  uid.third_party = true;
  uid.set_by = "https://px.ads.example/p.gif";
  uid.set_via = "response";
  tw::BrowserCookie later = uid;
  later.name = "after";
  later.after_consent = true;  // set once the visitor decided: not this rule's
  tw::BrowserCookie own = uid;
  own.name = "session";
  own.third_party = false;
  visit.cookies = {uid, later, own};
  page.browser.push_back(visit);

  auto cookies = of_rule(tw::run_resource_rules(page, context()), "TW203");
  REQUIRE(cookies.size() == 2);
  CHECK(cookies[0].host == "px.ads.example");
  CHECK(cookies[0].message.find("1 third-party cookie in headless Chromium") != std::string::npos);
  CHECK(cookies[0].message.find("uid") != std::string::npos);
  CHECK(cookies[0].evidence.find("set by https://px.ads.example/p.gif") != std::string::npos);
  CHECK(cookies[1].host == "cdn.far.example");  // the browser never reached it: the fetch stands

  page.browser[0].note = "the browser tab crashed";  // an incomplete visit proves nothing
  auto without = of_rule(tw::run_resource_rules(page, context()), "TW203");
  REQUIRE(without.size() == 2);
  CHECK(without[0].host == "cdn.lax.example");
  CHECK(without[1].host == "cdn.far.example");
}

TEST_CASE("a policy can turn a resource rule off") {
  auto policy =
      tw::load_policy_text("rules:\n  TW405:\n    enabled: false\n", "policy.yml", tw::rule_ids());
  REQUIRE(policy.ok());
  auto plain = script("https://cdn.example.net/plain.js", "cdn.example.net",
                      fetched(50'000, "max-age=600", ""));
  tw::RuleContext with_policy{&tw::Catalogue::builtin(), &policy.value()};
  CHECK(of_rule(tw::run_resource_rules(page_with({plain}), with_policy), "TW405").empty());
  CHECK_FALSE(of_rule(tw::run_resource_rules(page_with({plain}), context()), "TW405").empty());
}

TEST_CASE("the policy's budgets move the bytes and response-time thresholds") {
  auto policy = tw::load_policy_text(
      "budgets:\n  third_party_bytes_per_page: 300 kB\n  slow_response_ms: 100\n", "policy.yml",
      tw::rule_ids());
  REQUIRE(policy.ok());
  tw::RuleContext with_policy{&tw::Catalogue::builtin(), &policy.value()};
  // 400 kB in 120 ms: under the defaults (1 MB, 2000 ms), over both of the policy's budgets
  auto page = page_with({script("https://x.example.org/a.js", "x.example.org", fetched(400'000))});
  CHECK(of_rule(tw::run_resource_rules(page, context()), "TW403").empty());
  CHECK(of_rule(tw::run_resource_rules(page, context()), "TW404").empty());
  auto heavy = of_rule(tw::run_resource_rules(page, with_policy), "TW403");
  REQUIRE(heavy.size() == 1);
  CHECK(heavy[0].message.find("over the budget of 300 kB") != std::string::npos);
  auto slow = of_rule(tw::run_resource_rules(page, with_policy), "TW404");
  REQUIRE(slow.size() == 1);
  CHECK(slow[0].message.find("threshold 100 ms") != std::string::npos);
}
