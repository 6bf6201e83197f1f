// The vendor catalogue: the embedded third-party-web data with tagwarden's refinements, host and
// name lookup, and the JSON shape errors a custom catalogue can have.
#include <catch2/catch.hpp>

#include <set>

#include "catalogue/catalogue.h"
#include "catalogue/embedded_data.h"

TEST_CASE("the builtin catalogue holds third-party-web's entities with known categories") {
  const tw::Catalogue& catalogue = tw::Catalogue::builtin();
  CHECK(catalogue.vendors().size() > 2000);
  std::set<std::string> sources;
  for (const tw::VendorEntry& vendor : catalogue.vendors()) {
    INFO(vendor.name);
    CHECK(tw::is_known_category(vendor.category));
    CHECK_FALSE(vendor.company.empty());
    sources.insert(vendor.source);
  }
  CHECK(sources.count("third-party-web") == 1);
  CHECK(sources.count("tagwarden") == 1);
  CHECK(sources.count("third-party-web+tagwarden") == 1);
  CHECK(tw::embedded_file("third-party-web/entities.json").find("\"MIT\"") != std::string::npos);
  CHECK(tw::embedded_file("no-such-file.json").empty());
}

TEST_CASE("hosts go to the most specific matching vendor") {
  const tw::Catalogue& catalogue = tw::Catalogue::builtin();
  auto vendor_of = [&](std::string_view host) {
    const tw::VendorEntry* vendor = catalogue.find_by_host(host);
    return vendor != nullptr ? vendor->name : std::string("(none)");
  };
  CHECK(vendor_of("bat.bing.com") == "Microsoft Advertising (UET)");
  CHECK(vendor_of("www.bing.com") == "Bing Ads");
  CHECK(vendor_of("fonts.googleapis.com") == "Google Fonts");
  CHECK(vendor_of("ajax.googleapis.com") == "Google CDN");
  CHECK(vendor_of("maps.googleapis.com") == "Google Maps");
  CHECK(vendor_of("WWW.GoogleTagManager.com.") == "Google Tag Manager");
  CHECK(vendor_of("notgoogletagmanager.com") == "(none)");
  CHECK(vendor_of("cdn.unknown-vendor.example") == "(none)");
}

TEST_CASE("tagwarden's refinements set session-replay, consent and tag-manager categories") {
  const tw::Catalogue& catalogue = tw::Catalogue::builtin();
  auto category_of = [&](std::string_view host) {
    const tw::VendorEntry* vendor = catalogue.find_by_host(host);
    return vendor != nullptr ? vendor->category : std::string("(none)");
  };
  for (const char* host : {"static.hotjar.com", "edge.fullstory.com", "cdn.mouseflow.com",
                           "www.clarity.ms", "cdn.logrocket.io", "web-sdk.smartlook.com",
                           "cdn.quantummetric.com", "t.contentsquare.net"}) {
    INFO(host);
    CHECK(category_of(host) == "session-replay");
  }
  for (const char* host : {"cdn.cookielaw.org", "consent.cookiebot.com", "app.usercentrics.eu",
                           "cmp.inmobi.com", "consent.trustarc.com", "sdk.privacy-center.org"}) {
    INFO(host);
    CHECK(category_of(host) == "consent-provider");
  }
  for (const char* host :
       {"www.googletagmanager.com", "assets.adobedtm.com", "tags.tiqcdn.com", "cdn.segment.com"}) {
    INFO(host);
    CHECK(category_of(host) == "tag-manager");
  }
  CHECK(category_of("googleads.g.doubleclick.net") == "advertising");
  CHECK(catalogue.find_by_name("Optanon") == nullptr);  // replaced by OneTrust
  CHECK(catalogue.find_by_name("onetrust")->name == "OneTrust");
}

TEST_CASE("tracking categories are the ones that follow people") {
  for (const char* category : {"analytics", "advertising", "social", "session-replay"}) {
    CHECK(tw::is_tracking_category(category));
  }
  for (const char* category : {"cdn", "consent-provider", "tag-manager", "video", "hosting"}) {
    CHECK_FALSE(tw::is_tracking_category(category));
  }
}

TEST_CASE("a vendor added with an existing name replaces it and later domains win ties") {
  tw::Catalogue catalogue;
  catalogue.add(
      {"Acme Pixel", "Acme", "advertising", "", {"acme.example", "px.shared.example"}, "x"});
  catalogue.add({"Shared CDN", "Shared", "cdn", "", {"shared.example"}, "x"});
  CHECK(catalogue.find_by_host("a.px.shared.example")->name == "Acme Pixel");
  CHECK(catalogue.find_by_host("img.shared.example")->name == "Shared CDN");
  catalogue.add({"acme pixel", "Acme Inc", "analytics", "", {"acme.example"}, "policy"});
  REQUIRE(catalogue.vendors().size() == 2);
  CHECK(catalogue.find_by_name("ACME PIXEL")->company == "Acme Inc");
  CHECK(catalogue.find_by_host("px.shared.example")->name == "Shared CDN");
  catalogue.add({"Other", "Other", "other", "", {"acme.example"}, "policy"});
  CHECK(catalogue.find_by_host("www.acme.example")->name == "Other");
  catalogue.remove("other");
  CHECK(catalogue.find_by_name("Other") == nullptr);
  CHECK(catalogue.find_by_host("www.acme.example")->name == "acme pixel");
}

TEST_CASE("closest names suggest what the user probably meant") {
  const tw::Catalogue& catalogue = tw::Catalogue::builtin();
  auto names = catalogue.closest_names("hotjr");
  REQUIRE_FALSE(names.empty());
  CHECK(names.front() == "Hotjar");
  CHECK(catalogue.closest_names("Clarity", 1) == std::vector<std::string>{"Microsoft Clarity"});
}

TEST_CASE("catalogue JSON errors name the origin and the entry") {
  auto bad_json = tw::Catalogue::from_json("{", "custom.json");
  REQUIRE_FALSE(bad_json.ok());
  CHECK(bad_json.error() == "custom.json: not valid JSON");
  auto no_vendors = tw::Catalogue::from_json("{\"entities\": []}", "custom.json");
  REQUIRE_FALSE(no_vendors.ok());
  CHECK(no_vendors.error().find("expected {\"vendors\"") != std::string::npos);
  auto bad_category = tw::Catalogue::from_json(
      R"({"vendors": [{"name": "A", "domains": ["a.example"]}, {"name": "B", "category": "ads"}]})",
      "custom.json");
  REQUIRE_FALSE(bad_category.ok());
  CHECK(bad_category.error() == "custom.json: vendors[1] (B): unknown category \"ads\"");
  auto no_name = tw::Catalogue::from_json(R"({"vendors": [{"domains": ["a.example"]}]})", "c.json");
  REQUIRE_FALSE(no_name.ok());
  CHECK(no_name.error() == "c.json: vendors[0]: missing \"name\"");
  auto ok = tw::Catalogue::from_json(
      R"({"source": "mine", "vendors": [{"name": "A", "domains": ["*.a.example"]}]})", "c.json");
  REQUIRE(ok.ok());
  CHECK(ok->find_by_host("x.a.example")->category == "other");
  CHECK(ok->find_by_host("x.a.example")->source == "mine");
}
