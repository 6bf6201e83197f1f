// Every page and site rule on hand-built pages (no parsing, no network): where it must fire and
// where it must not, with id, severity, page and line; plus what the engine does with the policy.
#include <catch2/catch.hpp>

#include <algorithm>

#include "policy/policy.h"
#include "policy/policy_model.h"
#include "rules/rule_catalogue.h"
#include "rules/rule_engine.h"

using tw::Finding;
using tw::PageAnalysis;
using tw::Severity;
using tw::Tag;
using tw::TagKind;

namespace {

constexpr const char* kShop = "https://www.example-shop.com";

Tag tag(TagKind kind, std::string url, std::string vendor, std::string category, int line) {
  Tag t;
  t.kind = kind;
  t.url = std::move(url);
  std::size_t start = t.url.find("://") + 3;
  t.host = t.url.substr(start, t.url.find_first_of("/?:", start) - start);
  std::size_t dot = t.host.rfind('.', t.host.rfind('.') - 1);
  t.domain = dot == std::string::npos ? t.host : t.host.substr(dot + 1);
  t.vendor = std::move(vendor);
  t.category = std::move(category);
  t.line = line;
  t.column = 5;
  return t;
}

Tag gtm(int line, std::string id = "GTM-ABC123") {
  Tag t = tag(TagKind::inline_snippet, "https://www.googletagmanager.com/gtm.js?id=" + id,
              "Google Tag Manager", "tag-manager", line);
  t.ids = {id};
  t.snippet = "gtm";
  t.initiator = tw::Initiator::inline_script;
  return t;
}

Tag consent_manager(int line) {
  Tag t = tag(TagKind::script, "https://cdn.cookielaw.org/scripttemplates/otSDKStub.js", "OneTrust",
              "consent-provider", line);
  t.attributes["async"] = "";
  return t;
}

Tag meta_pixel(int line) {
  Tag t = tag(TagKind::inline_snippet, "https://connect.facebook.net/en_US/fbevents.js",
              "Meta Pixel", "advertising", line);
  t.ids = {"123456789012345"};
  t.snippet = "meta-pixel";
  t.initiator = tw::Initiator::inline_script;
  return t;
}

PageAnalysis page(std::string path, std::vector<Tag> tags) {
  PageAnalysis analysis;
  analysis.page.requested_url = kShop + path;
  analysis.page.final_url = analysis.page.requested_url;
  analysis.page.status = 200;
  analysis.csp.header =
      "script-src 'self' https://www.googletagmanager.com https://cdn.cookielaw.org";
  analysis.tags = std::move(tags);
  for (std::size_t i = 0; i < analysis.tags.size(); ++i) {
    if (analysis.tags[i].category == "consent-provider" && analysis.consent_manager_index < 0) {
      analysis.consent_manager_index = static_cast<int>(i);
    }
  }
  return analysis;
}

tw::SanctionedStack policy(const std::string& yaml, std::string today = "2026-06-01") {
  tw::PolicyLoadOptions options;
  options.today = std::move(today);
  options.rule_ids = tw::rule_ids();
  auto loaded = tw::load_policy_text(yaml, "policy.yaml", options);
  INFO((loaded.ok() ? std::string() : loaded.error()));
  REQUIRE(loaded.ok());
  return std::move(loaded).value();
}

const tw::SanctionedStack& shop_policy() {
  static const tw::SanctionedStack stack = policy(R"(
site:
  domains: [example-shop.com]
vendors:
  - name: Google Tag Manager
    owner: web
    ids: [GTM-ABC123]
  - name: OneTrust
  - name: Meta Pixel
  - name: Google Analytics
    ids: [G-SHOP1]
  - name: Hotjar
    paths: ["/blog/**"]
required:
  - vendor: Google Tag Manager
    id: GTM-ABC123
  - vendor: OneTrust
    paths: ["/checkout/**"]
forbidden:
  - category: advertising
    paths: ["/checkout/**", "/account/**"]
    reason: no ad pixels where people pay
budgets:
  third_party_hosts_per_page: 3
  vendors_per_category: {analytics: 1}
)");
  return stack;
}

std::vector<Finding> run(PageAnalysis analysis, const tw::SanctionedStack* stack = nullptr) {
  tw::RuleContext context;
  context.catalogue = stack ? &stack->catalogue : &tw::Catalogue::builtin();
  context.policy = stack;
  tw::run_page_rules(analysis, context);
  return analysis.findings;
}

std::vector<Finding> of_rule(const std::vector<Finding>& findings, std::string_view rule) {
  std::vector<Finding> out;
  std::copy_if(findings.begin(), findings.end(), std::back_inserter(out),
               [&](const Finding& f) { return f.rule == rule; });
  return out;
}

}  // namespace

TEST_CASE("every rule id in the design has metadata") {
  for (const char* id :
       {"TW010", "TW100", "TW101", "TW102", "TW103", "TW104", "TW105", "TW106", "TW107", "TW200",
        "TW201", "TW202", "TW203", "TW204", "TW300", "TW301", "TW302", "TW303", "TW304", "TW305",
        "TW306", "TW307", "TW308", "TW400", "TW401", "TW402", "TW403", "TW404", "TW405", "TW406"}) {
    const tw::RuleInfo* rule = tw::find_rule(id);
    INFO(id);
    REQUIRE(rule != nullptr);
    CHECK_FALSE(rule->title.empty());
    CHECK_FALSE(rule->description.empty());
    CHECK_FALSE(rule->remediation.empty());
  }
}

TEST_CASE("TW100 unsanctioned vendor fires with page and line, not for sanctioned ones") {
  Tag tiktok = tag(TagKind::script, "https://analytics.tiktok.com/i18n/pixel/events.js", "TikTok",
                   "social", 31);
  auto findings = of_rule(run(page("/", {gtm(10), tiktok}), &shop_policy()), "TW100");
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].severity == Severity::medium);
  CHECK(findings[0].page == std::string(kShop) + "/");
  CHECK(findings[0].line == 31);
  CHECK(findings[0].vendor == "TikTok");
  CHECK(findings[0].host == "analytics.tiktok.com");
  CHECK(of_rule(run(page("/", {gtm(10)}), &shop_policy()), "TW100").empty());
}

TEST_CASE("TW100 vendor sanctioned on other paths only") {
  Tag hotjar = tag(TagKind::script, "https://static.hotjar.com/c/hotjar-1.js", "Hotjar",
                   "session-replay", 12);
  CHECK(of_rule(run(page("/products/x", {hotjar}), &shop_policy()), "TW100").size() == 1);
  CHECK(of_rule(run(page("/blog/post", {hotjar}), &shop_policy()), "TW100").empty());
}

TEST_CASE("without a policy no governance rule fires and nothing is unsanctioned") {
  Tag tiktok = tag(TagKind::script, "https://analytics.tiktok.com/x.js", "TikTok", "social", 3);
  auto findings =
      run(page("/", {tiktok, tag(TagKind::script, "https://x.unknown.example/a.js", "", "", 4)}));
  for (const char* id : {"TW100", "TW101", "TW102", "TW104"}) CHECK(of_rule(findings, id).empty());
  CHECK(of_rule(findings, "TW200").size() == 1);  // privacy rules need no policy
}

TEST_CASE("TW101 third-party host nobody explains") {
  Tag unknown = tag(TagKind::script, "https://cdn.mystery-tags.example/t.js", "", "", 44);
  auto findings = of_rule(run(page("/", {unknown}), &shop_policy()), "TW101");
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].severity == Severity::low);
  CHECK(findings[0].line == 44);
  Tag own = tag(TagKind::script, "https://static.example-shop.com/app.js", "", "", 2);
  CHECK(of_rule(run(page("/", {own}), &shop_policy()), "TW101").empty());
}

TEST_CASE("TW102 a second GTM container is an unsanctioned tag id") {
  auto findings =
      of_rule(run(page("/promo/", {gtm(8), gtm(20, "GTM-STRAY9")}), &shop_policy()), "TW102");
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].severity == Severity::high);
  CHECK(findings[0].line == 20);
  CHECK(findings[0].evidence == "GTM-STRAY9");
  // An id of another kind under the same host (gtag.js?id=G-...) is not compared with GTM ids.
  Tag gtag = tag(TagKind::script, "https://www.googletagmanager.com/gtag/js?id=G-SHOP1",
                 "Google Tag Manager", "tag-manager", 9);
  gtag.ids = {"G-SHOP1"};
  CHECK(of_rule(run(page("/", {gtm(8), gtag}), &shop_policy()), "TW102").empty());
}

TEST_CASE("TW104 advertising pixel on checkout is forbidden and high severity") {
  auto findings = of_rule(
      run(page("/checkout/payment.html", {consent_manager(5), meta_pixel(40)}), &shop_policy()),
      "TW104");
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].severity == Severity::high);
  CHECK(findings[0].line == 40);
  CHECK_THAT(findings[0].message, Catch::Contains("no ad pixels where people pay"));
  CHECK(of_rule(run(page("/products/", {consent_manager(5), meta_pixel(40)}), &shop_policy()),
                "TW104")
            .empty());
}

TEST_CASE("TW106 the same tag loaded twice on a page") {
  Tag direct = tag(TagKind::script, "https://www.googletagmanager.com/gtm.js?id=GTM-ABC123",
                   "Google Tag Manager", "tag-manager", 30);
  auto findings = of_rule(run(page("/", {gtm(8), direct})), "TW106");
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].line == 30);
  CHECK(findings[0].severity == Severity::low);
  Tag noscript = tag(TagKind::iframe, "https://www.googletagmanager.com/ns.html?id=GTM-ABC123",
                     "Google Tag Manager", "tag-manager", 50);
  noscript.in_noscript = true;
  CHECK(of_rule(run(page("/", {gtm(8), noscript})), "TW106").empty());
}

TEST_CASE("TW200 tracking without a consent manager, before it, and not gated by it") {
  Tag ga = tag(TagKind::script, "https://www.google-analytics.com/analytics.js", "Google Analytics",
               "analytics", 7);
  auto none = of_rule(run(page("/", {ga})), "TW200");
  REQUIRE(none.size() == 1);
  CHECK(none[0].severity == Severity::high);
  CHECK(none[0].line == 7);

  auto before = of_rule(run(page("/", {ga, consent_manager(20)})), "TW200");
  REQUIRE(before.size() == 1);
  CHECK(before[0].severity == Severity::medium);

  Tag late = ga;
  late.line = 30;
  auto ungated = of_rule(run(page("/", {consent_manager(5), late})), "TW200");
  REQUIRE(ungated.size() == 1);
  CHECK(ungated[0].severity == Severity::low);

  late.consent_gated = true;
  CHECK(of_rule(run(page("/", {consent_manager(5), late})), "TW200").empty());
  // Not a tracker: a tag manager alone needs no consent finding.
  CHECK(of_rule(run(page("/", {gtm(3)})), "TW200").empty());
}

TEST_CASE("TW201 personal data in a tag URL and in the page URL") {
  Tag pixel =
      tag(TagKind::pixel, "https://www.facebook.com/tr?id=1&ev=Lead&email=jo%40mail.example",
          "Facebook", "social", 77);
  auto findings = of_rule(run(page("/", {pixel})), "TW201");
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].severity == Severity::high);
  CHECK(findings[0].line == 77);
  CHECK(findings[0].evidence == "email=j***@mail.example");

  Tag clean =
      tag(TagKind::pixel, "https://www.facebook.com/tr?id=1&ev=PageView", "Facebook", "social", 77);
  CHECK(of_rule(run(page("/", {clean})), "TW201").empty());
  auto leaked = of_rule(run(page("/thanks?email=jo%40mail.example", {clean})), "TW201");
  REQUIRE(leaked.size() == 1);
  CHECK(leaked[0].line == 0);
  CHECK_THAT(leaked[0].message, Catch::Contains("page URL"));
}

TEST_CASE("TW202 advertising tracker on a sensitive page, default patterns without a policy") {
  auto findings = of_rule(run(page("/account/orders", {meta_pixel(15)})), "TW202");
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].severity == Severity::high);
  CHECK(findings[0].line == 15);
  CHECK(of_rule(run(page("/products/", {meta_pixel(15)})), "TW202").empty());
  auto custom = policy("sensitive_paths: ['/members/**']\n");
  CHECK(of_rule(run(page("/members/x", {meta_pixel(15)}), &custom), "TW202").size() == 1);
  CHECK(of_rule(run(page("/account/orders", {meta_pixel(15)}), &custom), "TW202").empty());
}

TEST_CASE("TW204 session replay: medium, info when sanctioned") {
  Tag hotjar = tag(TagKind::script, "https://static.hotjar.com/c/hotjar-1.js", "Hotjar",
                   "session-replay", 12);
  auto findings = of_rule(run(page("/", {hotjar})), "TW204");
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].severity == Severity::medium);
  auto sanctioned = of_rule(run(page("/blog/a", {hotjar}), &shop_policy()), "TW204");
  REQUIRE(sanctioned.size() == 1);
  CHECK(sanctioned[0].severity == Severity::info);
  CHECK(of_rule(run(page("/", {gtm(3)})), "TW204").empty());
}

TEST_CASE(
    "TW205 a tracker that loads or writes a cookie after reject, not a utility or a page "
    "the browser did not reject on") {
  Tag pixel = tag(TagKind::img, "https://ct.pinterest.com/v3/?event=init", "Pinterest Tag",
                  "advertising", 0);
  pixel.initiator = tw::Initiator::runtime;
  pixel.seen_statically = false;
  pixel.seen_by_browser = true;
  pixel.attributes["browser-after-reject"] = "requested https://ct.pinterest.com/v3/?event=init";
  Tag fonts =
      tag(TagKind::stylesheet, "https://fonts.googleapis.com/css2", "Google Fonts", "cdn", 4);
  fonts.attributes["browser-after-reject"] = "requested https://fonts.googleapis.com/css2";
  PageAnalysis rendered = page("/", {consent_manager(2), fonts, pixel});
  tw::BrowserVisit rejected;
  rejected.consent_state = tw::ConsentState::reject;
  rejected.consent_manager = "onetrust";
  rejected.consent_action = "rejected";
  rendered.browser.push_back(rejected);
  auto findings = of_rule(run(rendered), "TW205");
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].host == "ct.pinterest.com");
  CHECK(findings[0].severity == Severity::high);
  CHECK(findings[0].message ==
        "Pinterest Tag requested https://ct.pinterest.com/v3/?event=init after the visitor "
        "rejected consent (onetrust)");
  pixel.attributes.erase("browser-after-reject");
  CHECK(of_rule(run(page("/", {consent_manager(2), pixel})), "TW205").empty());
}

TEST_CASE(
    "TW106 and TW200's ordering leave runtime tags alone: their place in the page is unknown") {
  Tag first = meta_pixel(10);
  first.initiator = tw::Initiator::runtime;
  Tag second = first;
  CHECK(of_rule(run(page("/", {first, second})), "TW106").empty());
  auto consent = of_rule(run(page("/", {first, consent_manager(20)})), "TW200");
  CHECK(consent.empty());
}

TEST_CASE("TW300 versioned CDN script without integrity") {
  Tag jquery =
      tag(TagKind::script, "https://cdnjs.cloudflare.com/ajax/libs/jquery/3.6.0/jquery.min.js",
          "Cloudflare CDN", "cdn", 9);
  auto findings = of_rule(run(page("/", {jquery})), "TW300");
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].severity == Severity::medium);
  CHECK(findings[0].line == 9);
  jquery.attributes["integrity"] = "sha384-abc";
  CHECK(of_rule(run(page("/", {jquery})), "TW300").empty());
  // A vendor tag that changes by design is not versioned.
  Tag stripe = tag(TagKind::script, "https://js.stripe.com/v3/", "Stripe", "utility", 9);
  CHECK(of_rule(run(page("/", {stripe})), "TW300").empty());
}

TEST_CASE("TW302 plain http is high on an https page") {
  Tag old =
      tag(TagKind::script, "http://code.jquery.com/jquery-1.8.3.min.js", "jQuery CDN", "cdn", 14);
  auto findings = of_rule(run(page("/", {old})), "TW302");
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].severity == Severity::high);
  CHECK(findings[0].line == 14);
  old.url = "https://code.jquery.com/jquery-1.8.3.min.js";
  CHECK(of_rule(run(page("/", {old})), "TW302").empty());
}

TEST_CASE("TW303 polyfill.io and its sister domains are critical") {
  Tag polyfill = tag(TagKind::script, "https://cdn.polyfill.io/v3/polyfill.min.js", "", "", 11);
  auto findings = of_rule(run(page("/", {polyfill})), "TW303");
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].severity == Severity::critical);
  CHECK(findings[0].line == 11);
  CHECK_THAT(findings[0].evidence, Catch::Contains("since 2024"));
  Tag bootcss = tag(TagKind::stylesheet, "https://cdn.bootcss.com/x.css", "", "", 3);
  CHECK(of_rule(run(page("/", {bootcss})), "TW303").size() == 1);
  Tag mirror = tag(TagKind::script, "https://cdnjs.cloudflare.com/polyfill/v3/polyfill.min.js",
                   "Cloudflare CDN", "cdn", 11);
  CHECK(of_rule(run(page("/", {mirror})), "TW303").empty());
  Tag lookalike = tag(TagKind::script, "https://notpolyfill.io/x.js", "", "", 1);
  CHECK(of_rule(run(page("/", {lookalike})), "TW303").empty());
}

TEST_CASE("TW305 missing and weak CSP") {
  PageAnalysis missing = page("/", {gtm(5)});
  missing.csp = {};
  auto findings = of_rule(run(missing), "TW305");
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].severity == Severity::medium);
  CHECK(findings[0].line == 0);

  PageAnalysis weak = page("/", {gtm(5)});
  weak.csp.header = "default-src 'self'; script-src 'self' 'unsafe-inline' https:";
  auto weak_findings = of_rule(run(weak), "TW305");
  REQUIRE(weak_findings.size() == 1);
  CHECK(weak_findings[0].severity == Severity::low);

  PageAnalysis nonce = page("/", {gtm(5)});
  nonce.csp.header = "script-src 'nonce-r4nd0m' 'strict-dynamic' 'unsafe-inline' https:";
  CHECK(of_rule(run(nonce), "TW305").empty());
  CHECK(of_rule(run(page("/", {gtm(5)})), "TW305").empty());
}

TEST_CASE("TW306 CSP blocks a sanctioned tag, or allows an unsanctioned host") {
  Tag ga = tag(TagKind::script, "https://www.google-analytics.com/analytics.js", "Google Analytics",
               "analytics", 18);
  ga.attributes["async"] = "";
  auto blocked = of_rule(run(page("/", {consent_manager(3), ga}), &shop_policy()), "TW306");
  REQUIRE(blocked.size() == 1);
  CHECK(blocked[0].severity == Severity::medium);
  CHECK(blocked[0].line == 18);
  CHECK_THAT(blocked[0].evidence, Catch::Contains("script-src"));

  PageAnalysis allowed = page("/", {consent_manager(3), ga});
  allowed.csp.header += " https://*.google-analytics.com https://cdn.mystery.example";
  auto findings = of_rule(run(allowed, &shop_policy()), "TW306");
  REQUIRE(findings.size() == 1);  // the mystery host, not Google Analytics
  CHECK(findings[0].severity == Severity::low);
  CHECK(findings[0].host == "cdn.mystery.example");
  // An unsanctioned tag blocked by the CSP is the CSP doing its job.
  Tag tiktok = tag(TagKind::script, "https://analytics.tiktok.com/x.js", "TikTok", "social", 4);
  CHECK(of_rule(run(page("/", {tiktok}), &shop_policy()), "TW306").empty());
}

TEST_CASE("TW307 third-party iframe without sandbox") {
  Tag video = tag(TagKind::iframe, "https://www.youtube.com/embed/abc", "YouTube", "video", 60);
  auto findings = of_rule(run(page("/", {video})), "TW307");
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].severity == Severity::low);
  CHECK(findings[0].line == 60);
  video.attributes["sandbox"] = "allow-scripts allow-same-origin";
  CHECK(of_rule(run(page("/", {video})), "TW307").empty());
}

TEST_CASE("TW400 render-blocking script in head, and TW406 missing preconnect") {
  Tag blocking = tag(TagKind::script, "https://cdn.vendor.example/tag.js", "", "", 6);
  blocking.in_head = true;
  auto findings = run(page("/", {blocking}));
  auto render = of_rule(findings, "TW400");
  REQUIRE(render.size() == 1);
  CHECK(render[0].severity == Severity::medium);
  CHECK(render[0].line == 6);
  REQUIRE(of_rule(findings, "TW406").size() == 1);

  Tag preconnect = tag(TagKind::preconnect, "https://cdn.vendor.example", "", "", 4);
  CHECK(of_rule(run(page("/", {preconnect, blocking})), "TW406").empty());

  Tag async = blocking;
  async.attributes["async"] = "";
  CHECK(of_rule(run(page("/", {async})), "TW400").empty());
  Tag module = blocking;
  module.attributes["type"] = "module";
  CHECK(of_rule(run(page("/", {module})), "TW400").empty());
  Tag body = blocking;
  body.in_head = false;
  CHECK(of_rule(run(page("/", {body})), "TW400").empty());
}

TEST_CASE("TW401 document.write in a snippet") {
  Tag ua = tag(TagKind::inline_snippet, "https://www.google-analytics.com/urchin.js",
               "Google Analytics", "analytics", 25);
  ua.document_write = true;
  auto findings = of_rule(run(page("/", {ua})), "TW401");
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].severity == Severity::medium);
  CHECK(findings[0].line == 25);
  ua.document_write = false;
  CHECK(of_rule(run(page("/", {ua})), "TW401").empty());
}

TEST_CASE("TW402 more third-party hosts than the budget") {
  std::vector<Tag> tags;
  for (int i = 0; i < 4; ++i) {
    tags.push_back(
        tag(TagKind::img, "https://h" + std::to_string(i) + ".example/p.gif", "", "", i));
  }
  auto findings = of_rule(run(page("/", tags), &shop_policy()), "TW402");
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].severity == Severity::low);
  tags.pop_back();
  CHECK(of_rule(run(page("/", tags), &shop_policy()), "TW402").empty());
  // Default budget (20) without a policy.
  CHECK(of_rule(run(page("/", tags)), "TW402").empty());
}

TEST_CASE("severity overrides and disabled rules come from the policy") {
  auto settings = policy("rules:\n  TW400: critical\n  TW406: off\n");
  Tag blocking = tag(TagKind::script, "https://cdn.vendor.example/tag.js", "", "", 6);
  blocking.in_head = true;
  auto findings = run(page("/", {blocking}), &settings);
  REQUIRE(of_rule(findings, "TW400").size() == 1);
  CHECK(of_rule(findings, "TW400")[0].severity == Severity::critical);
  CHECK(of_rule(findings, "TW406").empty());
}

TEST_CASE("suppressions mark findings with their reason; expired ones do not") {
  auto settings = policy(
      "suppressions:\n"
      "  - rule: TW302\n    page: /legacy/**\n    reason: frozen pages\n    expires: 2026-12-31\n"
      "  - rule: TW400\n    host: '*.vendor.example'\n    reason: old deal\n"
      "    expires: 2026-01-01\n");
  Tag old = tag(TagKind::script, "http://cdn.vendor.example/tag.js", "", "", 6);
  old.in_head = true;
  auto legacy = run(page("/legacy/a.html", {old}), &settings);
  REQUIRE(of_rule(legacy, "TW302").size() == 1);
  CHECK(of_rule(legacy, "TW302")[0].suppressed);
  CHECK(of_rule(legacy, "TW302")[0].suppression_reason == "frozen pages");
  REQUIRE(of_rule(legacy, "TW400").size() == 1);
  CHECK_FALSE(of_rule(legacy, "TW400")[0].suppressed);  // expired
  auto elsewhere = run(page("/new/a.html", {old}), &settings);
  CHECK_FALSE(of_rule(elsewhere, "TW302")[0].suppressed);

  tw::RuleContext context{&settings.catalogue, &settings};
  auto site = tw::run_site_rules(tw::SiteFacts(), context);
  REQUIRE(site.size() == 1);
  CHECK(site[0].rule == "TW010");
  CHECK_THAT(site[0].message, Catch::Contains("expired on 2026-01-01"));
}

TEST_CASE("fingerprints are stable across line shifts and hosts, distinct across pages") {
  Tag old = tag(TagKind::script, "http://code.jquery.com/jquery-1.8.3.min.js", "", "", 14);
  auto first = of_rule(run(page("/a", {old})), "TW302");
  old.line = 99;
  auto shifted = of_rule(run(page("/a", {old})), "TW302");
  auto other = of_rule(run(page("/b", {old})), "TW302");
  REQUIRE(first.size() == 1);
  CHECK(first[0].fingerprint == shifted[0].fingerprint);
  CHECK(first[0].fingerprint != other[0].fingerprint);
  PageAnalysis staging = page("/a", {old});
  staging.page.final_url = "https://staging.example-shop.com/a";
  CHECK(of_rule(run(staging), "TW302")[0].fingerprint == first[0].fingerprint);
}

TEST_CASE("running the page rules twice does not duplicate findings") {
  tw::RuleContext context{&tw::Catalogue::builtin(), nullptr};
  PageAnalysis analysis = page("/", {tag(TagKind::script, "http://x.example/a.js", "", "", 1)});
  Finding other_stage;
  other_stage.rule = "TW301";
  analysis.findings.push_back(other_stage);
  tw::run_page_rules(analysis, context);
  std::size_t once = analysis.findings.size();
  tw::run_page_rules(analysis, context);
  CHECK(analysis.findings.size() == once);
  CHECK(of_rule(analysis.findings, "TW301").size() == 1);
}

TEST_CASE("failed pages get no findings") {
  // Tags that make findings on a good page (plain http, render-blocking, no CSP); a page whose
  // fetch failed keeps what an earlier stage knew but must not be judged on it.
  Tag plain_http = tag(TagKind::script, "http://cdn.example.net/lib.js", "", "", 4);
  plain_http.in_head = true;
  PageAnalysis good = page("/", {plain_http});
  REQUIRE_FALSE(run(good).empty());
  PageAnalysis failed = good;
  failed.page.error = tw::PageError::timeout;
  CHECK(run(failed).empty());

  tw::SiteFacts facts;
  facts.add_page(failed);
  tw::RuleContext context{&shop_policy().catalogue, &shop_policy()};
  CHECK(of_rule(tw::run_site_rules(facts, context), "TW103").empty());
}

TEST_CASE("TW103 required tag missing, checked across the site") {
  tw::SiteFacts facts;
  facts.add_page(page("/", {consent_manager(3), gtm(8)}));
  facts.add_page(page("/checkout/cart", {gtm(8)}));
  facts.add_page(page("/about", {consent_manager(3)}));
  tw::RuleContext context{&shop_policy().catalogue, &shop_policy()};
  auto findings = tw::run_site_rules(facts, context);
  auto missing = of_rule(findings, "TW103");
  REQUIRE(missing.size() == 2);
  CHECK(missing[0].page == std::string(kShop) + "/about");
  CHECK(missing[0].vendor == "Google Tag Manager");
  CHECK(missing[0].severity == Severity::medium);
  CHECK(missing[1].page == std::string(kShop) + "/checkout/cart");
  CHECK(missing[1].vendor == "OneTrust");
}

TEST_CASE("TW103 matches required vendors and ids ignoring case, and names a wrong id") {
  tw::SiteFacts facts;
  Tag lower_case_gtm = gtm(8, "gtm-abc123");
  lower_case_gtm.vendor = "google tag manager";
  facts.add_page(page("/", {consent_manager(3), lower_case_gtm}));
  facts.add_page(page("/other", {consent_manager(3), gtm(8, "GTM-OTHER")}));
  tw::RuleContext context{&shop_policy().catalogue, &shop_policy()};
  auto missing = of_rule(tw::run_site_rules(facts, context), "TW103");
  REQUIRE(missing.size() == 1);
  CHECK(missing[0].page == std::string(kShop) + "/other");
  CHECK_THAT(missing[0].evidence, Catch::Contains("present, but not with GTM-ABC123"));
}

TEST_CASE("TW105 more vendors in a category than the policy allows") {
  Tag ga = tag(TagKind::script, "https://www.google-analytics.com/analytics.js", "Google Analytics",
               "analytics", 7);
  Tag adobe =
      tag(TagKind::script, "https://assets.adobedtm.com/x.js", "Adobe Analytics", "analytics", 8);
  tw::RuleContext context{&shop_policy().catalogue, &shop_policy()};
  tw::SiteFacts one;
  one.add_page(page("/", {gtm(1), ga}));
  CHECK(of_rule(tw::run_site_rules(one, context), "TW105").empty());
  tw::SiteFacts two;
  two.add_page(page("/", {gtm(1), ga}));
  two.add_page(page("/b", {gtm(1), adobe}));
  auto findings = of_rule(tw::run_site_rules(two, context), "TW105");
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].page.empty());
  CHECK_THAT(findings[0].message, Catch::Contains("2 analytics vendors"));
}

TEST_CASE("vendor inventory: unreviewed without a policy, status against one") {
  tw::SiteFacts facts;
  Tag tiktok = tag(TagKind::script, "https://analytics.tiktok.com/x.js", "TikTok", "social", 4);
  facts.add_page(page("/", {gtm(1), tiktok}));
  facts.add_page(page("/b", {gtm(1)}));
  tw::RuleContext bare{&tw::Catalogue::builtin(), nullptr};
  auto unreviewed = tw::summarize_vendors(facts, bare);
  REQUIRE(unreviewed.size() == 2);
  CHECK(unreviewed[0].name == "Google Tag Manager");
  CHECK(unreviewed[0].pages == 2);
  CHECK(unreviewed[0].status == "unreviewed");
  CHECK(unreviewed[1].status == "unreviewed");
  tw::RuleContext with{&shop_policy().catalogue, &shop_policy()};
  auto judged = tw::summarize_vendors(facts, with);
  CHECK(judged[0].status == "sanctioned");
  CHECK(judged[0].owner == "web");
  CHECK(judged[0].ids == std::vector<std::string>{"GTM-ABC123"});
  CHECK(judged[1].status == "unsanctioned");
}

TEST_CASE("TW206 a cloaked tracker: high, names the CNAME chain, and the policy applies to it") {
  Tag cloaked =
      tag(TagKind::script, "https://metrics.example-shop.com/t.js", "Eulerian", "analytics", 9);
  cloaked.cloaked = true;
  cloaked.cname_chain = {"example-shop.eulerian.net"};
  auto findings = of_rule(run(page("/", {cloaked}), &shop_policy()), "TW206");
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].severity == Severity::high);
  CHECK(findings[0].line == 9);
  CHECK(findings[0].host == "metrics.example-shop.com");
  CHECK(findings[0].evidence == "CNAME metrics.example-shop.com -> example-shop.eulerian.net");
  CHECK(findings[0].message.find("cookies") != std::string::npos);
  // The host lies in the policy's own domain, but the vendor behind it is not sanctioned.
  CHECK(of_rule(run(page("/", {cloaked}), &shop_policy()), "TW100").size() == 1);
  Tag plain = cloaked;
  plain.cloaked = false;
  plain.cname_chain.clear();
  CHECK(of_rule(run(page("/", {plain})), "TW206").empty());
}
