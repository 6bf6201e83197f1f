// First-party code: the references read from a site's own script and stylesheet files, and the
// tags they become on the pages that include the files.
#include <catch2/catch.hpp>

#include <map>
#include <memory>
#include <string>

#include "analyzers/first_party_code.h"
#include "catalogue/catalogue.h"

namespace {

const tw::FirstPartyAsset kBundle{"https://www.shop.test/static/js/bundle.js", false};
const tw::FirstPartyAsset kStyles{"https://www.shop.test/static/css/site.css", true};

tw::PageAnalysis page_including(std::vector<tw::FirstPartyAsset> assets) {
  tw::PageAnalysis page;
  page.page.requested_url = page.page.final_url = "https://www.shop.test/products/";
  page.first_party_assets = std::move(assets);
  return page;
}

tw::AnalysisContext context() {
  tw::AnalysisContext out;
  out.rules.catalogue = &tw::Catalogue::builtin();
  return out;
}

// Answers for each file from a fixed map of file URL -> file text.
tw::AssetLookup lookup_in(const std::map<std::string, std::string>& files) {
  return [files](const tw::FirstPartyAsset& asset) {
    return std::make_shared<const tw::AssetScan>(tw::asset_references(files.at(asset.url), asset));
  };
}

}  // namespace

TEST_CASE("a bundle's built URL is found with its line and column in the file") {
  std::string bundle =
      "!function(){\n"
      "  var h = 'widget.chat-vendor.io';\n"
      "  s.src = 'https://' + 'widget.chat-vendor.io' + '/v2/loader.js';\n"
      "  fetch('/api/cart');\n"
      "}();\n";
  tw::AssetScan scan = tw::asset_references(bundle, kBundle);
  REQUIRE_FALSE(scan.references.empty());
  const tw::AssetReference& built = scan.references.back();
  CHECK(built.url == "https://widget.chat-vendor.io/v2/loader.js");
  CHECK(built.line == 3);
  CHECK(built.column == 12);
  CHECK(scan.notes.empty());
}

TEST_CASE("a stylesheet's @import, url() and image-set() are resolved against the file") {
  std::string css =
      "@import url(\"https://fonts.googleapis.com/css2?family=Inter\");\n"
      ".hero { background: url(//img.cdn-images.net/hero.jpg); }\n"
      ".logo { background: url(../img/logo.png); }\n"
      ".x { background: image-set('https://a.cdn-images.net/x.png' 1x); }\n";
  tw::AssetScan scan = tw::asset_references(css, kStyles);
  REQUIRE(scan.references.size() == 4);
  CHECK(scan.references[0].url == "https://fonts.googleapis.com/css2?family=Inter");
  CHECK(scan.references[0].line == 1);
  CHECK(scan.references[1].url == "https://img.cdn-images.net/hero.jpg");
  CHECK(scan.references[1].line == 2);
  CHECK(scan.references[1].column == 21);
  CHECK(scan.references[2].url == "https://www.shop.test/static/img/logo.png");
  CHECK(scan.references[3].url == "https://a.cdn-images.net/x.png");
  CHECK(scan.references[0].kind == tw::TagKind::css);
}

TEST_CASE("invalid UTF-8 is noted and the file is still read") {
  std::string bundle = "var a = '\xff\xfe';\nvar u = 'https://cdn.vendor-one.net/x.js';\n";
  tw::AssetScan scan = tw::asset_references(bundle, kBundle);
  REQUIRE(scan.references.size() == 1);
  CHECK(scan.references[0].line == 2);
  REQUIRE(scan.notes.size() == 1);
  CHECK(scan.notes[0].find("UTF-8") != std::string::npos);
}

TEST_CASE("a file naming thousands of URLs is cut with a note") {
  std::string bundle;
  for (int i = 0; i < 700; ++i) bundle += "'https://h" + std::to_string(i) + ".vendor.net/a.js';\n";
  tw::AssetScan scan = tw::asset_references(bundle, kBundle);
  CHECK(scan.references.size() == tw::kMaxReferencesPerAsset);
  CHECK(scan.notes.size() == 1);
}

TEST_CASE("a page's files become its tags: initiator, parent, position, vendor") {
  std::map<std::string, std::string> files{
      {kBundle.url,
       "load('https://www.googletagmanager.com/gtm.js?id=GTM-AB12CD');\n"
       "api('https://www.shop.test/api');\n"
       "cfg = {host: 'cookies.unknown-name.net'};\n"},
      {kStyles.url, "@import 'https://fonts.googleapis.com/css?family=Lato';"}};
  tw::PageAnalysis page = page_including({kBundle, kStyles});
  CHECK(tw::add_first_party_tags(page, context(), lookup_in(files)));
  REQUIRE(page.tags.size() == 2);
  const tw::Tag& gtm = page.tags[0];
  CHECK(gtm.initiator == tw::Initiator::first_party_script);
  CHECK(gtm.parent == kBundle.url);
  CHECK(gtm.line == 1);
  CHECK(gtm.column == 7);
  CHECK_FALSE(gtm.vendor.empty());
  CHECK(gtm.ids == std::vector<std::string>{"GTM-AB12CD"});
  const tw::Tag& font = page.tags[1];
  CHECK(font.initiator == tw::Initiator::stylesheet);
  CHECK(font.parent == kStyles.url);
  CHECK(font.host == "fonts.googleapis.com");
  CHECK(font.kind == tw::TagKind::css);
}

TEST_CASE("applying the same files again changes nothing; changed files replace the tags") {
  std::map<std::string, std::string> files{{kBundle.url, "x('https://cdn.vendor-one.net/a.js')"}};
  tw::PageAnalysis page = page_including({kBundle});
  page.tags.emplace_back().url = "https://parser.vendor.net/p.js";
  page.tags.back().host = "parser.vendor.net";
  REQUIRE(tw::add_first_party_tags(page, context(), lookup_in(files)));
  CHECK_FALSE(tw::add_first_party_tags(page, context(), lookup_in(files)));
  files[kBundle.url] = "\n x('https://cdn.vendor-two.net/b.js')";
  CHECK(tw::add_first_party_tags(page, context(), lookup_in(files)));
  REQUIRE(page.tags.size() == 2);
  CHECK(page.tags[0].host == "parser.vendor.net");
  CHECK(page.tags[1].host == "cdn.vendor-two.net");
  CHECK(page.tags[1].line == 2);
}

TEST_CASE("a file's notes reach the page once, and are replaced on the next application") {
  tw::PageAnalysis page = page_including({kBundle});
  auto failing = [](const tw::FirstPartyAsset&) {
    auto scan = std::make_shared<tw::AssetScan>();
    scan->notes.push_back("answered HTTP 404");
    return std::shared_ptr<const tw::AssetScan>(scan);
  };
  CHECK(tw::add_first_party_tags(page, context(), failing));
  CHECK_FALSE(tw::add_first_party_tags(page, context(), failing));
  REQUIRE(page.notes.size() == 1);
  CHECK(page.notes[0] == "first-party file " + kBundle.url + ": answered HTTP 404");
  CHECK(page.tags.empty());
}

TEST_CASE("a page without first-party files is left alone") {
  tw::PageAnalysis page = page_including({});
  bool asked = false;
  auto lookup = [&asked](const tw::FirstPartyAsset&) {
    asked = true;
    return std::make_shared<const tw::AssetScan>();
  };
  CHECK_FALSE(tw::add_first_party_tags(page, context(), lookup));
  CHECK_FALSE(asked);
}
