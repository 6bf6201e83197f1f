// PII detection for TW201: real personal data is found (and redacted), ordinary ids are not.
#include <catch2/catch.hpp>

#include "rules/personal_data.h"

using tw::find_personal_data;

TEST_CASE("e-mail address in clear in a query parameter") {
  auto hits = find_personal_data("https://t.example/p?uid=1&email=jane.doe@example.com");
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].kind == "e-mail address");
  CHECK(hits[0].parameter == "email");
  CHECK(hits[0].redacted == "j***@example.com");
}

TEST_CASE("URL-encoded and double-encoded e-mail addresses") {
  CHECK(find_personal_data("https://t.example/p?u=jane%40example.com").size() == 1);
  CHECK(find_personal_data("https://t.example/p?dl=https%3A%2F%2Fshop%2F%3Fmail%3Djane%2540ex.org")
            .size() == 1);
}

TEST_CASE("phone numbers in phone parameters and explicit international numbers") {
  auto named = find_personal_data("https://t.example/p?ph=030%20123%204567");
  REQUIRE(named.size() == 1);
  CHECK(named[0].kind == "phone number");
  CHECK(named[0].redacted == "***67");
  CHECK(find_personal_data("https://t.example/p?x=%2B4915112345678").size() == 1);
}

TEST_CASE("hashed e-mail in the parameters trackers use for it") {
  auto hits = find_personal_data(
      "https://www.facebook.com/tr?id=1&ud[em]="
      "836f82db99121b3481011f16b49dfa5fbc714a0d1b1b9f784a1ebbbf5b39577f");
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].kind == "hashed e-mail");
  CHECK(hits[0].parameter == "ud[em]");
  CHECK(find_personal_data("https://t.example/p?em=5d41402abc4b2a76b9719d911017c592").size() == 1);
}

TEST_CASE("ordinary ids are not personal data") {
  // GA client id, md5-looking cache buster, numeric pixel id, versions, retina images.
  CHECK(find_personal_data("https://www.google-analytics.com/g/collect?v=2&cid=1234567890."
                           "1700000000&tid=G-ABC123")
            .empty());
  CHECK(
      find_personal_data("https://cdn.example/app.js?id=5d41402abc4b2a76b9719d911017c592").empty());
  CHECK(find_personal_data("https://connect.facebook.net/signals/config/123456789012345?v=2.9")
            .empty());
  CHECK(find_personal_data("https://cdn.jsdelivr.net/npm/bootstrap@5.3.2/dist/x.js").empty());
  CHECK(find_personal_data("https://img.example/logo@2x.png?w=200").empty());
  CHECK(find_personal_data("https://t.example/p?ph=12").empty());
  CHECK(find_personal_data("https://t.example/p?ts=1700000000123").empty());
}

TEST_CASE("e-mail address in the URL path") {
  auto hits = find_personal_data("https://api.example/users/jane@example.com/profile");
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].parameter == "path");
}

TEST_CASE("matrix parameters in the path are read like query parameters") {
  auto hits = find_personal_data(
      "https://ad.doubleclick.net/ddm/activity/src=8812345;type=login;u1=jane.doe%40example.org");
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].parameter == "u1");
  CHECK(find_personal_data("https://ad.doubleclick.net/ddm/activity/src=8812345;ord=123456789")
            .empty());
}
