// The shipped list of compromised, attacker-run and abandoned hosts behind TW303.
#include <catch2/catch.hpp>

#include "catalogue/compromised_domains.h"

TEST_CASE("the shipped compromised-domains list is dated and every entry has a source") {
  const tw::CompromisedDomains& list = tw::CompromisedDomains::builtin();
  CHECK(list.updated().size() == 10);
  REQUIRE(list.hosts().size() >= 12);
  for (const tw::CompromisedHost& host : list.hosts()) {
    INFO(host.host);
    CHECK_FALSE(host.sources.empty());
    CHECK_FALSE(host.summary.empty());
    CHECK(host.since.size() == 10);
  }
}

TEST_CASE("polyfill.io, its subdomains and the same operator's CDNs are listed") {
  const tw::CompromisedDomains& list = tw::CompromisedDomains::builtin();
  for (const char* host : {"polyfill.io", "cdn.polyfill.io", "bootcdn.net", "cdn.bootcss.com",
                           "staticfile.org", "polyfill.com"}) {
    INFO(host);
    const tw::CompromisedHost* entry = list.find(host);
    REQUIRE(entry != nullptr);
    CHECK(entry->severity == tw::Severity::critical);
  }
  CHECK(list.find("notpolyfill.io") == nullptr);
  CHECK(list.find("polyfill.io.example.com") == nullptr);
  CHECK(list.find("cdnjs.cloudflare.com") == nullptr);
}

TEST_CASE("abandoned services are listed with a lower severity") {
  const tw::CompromisedHost* rawgit = tw::CompromisedDomains::builtin().find("cdn.rawgit.com");
  REQUIRE(rawgit != nullptr);
  CHECK(rawgit->status == "abandoned");
  CHECK(rawgit->severity == tw::Severity::medium);
}

TEST_CASE("a malformed list is an error naming its origin") {
  auto bad = tw::CompromisedDomains::from_json("{\"entries\": [{\"nohost\": 1}]}", "x.json");
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.error(), Catch::StartsWith("x.json:"));
  CHECK_FALSE(tw::CompromisedDomains::from_json("not json", "x.json").ok());
}
