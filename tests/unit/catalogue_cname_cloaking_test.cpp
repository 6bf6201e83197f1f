// CNAME cloaking: which chains lead to a tracker (the catalogue's tracking vendors and the shipped
// list of known cloaking targets), matched on name boundaries, without case or trailing dots.
#include <catch2/catch.hpp>

#include "catalogue/cname_cloaking.h"
#include "model/domain.h"

namespace {

std::optional<tw::CloakedVendor> match(const std::vector<std::string>& chain,
                                       std::string_view site = "shop.example") {
  return tw::match_cname_chain(chain, site, tw::Catalogue::builtin(),
                               tw::CloakingTargets::builtin());
}

}  // namespace

TEST_CASE("the shipped cloaking list names a company and a known category for every domain") {
  const tw::CloakingTargets& list = tw::CloakingTargets::builtin();
  REQUIRE(list.targets().size() >= 30);
  for (const tw::CloakingTarget& target : list.targets()) {
    INFO(target.domain);
    CHECK_FALSE(target.company.empty());
    CHECK(tw::is_known_category(target.category));
    CHECK(target.domain == tw::normalize_dns_name(target.domain));
  }
}

TEST_CASE("a listed target matches itself and its subdomains, not look-alikes") {
  const tw::CloakingTargets& list = tw::CloakingTargets::builtin();
  REQUIRE(list.find("eulerian.net") != nullptr);
  CHECK(list.find("shop.eulerian.net")->company == "Eulerian");
  CHECK(list.find("Shop.EULERIAN.net.") != nullptr);
  CHECK(list.find("noteulerian.net") == nullptr);
  CHECK(list.find("eulerian.net.example") == nullptr);
  // A listed name deeper than its registrable domain matches only under that name.
  CHECK(list.find("k.keyade.com") != nullptr);
  CHECK(list.find("www.keyade.com") == nullptr);
}

TEST_CASE("a chain ending at a listed cloaking target is that company") {
  auto vendor = match({"shop-example.eulerian.net."});
  REQUIRE(vendor);
  CHECK(vendor->vendor == "Eulerian");
  CHECK(vendor->name == "shop-example.eulerian.net");
}

TEST_CASE(
    "a chain through a tracking vendor of the catalogue is that vendor, case and dots aside") {
  auto vendor = match({"edge.shop.example", "Region1.Google-Analytics.COM."});
  REQUIRE(vendor);
  CHECK(vendor->vendor == tw::Catalogue::builtin().find_by_host("google-analytics.com")->name);
  CHECK(tw::is_tracking_category(vendor->category));
}

TEST_CASE("a chain to a CDN, to the site itself, or to nothing is no cloaking") {
  CHECK_FALSE(match({"shop.example.cdn.cloudflare.net"}));
  CHECK_FALSE(match({"d1234.cloudfront.net"}));
  CHECK_FALSE(match({"origin.shop.example"}));
  CHECK_FALSE(match({}));
  // The site's own domain is never the tracker, even when the catalogue knows it.
  CHECK_FALSE(match({"eulerian.net"}, "eulerian.net"));
}
