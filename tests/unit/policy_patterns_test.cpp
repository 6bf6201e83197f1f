// Path and host globs, and the regular expressions policies use.
#include <catch2/catch.hpp>

#include "policy/policy_patterns.h"

using tw::Glob;

namespace {
Glob path_glob(const char* text) {
  return Glob::compile(text, Glob::Kind::path).value();
}
}  // namespace

TEST_CASE("double star matches across path segments and the directory itself") {
  Glob checkout = path_glob("/checkout/**");
  CHECK(checkout.matches("/checkout"));
  CHECK(checkout.matches("/checkout/"));
  CHECK(checkout.matches("/checkout/payment/step-2.html"));
  CHECK_FALSE(checkout.matches("/checkouts"));
  CHECK_FALSE(checkout.matches("/blog/checkout/x"));
}

TEST_CASE("single star stays within one segment") {
  Glob glob = path_glob("/blog/*.html");
  CHECK(glob.matches("/blog/post.html"));
  CHECK_FALSE(glob.matches("/blog/2024/post.html"));
}

TEST_CASE("double star in the middle matches zero or more directories") {
  Glob glob = path_glob("/**/print");
  CHECK(glob.matches("/print"));
  CHECK(glob.matches("/a/b/print"));
  CHECK_FALSE(glob.matches("/a/b/printer"));
  Glob middle = path_glob("/shop/**/cart");
  CHECK(middle.matches("/shop/cart"));
  CHECK(middle.matches("/shop/de/x/cart"));
  CHECK_FALSE(middle.matches("/shopcart"));
}

TEST_CASE("question mark and character classes") {
  Glob glob = path_glob("/v[0-9]/?");
  CHECK(glob.matches("/v2/a"));
  CHECK_FALSE(glob.matches("/vx/a"));
  CHECK_FALSE(glob.matches("/v2//"));
  CHECK(path_glob("/[!a]*").matches("/b"));
}

TEST_CASE("bad globs are rejected with the reason") {
  auto unclosed = Glob::compile("/a[bc", Glob::Kind::path);
  REQUIRE_FALSE(unclosed.ok());
  CHECK_THAT(unclosed.error(), Catch::Contains("never closed"));
  CHECK_THAT(Glob::compile("/foo**", Glob::Kind::path).error(), Catch::Contains("whole path"));
  CHECK_THAT(Glob::compile("/***", Glob::Kind::path).error(), Catch::Contains("not a wildcard"));
  CHECK_THAT(Glob::compile("checkout/**", Glob::Kind::path).error(), Catch::Contains("'/'"));
  CHECK_FALSE(Glob::compile("", Glob::Kind::path).ok());
  CHECK_FALSE(Glob::compile("cdn.example.com/x", Glob::Kind::host).ok());
}

TEST_CASE("host globs match subdomains with a star") {
  Glob glob = Glob::compile("*.Example.com", Glob::Kind::host).value();
  CHECK(glob.matches("cdn.example.com"));
  CHECK_FALSE(glob.matches("example.com"));
}

TEST_CASE("overlapping globs are recognised") {
  CHECK(tw::globs_overlap(path_glob("/**"), path_glob("/checkout/**")));
  CHECK(tw::globs_overlap(path_glob("/checkout/**"), path_glob("/checkout/pay")));
  CHECK_FALSE(tw::globs_overlap(path_glob("/blog/**"), path_glob("/checkout/**")));
}

TEST_CASE("matching a long hostile path stays linear") {
  std::string path(20000, 'a');
  CHECK_FALSE(path_glob("/**/*a*a*a*a*b").matches("/" + path));
}

TEST_CASE("regular expressions compile or report the offset") {
  auto good = tw::Regex::compile("^/orders/[0-9]+");
  REQUIRE(good.ok());
  CHECK(good->search("/orders/42?x=1"));
  CHECK_FALSE(good->search("/orders/x"));
  auto bad = tw::Regex::compile("(unclosed");
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.error(), Catch::Contains("offset"));
}
