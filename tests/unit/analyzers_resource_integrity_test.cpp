// Subresource Integrity as browsers check it.
#include <catch2/catch.hpp>

#include "analyzers/resource_integrity.h"

using Outcome = tw::IntegrityCheck::Outcome;

TEST_CASE("SRI digests match the well-known values") {
  // echo -n "alert('Hello, world.');" | openssl dgst -sha384 -binary | openssl base64 -A
  CHECK(tw::sri_digest("sha384", "alert('Hello, world.');") ==
        "sha384-H8BRh8j48O9oYatfu5AZzq6A9RINhZO5H16dQZngK7T62em8MUt1FLm52t+eX6xO");
  CHECK(tw::sri_digest("md5", "x").empty());
  CHECK(tw::sha1_hex("abc") == "a9993e364706816aba3e25717850c26c9cd0d89d");
}

TEST_CASE("an integrity attribute that matches the served bytes passes") {
  auto digests = tw::SriDigests::of("alert('Hello, world.');");
  auto check = tw::check_integrity(
      "sha384-H8BRh8j48O9oYatfu5AZzq6A9RINhZO5H16dQZngK7T62em8MUt1FLm52t+eX6xO", digests);
  CHECK(check.outcome == Outcome::match);
  CHECK(check.algorithm == "sha384");
}

TEST_CASE("an integrity attribute that does not match is a mismatch with the actual hash") {
  auto digests = tw::SriDigests::of("alert('tampered');");
  auto check = tw::check_integrity(
      "sha384-H8BRh8j48O9oYatfu5AZzq6A9RINhZO5H16dQZngK7T62em8MUt1FLm52t+eX6xO", digests);
  CHECK(check.outcome == Outcome::mismatch);
  CHECK(check.actual == digests.sha384);
}

TEST_CASE("only the strongest algorithm named counts, and any of its values may match") {
  auto digests = tw::SriDigests::of("x");
  // A wrong sha256 does not matter when a sha512 is given and matches.
  auto check =
      tw::check_integrity("sha256-AAAA " + digests.sha512 + "?ct=application/javascript", digests);
  CHECK(check.outcome == Outcome::match);
  CHECK(check.algorithm == "sha512");
  auto two = tw::check_integrity("sha384-AAAA " + digests.sha384, digests);
  CHECK(two.outcome == Outcome::match);
}

TEST_CASE("an integrity value with no usable hash is unsupported, not a mismatch") {
  auto digests = tw::SriDigests::of("x");
  CHECK(tw::check_integrity("md5-abc sha1-def", digests).outcome == Outcome::unsupported);
  CHECK(tw::check_integrity("   ", digests).outcome == Outcome::absent);
}
