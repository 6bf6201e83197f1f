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

TEST_CASE("parse_url's curl-free path agrees with curl wherever it answers") {
  const char* urls[] = {"https://www.googletagmanager.com/gtm.js?id=GTM-AB12",
                        "http://cdn.example.net/a/b.js",
                        "https://cdn.example.net",
                        "https://cdn.example.net/",
                        "https://cdn.example.net/x?",
                        "https://cdn.example.net/x?a=1&b=2#frag",
                        "https://cdn.example.net#frag",
                        "https://cdn.example.net?q=1",
                        "https://cdn.example.net/a/../b",
                        "https://cdn.example.net/./b",
                        "https://cdn.example.net/a/..",
                        "https://cdn.example.net/%7Euser",
                        "https://cdn.example.net/a b",
                        "https://CDN.example.net/x",
                        "HTTPS://cdn.example.net/x",
                        "https://cdn.example.net:443/x",
                        "https://cdn.example.net:8443/x",
                        "https://user:pw@cdn.example.net/x",
                        "https://127.0.0.1/x",
                        "http://127.0.0.1:8192/a/b.html",
                        "http://127.0.0.1:80/x",
                        "https://cdn.example.net:80/x",
                        "http://cdn.example.net:0443/x",
                        "http://cdn.example.net:65536/x",
                        "http://cdn.example.net:/x",
                        "http://cdn.example.net:0/x",
                        "http://10.0.0.256/x",
                        "http://010.0.0.1/x",
                        "http://0.0.0.0/x",
                        "http://1.2.3/x",
                        "http://1.2.3.4.5/x",
                        "http://1.2.3.4./x",
                        "https://127.1/x",
                        "https://[::1]/x",
                        "https://a..b/x",
                        "https://.example/x",
                        "https://example./x",
                        "https://xn--bcher-kva.example/x",
                        "https://cdn.example.net/caf\xc3\xa9",
                        "https://cdn.example.net/a;b,c!d*e(f)g$h@i+j~k:l",
                        " https://cdn.example.net/padded ",
                        "https://cdn.example.net/x?y=/../z",
                        "ftp://files.example.net/x",
                        "//cdn.example.net/x",
                        "https://"};
  for (const char* text : urls) {
    INFO(text);
    std::optional<tw::Url> quick = tw::parse_url(text);
    std::optional<tw::Url> reference = tw::parse_url_with_curl(text);
    REQUIRE(quick.has_value() == reference.has_value());
    if (!quick) continue;
    CHECK(quick->scheme == reference->scheme);
    CHECK(quick->host == reference->host);
    CHECK(quick->port == reference->port);
    CHECK(quick->path == reference->path);
    CHECK(quick->query == reference->query);
    CHECK(tw::normalize_url(text) == tw::normalize_url(std::string(" ") + text));  // padded: curl
  }
}
