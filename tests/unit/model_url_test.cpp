#include <catch2/catch.hpp>

#include "model/domain.h"
#include "model/url.h"

using namespace tw;

TEST_CASE("relative references resolve against the page URL") {
  CHECK(resolve_url("https://shop.example.com/a/b.html", "c.js") ==
        "https://shop.example.com/a/c.js");
  CHECK(resolve_url("https://shop.example.com/a/b.html", "../x/./y.js") ==
        "https://shop.example.com/x/y.js");
  CHECK(resolve_url("https://shop.example.com/a/", "//cdn.vendor.net/t.js") ==
        "https://cdn.vendor.net/t.js");
  CHECK(resolve_url("http://a.com/", "  https://B.com/x \n") == "https://b.com/x");
}

TEST_CASE("javascript:, data: and mailto: references are not resources") {
  CHECK_FALSE(resolve_url("https://a.com/", "javascript:alert(1)"));
  CHECK_FALSE(resolve_url("https://a.com/", "JavaScript:void(0)"));
  CHECK_FALSE(resolve_url("https://a.com/", "data:image/gif;base64,R0lGOD"));
  CHECK_FALSE(resolve_url("https://a.com/", "mailto:x@y.z"));
  CHECK_FALSE(resolve_url("https://a.com/", ""));
}

TEST_CASE("normalisation drops fragments and default ports and fixes escape case") {
  CHECK(normalize_url("HTTP://Example.COM:80/a/../b/%7euser?q=%2f#frag") ==
        "http://example.com/b/%7Euser?q=%2F");
  CHECK(normalize_url("https://example.com:443") == "https://example.com/");
  CHECK(normalize_url("http://127.0.0.1:8089/x") == "http://127.0.0.1:8089/x");
  CHECK_FALSE(normalize_url("not a url"));
}

TEST_CASE("only http and https URLs are fetchable") {
  CHECK(is_http_url("https://a.com/"));
  CHECK(is_http_url("HTTP://a.com/"));
  CHECK_FALSE(is_http_url("ftp://a.com/"));
  CHECK_FALSE(is_http_url("file:///etc/passwd"));
}

TEST_CASE("registrable domain follows the public suffix list") {
  CHECK(registrable_domain("www.google-analytics.com") == "google-analytics.com");
  CHECK(registrable_domain("a.b.example.co.uk") == "example.co.uk");
  CHECK(registrable_domain("foo.github.io") == "foo.github.io");
  CHECK(registrable_domain("127.0.0.1") == "127.0.0.1");
  CHECK(host_in_domain("cdn.example.com", "example.com"));
  CHECK_FALSE(host_in_domain("badexample.com", "example.com"));
}
