// Inline script recognition: each snippet family with its IDs, URL literals, and IDs in URLs.
#include <catch2/catch.hpp>

#include <string>

#include "analyzers/css_urls.h"
#include "analyzers/inline_scripts.h"

namespace {

const tw::ScriptReference* family(const tw::InlineScriptFacts& facts, std::string_view name) {
  for (const auto& reference : facts.references) {
    if (reference.snippet == name) return &reference;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("each snippet family is recognised with the host it loads and its IDs") {
  struct Case {
    const char* snippet;
    const char* family;
    const char* host_part;
    std::vector<std::string> ids;
  };
  const Case cases[] = {
      {"j.src='https://www.googletagmanager.com/gtm.js?id='+i+dl;})(window,document,'script',"
       "'dataLayer','GTM-WX12YZ3');",
       "gtm",
       "googletagmanager.com/gtm.js?id=GTM-WX12YZ3",
       {"GTM-WX12YZ3"}},
      {"function gtag(){dataLayer.push(arguments);} gtag('config', 'G-AB12CD34EF'); "
       "gtag('config', 'UA-99887766-2'); gtag('event', 'conversion', {'send_to': "
       "'AW-123456789/AbCdEf'});",
       "gtag",
       "googletagmanager.com/gtag/js",
       {"G-AB12CD34EF", "UA-99887766-2", "AW-123456789"}},
      {"gtag('config', 'DC-7654321');", "gtag", "googletagmanager.com", {"DC-7654321"}},
      {"ga('create', 'UA-1234-5', 'auto');",
       "universal-analytics",
       "google-analytics.com",
       {"UA-1234-5"}},
      {"document.write('<iframe src=\"https://123.fls.doubleclick.net/activityi;src=123;ord=' + "
       "a + '\"></iframe>');",
       "floodlight",
       "fls.doubleclick.net",
       {"DC-123"}},
      {"fbq('init', '1234567890123'); fbq('track', 'PageView');",
       "meta-pixel",
       "connect.facebook.net",
       {"1234567890123"}},
      {"_linkedin_partner_id = \"765432\";", "linkedin-insight", "snap.licdn.com", {"765432"}},
      {"ttq.load('CABCDEF1234567890');",
       "tiktok-pixel",
       "analytics.tiktok.com",
       {"CABCDEF1234567890"}},
      {"pintrk('load', '2612345678901');", "pinterest-tag", "s.pinimg.com", {"2612345678901"}},
      {"twq('config','o1a2b');", "x-pixel", "static.ads-twitter.com", {"o1a2b"}},
      {"snaptr('init', 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee');",
       "snap-pixel",
       "sc-static.net",
       {"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"}},
      {"var o={ti:\"5123456\"};n.src=\"//bat.bing.com/bat.js\";",
       "microsoft-uet",
       "bat.bing.com",
       {"5123456"}},
      {"t.src=\"https://www.clarity.ms/tag/\"+i;})(window, document, \"clarity\", \"script\", "
       "\"abcd1234ef\");",
       "microsoft-clarity",
       "clarity.ms",
       {"abcd1234ef"}},
      {"h._hjSettings={hjid:1122334,hjsv:6};", "hotjar", "static.hotjar.com", {"1122334"}},
      {"hbspt.forms.create({region: \"na1\", portalId: \"445566\", formId: \"x\"});",
       "hubspot",
       "hs-scripts.com",
       {"445566"}},
      {"analytics.load(\"WriteKey1234567890\");",
       "segment",
       "cdn.segment.com",
       {"WriteKey1234567890"}},
      {"_satellite.pageBottom();", "adobe-launch", "assets.adobedtm.com", {}},
      {"a='//tags.tiqcdn.com/utag/acme/web/qa/utag.js';",
       "tealium",
       "tags.tiqcdn.com",
       {"acme/web/qa"}},
      {"var _paq=[]; var u=\"//stats.acme.example/\"; _paq.push(['setSiteId', '12']);",
       "matomo",
       "stats.acme.example",
       {"12"}},
      {"window.plausible = window.plausible || function() {}", "plausible", "plausible.io", {}},
      {"window.intercomSettings = { app_id: \"qwe123\" };",
       "intercom",
       "widget.intercom.io",
       {"qwe123"}},
      {"drift.load('abc123def456');", "drift", "js.driftt.com", {"abc123def456"}},
      {"s.src='https://static.zdassets.com/ekr/snippet.js?key="
       "01234567-89ab-cdef-0123-456789abcdef';",
       "zendesk",
       "static.zdassets.com",
       {"01234567-89ab-cdef-0123-456789abcdef"}},
      {"window.optimizely = window.optimizely || []; projectId: '98765'",
       "optimizely",
       "cdn.optimizely.com",
       {"98765"}},
      {"window._vwo_code || (function() { var account_id=654321, version=2.1;",
       "vwo",
       "visualwebsiteoptimizer.com",
       {"654321"}},
      {"s.setAttribute('data-cbid', '01234567-89ab-cdef-0123-456789abcdef'); "
       "s.src='https://consent.cookiebot.com/uc.js';",
       "cookiebot",
       "consent.cookiebot.com",
       {"01234567-89ab-cdef-0123-456789abcdef"}},
      {"s.setAttribute('data-domain-script', '01234567-89ab-cdef-0123-456789abcdef'); "
       "s.src='https://cdn.cookielaw.org/scripttemplates/otSDKStub.js';",
       "onetrust",
       "cdn.cookielaw.org",
       {"01234567-89ab-cdef-0123-456789abcdef"}},
      {"s.setAttribute('data-settings-id', 'AbC123xYz'); "
       "s.src='https://web.cmp.usercentrics.eu/ui/loader.js';",
       "usercentrics",
       "usercentrics.eu",
       {"AbC123xYz"}},
      {"var url = 'https://cmp.inmobi.com'.concat('/choice/', 'pCode123', '/', host);",
       "quantcast-choice",
       "cmp.inmobi.com",
       {"pCode123"}},
  };
  for (const Case& c : cases) {
    INFO(c.family << ": " << c.snippet);
    tw::InlineScriptFacts facts = tw::scan_inline_script(c.snippet);
    const tw::ScriptReference* found = family(facts, c.family);
    REQUIRE(found != nullptr);
    CHECK(found->url.find(c.host_part) != std::string::npos);
    CHECK(found->ids == c.ids);
  }
}

TEST_CASE("absolute and protocol-relative URLs in string literals become references") {
  tw::InlineScriptFacts facts = tw::scan_inline_script(
      "var a = 'https://widgets.example.org/w.js'; var b = \"//cdn.example.net/x.css\";\n"
      "var c = `https://tpl.example.com/${id}/x`; var d = \"https:\\/\\/json.example.com\\/a\";\n"
      "// https://comment.example.com/ is not a literal\n"
      "var e = '//' + host + '/api'; var f = 'https://' + domain; var g = 'http://nodot/x';");
  std::vector<std::string> urls;
  for (const auto& reference : facts.references) {
    CHECK(reference.snippet.empty());
    urls.push_back(reference.url);
  }
  CHECK(urls == std::vector<std::string>{"https://widgets.example.org/w.js",
                                         "//cdn.example.net/x.css", "https://tpl.example.com/",
                                         "https://json.example.com/a"});
  CHECK_FALSE(facts.document_write);
}

TEST_CASE("a URL with a key before its host is the host's, without the key") {
  tw::InlineScriptFacts facts = tw::scan_inline_script(
      "Sentry.init({dsn: \"https://5f2c1a7e9b@o450112.ingest.sentry.io/5581234\"});\n"
      "var broken = 'https://key@nodot/x'; var two = 'https://a@b@two.example.com/';");
  std::vector<std::string> urls;
  for (const auto& reference : facts.references) urls.push_back(reference.url);
  CHECK(urls == std::vector<std::string>{"https://o450112.ingest.sentry.io/5581234"});
}

TEST_CASE("a loader URL used by a family is not repeated as a bare URL") {
  tw::InlineScriptFacts facts = tw::scan_inline_script(
      "n.src=\"//bat.bing.com/bat.js\";var o={ti:\"5\"};})(window,document,\"script\","
      "\"//bat.bing.com/bat.js\",\"uetq\");");
  REQUIRE(facts.references.size() == 1);
  CHECK(facts.references[0].snippet == "microsoft-uet");
}

TEST_CASE("document.write in a snippet is reported") {
  CHECK(tw::scan_inline_script("document.write('<script src=\"https://a.example/x.js\"></scr'+"
                               "'ipt>');")
            .document_write);
  CHECK(tw::scan_inline_script("document.writeln('x')").document_write);
}

TEST_CASE("IDs are read from the resource URLs of the tag families") {
  using V = std::vector<std::string>;
  CHECK(tw::ids_from_url("https://www.googletagmanager.com/gtm.js?id=GTM-ABC123") ==
        V{"GTM-ABC123"});
  CHECK(tw::ids_from_url("https://www.googletagmanager.com/gtag/js?id=G-XYZ789&l=dl") ==
        V{"G-XYZ789"});
  CHECK(tw::ids_from_url("https://js.hs-scripts.com/4567890.js") == V{"4567890"});
  CHECK(tw::ids_from_url("https://tags.tiqcdn.com/utag/acme/main/prod/utag.js") ==
        V{"acme/main/prod"});
  CHECK(tw::ids_from_url("https://assets.adobedtm.com/launch-ENabc123.min.js") ==
        V{"launch-ENabc123"});
  CHECK(tw::ids_from_url("https://cdn.optimizely.com/js/12345.js") == V{"12345"});
  CHECK(tw::ids_from_url("https://static.hotjar.com/c/hotjar-998877.js?sv=6") == V{"998877"});
  CHECK(tw::ids_from_url("https://www.facebook.com/tr?id=5566&ev=PageView") == V{"5566"});
  CHECK(tw::ids_from_url("https://px.ads.linkedin.com/collect/?pid=4412&fmt=gif") == V{"4412"});
  CHECK(tw::ids_from_url("https://bat.bing.com/action/0?ti=187&Ver=2") == V{"187"});
  CHECK(tw::ids_from_url("https://cdn.segment.com/analytics.js/v1/KEY123abc/analytics.min.js") ==
        V{"KEY123abc"});
  CHECK(tw::ids_from_url("https://cdn.cookielaw.org/consent/01234567-89ab-cdef-0123-"
                         "456789abcdef/OtAutoBlock.js") ==
        V{"01234567-89ab-cdef-0123-456789abcdef"});
  CHECK(tw::ids_from_url("https://www.clarity.ms/tag/abc123") == V{"abc123"});
  CHECK(tw::ids_from_url("https://8675309.fls.doubleclick.net/activityi;src=8675309;type=a") ==
        V{"DC-8675309"});
  CHECK(tw::ids_from_url("https://googleads.g.doubleclick.net/pagead/viewthroughconversion/"
                         "918273645/?value=0") == V{"AW-918273645"});
  CHECK(tw::ids_from_url("https://stats.example.org/matomo.php?idsite=4&rec=1") == V{"4"});
  CHECK(tw::ids_from_url("https://cdn.example.net/lib.js?id=12").empty());
}

TEST_CASE("CSS references: @import forms and url() with and without quotes, comments skipped") {
  auto references = tw::css_references(
      "@import \"https://a.example/a.css\"; @IMPORT url(https://b.example/b.css) screen;\n"
      "/* url(https://comment.example/x.png) */ .x{background:URL( 'https://c.example/c.png' )}\n"
      ".y{background:url(https://d.example/d\\).png)} .z{mask:url(\"\")}");
  std::vector<std::string> urls;
  for (const auto& reference : references) urls.push_back(reference.url);
  CHECK(urls == std::vector<std::string>{"https://a.example/a.css", "https://b.example/b.css",
                                         "https://c.example/c.png", "https://d.example/d).png"});
}
