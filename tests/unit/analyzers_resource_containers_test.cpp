// Opening tag-manager containers: GTM built-in templates and custom HTML, Adobe Launch custom code,
// Tealium tag files, and containers that are not what they claim.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "analyzers/resource_containers.h"

namespace {

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(TW_FIXTURES) + "/third-party/" + name, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

const tw::ContainedTag* find_source(const tw::ContainerContents& contents, std::string_view source,
                                    int nth = 0) {
  for (const auto& tag : contents.tags) {
    if (tag.source == source && nth-- == 0) return &tag;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("container URLs are recognised by vendor host and path") {
  using tw::ContainerKind;
  CHECK(tw::container_kind("https://www.googletagmanager.com/gtm.js?id=GTM-ABC123") ==
        ContainerKind::google_tag_manager);
  CHECK(tw::container_kind("https://www.googletagmanager.com/gtag/js?id=G-ABC") ==
        ContainerKind::none);
  CHECK(
      tw::container_kind("https://assets.adobedtm.com/a1b2c3/d4e5f6/launch-0123456789ab.min.js") ==
      ContainerKind::adobe_launch);
  CHECK(tw::container_kind("https://tags.tiqcdn.com/utag/acme/main/prod/utag.js") ==
        ContainerKind::tealium);
  CHECK(tw::container_kind("https://evil.example/gtm.js?id=GTM-ABC123") == ContainerKind::none);
  CHECK(tw::gtm_container_url("GTM-ABC123") ==
        "https://www.googletagmanager.com/gtm.js?id=GTM-ABC123");
}

TEST_CASE("a GTM container yields its built-in vendor tags with their ids") {
  auto contents = tw::open_container(tw::ContainerKind::google_tag_manager,
                                     "https://www.googletagmanager.com/gtm.js?id=GTM-TWTEST1",
                                     fixture("gtm-GTM-TWTEST1.js"));
  REQUIRE(contents.parsed);
  const auto* analytics = find_source(contents, "__gaawc");
  REQUIRE(analytics != nullptr);
  CHECK(analytics->ids == std::vector<std::string>{"G-TWTEST1234"});  // through a constant macro
  CHECK(analytics->url == "https://www.googletagmanager.com/gtag/js?id=G-TWTEST1234");
  CHECK_FALSE(analytics->url_in_container);
  const auto* ads = find_source(contents, "__awct");
  REQUIRE(ads != nullptr);
  CHECK(ads->ids == std::vector<std::string>{"AW-987654321"});
  // Triggers and utilities (__cl link click listener, __gclidw conversion linker) are not tags.
  CHECK(find_source(contents, "__cl") == nullptr);
  CHECK(find_source(contents, "__gclidw") == nullptr);
}

TEST_CASE("GTM custom HTML tags are decoded, templates and macros included") {
  auto contents = tw::open_container(tw::ContainerKind::google_tag_manager,
                                     "https://www.googletagmanager.com/gtm.js?id=GTM-TWTEST1",
                                     fixture("gtm-GTM-TWTEST1.js"));
  const auto* pixel = find_source(contents, "__html", 0);
  REQUIRE(pixel != nullptr);
  CHECK(pixel->html.find("https://connect.facebook.net/en_US/fbevents.js") != std::string::npos);
  CHECK(pixel->html.find("fbq(\"init\",\"1122334455667788\")") != std::string::npos);
  const auto* hubspot = find_source(contents, "__html", 1);
  REQUIRE(hubspot != nullptr);
  CHECK(hubspot->html.find("src=\"https://js.hs-scripts.com/4455667.js\"") != std::string::npos);
  CHECK(hubspot->html.starts_with("<script>window.hsConversionPage=\"\";"));
}

TEST_CASE("a container that is not valid JSON-ish is recorded, not trusted") {
  using tw::ContainerKind;
  std::string url = "https://www.googletagmanager.com/gtm.js?id=GTM-X";
  auto html = tw::open_container(ContainerKind::google_tag_manager, url, "<html>404</html>");
  CHECK_FALSE(html.parsed);
  REQUIRE_FALSE(html.notes.empty());
  auto broken = tw::open_container(ContainerKind::google_tag_manager, url,
                                   "var data = {\"resource\": {\"tags\": [{\"function\":");
  CHECK_FALSE(broken.parsed);
  std::string deep = "var data = {\"resource\": " + std::string(100000, '[') + "}";
  auto nested = tw::open_container(ContainerKind::google_tag_manager, url, deep);
  CHECK_FALSE(nested.parsed);
  CHECK(nested.notes[0].find("nested deeper") != std::string::npos);
  auto not_tags = tw::open_container(ContainerKind::google_tag_manager, url,
                                     "var data = {\"resource\": {\"tags\": 5}};");
  CHECK_FALSE(not_tags.parsed);
}

TEST_CASE("a GTM macro that refers to itself or out of range does not loop or crash") {
  std::string body =
      R"(var data = {"resource": {"macros":[{"function":"__c","vtp_value":["macro",0]}],
    "tags":[{"function":"__ua","vtp_trackingId":["macro",0]},{"function":"__ua","vtp_trackingId":["macro",99]},
            {"function":"__html","vtp_html":["template",["macro",-1],"<img src=\"https://px.example.com/p.gif\">"]}]}};)";
  auto contents = tw::open_container(tw::ContainerKind::google_tag_manager,
                                     "https://www.googletagmanager.com/gtm.js?id=GTM-X", body);
  REQUIRE(contents.parsed);
  REQUIRE(contents.tags.size() == 3);
  CHECK(contents.tags[0].ids.empty());
  CHECK(contents.tags[2].html == "<img src=\"https://px.example.com/p.gif\">");
}

TEST_CASE("Adobe Launch custom code is read, inline or external") {
  std::string body =
      R"(window._satellite=window._satellite||{};_satellite.container={"buildInfo":{},"rules":[{"id":"RL1","actions":[{"modulePath":"core/src/lib/actions/customCode.js","settings":{"source":"<script src=\"https://cdn.vendor.example.com/tag.js\"></script>","language":"html"}},{"modulePath":"core/src/lib/actions/customCode.js","settings":{"source":"https://assets.adobedtm.com/a1/b2/RC123-source.min.js","isExternal":true,"language":"javascript"}}]}]};)";
  std::string url = "https://assets.adobedtm.com/a1/b2/launch-abc.min.js";
  auto contents = tw::open_container(tw::ContainerKind::adobe_launch, url, body);
  REQUIRE(contents.tags.size() == 2);
  CHECK(contents.tags[0].html.find("https://cdn.vendor.example.com/tag.js") != std::string::npos);
  CHECK(contents.tags[1].url == "https://assets.adobedtm.com/a1/b2/RC123-source.min.js");
  CHECK(contents.tags[1].url_in_container);
}

TEST_CASE("a Tealium loader names its tag files beside utag.js") {
  std::string body =
      R"(var utag_condload=false;if(!utag){var utag={};utag.loader={};}utag.loader.cfg={"5":{load:1,send:1,v:201904011200,wait:1,tid:7110},"12":{load:4,send:1,v:201904011200,wait:1,tid:20064}};utag.loader.initcfg=function(){};)";
  auto contents = tw::open_container(
      tw::ContainerKind::tealium, "https://tags.tiqcdn.com/utag/acme/main/prod/utag.js?v=1", body);
  REQUIRE(contents.parsed);
  REQUIRE(contents.tags.size() == 2);
  CHECK(contents.tags[0].url == "https://tags.tiqcdn.com/utag/acme/main/prod/utag.5.js");
  CHECK(contents.tags[1].url == "https://tags.tiqcdn.com/utag/acme/main/prod/utag.12.js");
}
