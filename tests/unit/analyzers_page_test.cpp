// analyze_page behaviour beyond the accuracy corpus: first party, base href, links, title, CSP,
// consent facts, and hostile input that must never crash.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "analyzers/html_document.h"
#include "analyzers/inline_scripts.h"
#include "analyzers/page_analyzer.h"
#include "analyzers/tag_attribution.h"

namespace {

tw::PageAnalysis analyze(std::string body, std::string url = "https://www.shop.example/a/page.html",
                         std::vector<std::string> first_party = {}) {
  tw::Page page;
  page.requested_url = page.final_url = std::move(url);
  page.body = std::move(body);
  tw::AnalysisContext context;
  context.rules.catalogue = &tw::Catalogue::builtin();
  context.first_party_domains = std::move(first_party);
  return tw::analyze_page(std::move(page), context);
}

std::vector<std::string> urls(const tw::PageAnalysis& analysis) {
  std::vector<std::string> out;
  for (const tw::Tag& tag : analysis.tags) out.push_back(tag.url);
  return out;
}

std::string repeated(std::string_view unit, int times) {
  std::string out;
  out.reserve(unit.size() * static_cast<std::size_t>(times));
  for (int i = 0; i < times; ++i) out += unit;
  return out;
}

}  // namespace

TEST_CASE("only third-party references become tags") {
  auto analysis = analyze(
      "<script src=/app.js></script><script src=https://static.shop.example/x.js></script>"
      "<script src=https://cdn.partner.example/y.js></script>"
      "<script src=https://assets.shop-cdn.example/z.js></script>",
      "https://www.shop.example/", {"shop-cdn.example"});
  REQUIRE(urls(analysis) == std::vector<std::string>{"https://cdn.partner.example/y.js"});
  CHECK(analysis.tags[0].host == "cdn.partner.example");
  CHECK(analysis.tags[0].domain == "partner.example");
}

TEST_CASE("the site's other hosts are kept once each for the CNAME check, only when asked") {
  const std::string body =
      "<script src=/app.js></script>\n<script src=https://metrics.shop.example/t.js></script>\n"
      "<img src=https://metrics.shop.example/p.gif>"
      "<link rel=stylesheet href=https://static.shop.example/s.css>"
      "<a href=https://blog.shop.example/>blog</a>"
      "<script src=https://cdn.partner.example/y.js></script>";
  tw::Page page;
  page.requested_url = page.final_url = "https://www.shop.example/";
  page.body = body;
  tw::AnalysisContext context;
  context.rules.catalogue = &tw::Catalogue::builtin();
  context.keep_site_host_references = true;
  auto analysis = tw::analyze_page(std::move(page), context);
  CHECK(urls(analysis) == std::vector<std::string>{"https://cdn.partner.example/y.js"});
  const std::vector<tw::Tag>& kept = analysis.site_host_references;
  REQUIRE(kept.size() == 2);
  CHECK(kept[0].url == "https://metrics.shop.example/t.js");
  CHECK(kept[0].kind == tw::TagKind::script);
  CHECK(kept[0].line == 2);
  CHECK(kept[1].host == "static.shop.example");
  CHECK(analyze(body, "https://www.shop.example/").site_host_references.empty());
}

TEST_CASE("tags are attributed to the most specific catalogue vendor") {
  auto analysis = analyze(
      "<img src='https://bat.bing.com/action/0?ti=5' width=1 height=1>"
      "<img src='https://www.bing.com/th?id=1'>");
  REQUIRE(analysis.tags.size() == 2);
  CHECK(analysis.tags[0].vendor == "Microsoft Advertising (UET)");
  CHECK(analysis.tags[0].kind == tw::TagKind::pixel);
  CHECK(analysis.tags[0].ids == std::vector<std::string>{"5"});
  CHECK(analysis.tags[1].vendor == "Bing Ads");
  CHECK(analysis.tags[1].kind == tw::TagKind::img);
}

TEST_CASE("policy own domains count as first party and policy vendor hosts win attribution") {
  tw::SanctionedStack policy;
  policy.own_domains = {"brand-two.example"};
  policy.catalogue = tw::Catalogue::builtin();
  tw::SanctionedVendor partner;
  partner.name = "Hotjar";
  partner.hosts = {"replay.partner-proxy.example"};
  policy.vendors.push_back(partner);
  tw::AnalysisContext context;
  context.rules.catalogue = &tw::Catalogue::builtin();
  context.rules.policy = &policy;
  tw::TagAttribution attribution("https://www.shop.example/", context);
  CHECK(attribution.is_first_party("www.shop.example"));
  CHECK(attribution.is_first_party("img.brand-two.example"));
  CHECK_FALSE(attribution.is_first_party("brand-two.example.evil.example"));
  tw::Tag tag;
  tag.host = "eu.replay.partner-proxy.example";
  attribution.attribute(tag);
  CHECK(tag.vendor == "Hotjar");
  CHECK(tag.category == "session-replay");
  CHECK(tag.domain == "partner-proxy.example");
}

TEST_CASE("base href decides how relative references resolve") {
  auto analysis = analyze(
      "<head><base href='https://cdn.other.example/v2/'></head><body>"
      "<script src='lib.js'></script><a href='docs/#top'>docs</a></body>");
  CHECK(urls(analysis) == std::vector<std::string>{"https://cdn.other.example/v2/lib.js"});
  CHECK(analysis.links == std::vector<std::string>{"https://cdn.other.example/v2/docs/"});
}

TEST_CASE("links are resolved, http(s) only, without fragments, once each") {
  auto analysis = analyze(
      "<a href='/b.html#x'>1</a><a href='/b.html'>2</a><a href='mailto:a@b.example'>3</a>"
      "<a href='javascript:void(0)'>4</a><a href='ftp://files.example/'>5</a>"
      "<map><area href='https://other.example/map'></map><a href='#top'>6</a>");
  CHECK(analysis.links ==
        std::vector<std::string>{"https://www.shop.example/b.html", "https://other.example/map"});
}

TEST_CASE("title, CSP header and CSP meta are recorded") {
  tw::Page page;
  page.requested_url = page.final_url = "https://www.shop.example/";
  page.headers.push_back({"content-security-policy", "default-src 'self'"});
  page.body =
      "<title> Shop \n</title><meta http-equiv=Content-Security-Policy content=\"script-src "
      "'self'\">";
  tw::AnalysisContext context;
  context.rules.catalogue = &tw::Catalogue::builtin();
  auto analysis = tw::analyze_page(std::move(page), context);
  CHECK(analysis.title == "Shop");
  CHECK(analysis.csp.header == "default-src 'self'");
  CHECK(analysis.csp.meta == "script-src 'self'");
  CHECK(analysis.page.body.empty());
}

TEST_CASE("the consent manager index points at the first consent-provider tag") {
  auto analysis = analyze(
      "<script src='https://www.googletagmanager.com/gtm.js?id=GTM-AAAA11'></script>"
      "<script src='https://consent.cookiebot.com/uc.js' data-cbid='x'></script>"
      "<script src='https://cdn.cookielaw.org/scripttemplates/otSDKStub.js'></script>");
  REQUIRE(analysis.tags.size() == 3);
  CHECK(analysis.consent_manager_index == 1);
  CHECK(analysis.tags[1].category == "consent-provider");
  CHECK(analyze("<img src='https://a.example/x'>").consent_manager_index == -1);
}

TEST_CASE("consent markers gate tags, except the markers that mean always run") {
  auto analysis = analyze(
      "<script type=text/plain data-cookieconsent=statistics src=https://a.example/1.js></script>"
      "<script data-cookieconsent=ignore src=https://a.example/2.js></script>"
      "<script type=text/plain class='optanon-category-C0004' "
      "src=https://a.example/3.js></script>"
      "<script type=text/plain data-usercentrics='Hotjar' src=https://a.example/4.js></script>"
      "<script type=text/plain data-src=https://a.example/5.js data-category=analytics></script>");
  REQUIRE(analysis.tags.size() == 5);
  CHECK(analysis.tags[0].consent_gated);
  CHECK_FALSE(analysis.tags[1].consent_gated);
  CHECK(analysis.tags[2].consent_gated);
  CHECK(analysis.tags[2].attribute("class") == "optanon-category-C0004");
  CHECK(analysis.tags[3].consent_gated);
  CHECK(analysis.tags[4].consent_gated);
  CHECK(analysis.tags[4].url == "https://a.example/5.js");
}

TEST_CASE("script attributes that matter to the rules are kept, others are not") {
  auto analysis = analyze(
      "<script async defer type=module nonce=n1 integrity=sha384-x crossorigin=anonymous "
      "referrerpolicy=no-referrer onload='x()' src=https://a.example/m.js></script>");
  REQUIRE(analysis.tags.size() == 1);
  const tw::Tag& tag = analysis.tags[0];
  for (const char* name :
       {"async", "defer", "type", "nonce", "integrity", "crossorigin", "referrerpolicy"}) {
    CHECK(tag.has_attribute(name));
  }
  CHECK_FALSE(tag.has_attribute("onload"));
  CHECK(tag.attribute("integrity") == "sha384-x");
}

TEST_CASE("a head noscript pixel keeps its head and noscript marks although Gumbo moves it") {
  auto analysis = analyze(
      "<html><head><noscript><img src='https://px.example/p?id=1' width=1 height=1></noscript>"
      "<script src='https://cdn.example/after.js'></script></head><body>"
      "<noscript><iframe src='https://gtm.example/ns.html'></iframe></noscript>"
      "<img src='https://img.example/outside.png'></body></html>");
  REQUIRE(analysis.tags.size() == 4);
  CHECK(analysis.tags[0].kind == tw::TagKind::pixel);
  CHECK(analysis.tags[0].in_head);
  CHECK(analysis.tags[0].in_noscript);
  CHECK(analysis.tags[1].in_head);
  CHECK_FALSE(analysis.tags[1].in_noscript);
  CHECK(analysis.tags[2].in_noscript);
  CHECK_FALSE(analysis.tags[2].in_head);
  CHECK_FALSE(analysis.tags[3].in_noscript);
}

TEST_CASE("javascript: and data: URLs are skipped silently, unparsable URLs leave a note") {
  auto analysis = analyze(
      "<iframe src='javascript:alert(1)'></iframe><img src='data:image/gif;base64,R0lG'>"
      "<img src='http://[broken/x.png'>");
  CHECK(analysis.tags.empty());
  REQUIRE(analysis.notes.size() == 1);
  CHECK(analysis.notes[0].find("http://[broken/x.png") != std::string::npos);
}

TEST_CASE("invalid UTF-8 and NUL bytes do not stop extraction") {
  std::string body = "<p>\xff\xfe\xc3</p>";
  body.push_back('\0');
  body += "<script src='https://a.example/x.js'></script>\x80<img src='https://b.example/y.png'>";
  auto analysis = analyze(body);
  CHECK(urls(analysis) ==
        std::vector<std::string>{"https://a.example/x.js", "https://b.example/y.png"});
}

TEST_CASE("deeply nested markup is refused with a note instead of crashing the parser") {
  std::string body;
  for (int i = 0; i < 100000; ++i) body += "<div>";
  body += "<script src='https://a.example/x.js'></script>";
  auto analysis = analyze(body);
  CHECK(analysis.page.error == tw::PageError::unparseable);
  CHECK(analysis.page.error_detail.find("nested") != std::string::npos);
  CHECK(analysis.tags.empty());
  REQUIRE_FALSE(analysis.notes.empty());
}

TEST_CASE("a long run of unclosed formatting tags is refused before it makes the parser slow") {
  std::string body;
  for (int i = 0; i < 3000; ++i) body += "<i class=c" + std::to_string(i) + ">x";
  auto analysis = analyze(body);
  CHECK(analysis.page.error == tw::PageError::unparseable);
  CHECK(analysis.page.error_detail.find("formatting") != std::string::npos);
}

TEST_CASE("end tags the parser ignores do not hide deep nesting from the pre-scan") {
  // '<object></x>' nests 400,000 objects: Gumbo ignores '</x>', so the tree is that deep.
  for (std::string_view unit : {"<object></x>", "<div></x>", "<span></x>"}) {
    INFO(unit);
    auto analysis = analyze(repeated(unit, 400000));
    CHECK(analysis.page.error == tw::PageError::unparseable);
    CHECK(analysis.page.error_detail.find("nested more than") != std::string::npos);
  }
  CHECK(tw::refusal_reason(repeated("<span></x>", 40000)).find("nested") != std::string::npos);
}

TEST_CASE("a page whose tags would make the parser's scope checks quadratic is refused") {
  // Under the depth limit, but each unmatched end tag makes Gumbo walk 4,900 open elements.
  std::string body = repeated("<span>", 4900) + repeated("</x>", 45000);
  CHECK(tw::refusal_reason(body).find("too costly") != std::string::npos);
  CHECK(tw::refusal_reason(repeated("<span>", 4900) + repeated("</x>", 1000)).empty());
  // Found by the fuzzer: 2,600 spans and 47,000 unknown end tags, seconds of parsing.
  CHECK(tw::refusal_reason(repeated("<span>", 2600) + repeated("</x>", 47000)).find("too costly") !=
        std::string::npos);
  // A large ordinary page stays well inside the budget.
  std::string ordinary = repeated("<div>", 40) + repeated("<p><a href='/x'>link</a></p>", 100000);
  CHECK(tw::refusal_reason(ordinary).empty());
}

TEST_CASE("end tags close what they match, and what lies above it") {
  std::string body = repeated("<div><span><b>x</div>", 20000);
  CHECK(tw::refusal_reason(body).empty());
}

TEST_CASE("ordinary deep-ish pages with many implied end tags are still parsed") {
  std::string body = "<ul>";
  for (int i = 0; i < 30000; ++i) body += "<li><p>item";
  body += "</ul><script src='https://a.example/x.js'></script>";
  auto analysis = analyze(body);
  CHECK(analysis.page.error == tw::PageError::none);
  CHECK(analysis.tags.size() == 1);
}

TEST_CASE("huge attribute values are cut in the tag and noted") {
  std::string style(8 * 1024 * 1024, 'a');
  auto analysis = analyze("<iframe src='https://a.example/f' title='" + style + "' style='" +
                          style + "'></iframe>");
  REQUIRE(analysis.tags.size() == 1);
  CHECK(analysis.tags[0].attribute("style").size() == 2048);
  CHECK_FALSE(analysis.tags[0].has_attribute("title"));
  REQUIRE(analysis.notes.size() == 1);
  CHECK(analysis.notes[0].find("were cut") != std::string::npos);
}

TEST_CASE("empty and binary pages are refused as unparseable; failed fetches pass through") {
  CHECK(analyze("").page.error == tw::PageError::unparseable);
  std::string binary(2000, '\0');
  binary[0] = '\x89';
  auto refused = analyze(binary);
  CHECK(refused.page.error == tw::PageError::unparseable);
  CHECK(refused.page.error_detail.find("binary") != std::string::npos);
  CHECK(refused.page.body_bytes == 2000);

  tw::Page failed;
  failed.requested_url = "https://www.shop.example/missing";
  failed.error = tw::PageError::http_status;
  failed.body = "<script src='https://a.example/x.js'></script>";
  tw::AnalysisContext context;
  context.rules.catalogue = &tw::Catalogue::builtin();
  auto analysis = tw::analyze_page(std::move(failed), context);
  CHECK(analysis.page.error == tw::PageError::http_status);
  CHECK(analysis.tags.empty());
  CHECK(analysis.page.body.empty());
}

TEST_CASE("an inline script naming 200,000 tag IDs keeps the first hundred and says so") {
  std::string script = "<script>";
  for (int i = 0; i < 200000; ++i) script += "gtag('config','G-" + std::to_string(i) + "');";
  auto analysis = analyze(script + "</script>");
  REQUIRE_FALSE(analysis.tags.empty());
  for (const tw::Tag& tag : analysis.tags) CHECK(tag.ids.size() <= tw::kMaxIdsPerReference);
  CHECK(analysis.tags[0].ids.front() == "G-0");
  bool noted = std::any_of(analysis.notes.begin(), analysis.notes.end(), [](const std::string& n) {
    return n.find("tag IDs") != std::string::npos;
  });
  CHECK(noted);
}

TEST_CASE("an element with 100,000 attributes is refused before Gumbo compares them pairwise") {
  std::string element = "<div";
  for (int i = 0; i < 100000; ++i) element += " a" + std::to_string(i);
  auto analysis = analyze(element + "><script src='https://a.example/x.js'></script></div>");
  CHECK(analysis.page.error == tw::PageError::unparseable);
  CHECK(analysis.page.error_detail.find("attributes") != std::string::npos);
  // Quoted values may hold '>' and '<' without ending the tag or counting as attributes.
  CHECK(tw::refusal_reason("<div title='a > b <i> c' class=x data-x=\"1\">text</div>").empty());
}

TEST_CASE("pages of one template share a DOM shape; another layout has its own") {
  auto page = [](std::string main, int items) {
    std::string list;
    for (int i = 0; i < items; ++i) list += "<li><a href=/p" + std::to_string(i) + ">item</a></li>";
    return "<html><head><title>T</title></head><body><header><nav><ul>" + list +
           "</ul></nav></header>" + main + "<footer><p>(c)</p></footer></body></html>";
  };
  const std::string article = "<main><article><h1>A</h1><p>text</p></article></main>";
  tw::PageAnalysis first = analyze(page(article, 3));
  tw::PageAnalysis second =
      analyze(page("<main><article><h1>Other words</h1><p>more</p><p>and more"
                   "</p></article></main>",
                   12));
  tw::PageAnalysis listing =
      analyze(page("<main><section><table><tr><td>1</td></tr></table></section></main>", 3));
  REQUIRE(first.dom_shape.size() == 16);
  CHECK(first.dom_shape == second.dom_shape);  // text, repeats and list lengths do not count
  CHECK(listing.dom_shape != first.dom_shape);
  // Deeper than the body's great-grandchildren, and inside srcdoc documents, nothing counts.
  tw::PageAnalysis deep =
      analyze(page("<main><article><h1>A</h1><p>text <b><i>deep</i></b></p></article>"
                   "<iframe srcdoc=\"<table><tr><td>x</td></tr></table>\"></iframe></main>",
                   3));
  tw::PageAnalysis framed =
      analyze(page("<main><article><h1>A</h1><p>text</p></article><iframe></iframe></main>", 3));
  CHECK(deep.dom_shape == framed.dom_shape);
}
