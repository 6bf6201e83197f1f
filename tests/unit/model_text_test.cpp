#include <catch2/catch.hpp>

#include "model/text.h"
#include "model/url.h"

using namespace tw;

TEST_CASE("lower_ascii lowers A-Z only: other bytes, UTF-8 included, pass through") {
  CHECK(lower_ascii('A') == 'a');
  CHECK(lower_ascii('Z') == 'z');
  CHECK(lower_ascii('@') == '@');  // just below 'A'
  CHECK(lower_ascii('[') == '[');  // just above 'Z'
  CHECK(lower_ascii(std::string_view("Content-Type: TEXT/Html")) == "content-type: text/html");
  CHECK(lower_ascii(std::string_view("\xC3\x89T\xC3\x89")) == "\xC3\x89t\xC3\x89");  // ÉTÉ
  CHECK(lower_ascii(std::string_view()).empty());
}

TEST_CASE("equals_ignoring_ascii_case compares lengths and bytes after lowering") {
  CHECK(equals_ignoring_ascii_case("User-Agent", "user-agent"));
  CHECK_FALSE(equals_ignoring_ascii_case("user-agent", "user-agents"));
  CHECK_FALSE(equals_ignoring_ascii_case("allow", "disallow"));
  CHECK_FALSE(equals_ignoring_ascii_case("\xC3\x89", "\xC3\xA9"));  // É is not é: ASCII only
  CHECK(equals_ignoring_ascii_case("", ""));
}

TEST_CASE("trim removes the given whitespace at both ends and nothing inside") {
  CHECK(trim("  a b \t\n") == "a b");
  CHECK(trim("\v\fx\r") == "x");
  CHECK(trim("\vx\v", kHtmlSpace) == "\vx\v");  // HTML does not count a vertical tab
  CHECK(trim("\f x \f", kHtmlSpace) == "x");
  CHECK(trim("\f x\n", kXmlSpace) == "\f x");  // nor does XML a form feed
  CHECK(trim("csv , ", " \t") == "csv ,");
  CHECK(trim(" \t\n").empty());
  CHECK(trim("").empty());
}

TEST_CASE("join puts the separator between items only, and keeps empty items") {
  CHECK(join({}, ", ").empty());
  CHECK(join({"a"}, ", ") == "a");
  CHECK(join({"a", "b", "c"}, " -> ") == "a -> b -> c");
  CHECK(join({"", "b"}, "\n") == "\nb");
  CHECK(join({"a", "b"}, "") == "ab");
}

TEST_CASE("url_origin_text and url_path_text cut a normalised URL at its first path slash") {
  CHECK(url_origin_text("https://shop.example.com:8443/a/b?q=1") ==
        "https://shop.example.com:8443");
  CHECK(url_path_text("https://shop.example.com:8443/a/b?q=1") == "/a/b?q=1");
  CHECK(url_origin_text("http://[::1]:8080/x") == "http://[::1]:8080");
  CHECK(url_path_text("http://[::1]:8080/x") == "/x");
  // no path at all: the origin is the whole text and the path is the root
  CHECK(url_origin_text("https://a.example") == "https://a.example");
  CHECK(url_path_text("https://a.example") == "/");
  // the scheme's slashes are not the path's
  CHECK(url_path_text("https://a.example/") == "/");
  CHECK(url_origin_text("https://a.example/") == "https://a.example");
}
