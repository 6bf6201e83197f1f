#include <catch2/catch.hpp>

#include "reports/json_stream.h"
#include "reports/report_text.h"

using namespace tw::report_text;

TEST_CASE("invalid UTF-8 becomes the replacement character, valid text is unchanged") {
  CHECK(valid_utf8("caf\xc3\xa9") == "caf\xc3\xa9");
  CHECK(valid_utf8("a\xff"
                   "b") ==
        "a\xef\xbf\xbd"
        "b");
  CHECK(valid_utf8("\xc0\xaf") == "\xef\xbf\xbd\xef\xbf\xbd");                  // overlong '/'
  CHECK(valid_utf8("\xed\xa0\x80") == "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");  // surrogate
}

TEST_CASE("terminal text shows ESC, C1 controls and bidi overrides instead of sending them") {
  std::string out = terminal(
      "a\x1b[31mb\xc2\x9b"
      "c\xe2\x80\xae"
      "d\x07\n");
  CHECK(out == "a\\x1b[31mb\\u009bc\\u202ed\\x07 ");
  CHECK(out.find('\x1b') == std::string::npos);
}

TEST_CASE("HTML escaping covers markup, quotes and controls") {
  CHECK(html("<script>alert('x')</script> & \"q\"") ==
        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
  CHECK(html("a\x1b"
             "b") == "a\\x1bb");
}

TEST_CASE("XML escaping drops characters XML 1.0 forbids") {
  CHECK(xml("a<b>&\"'\x01\xef\xbf\xbf") == "a&lt;b&gt;&amp;&quot;&apos;\\x01\\uffff");
  CHECK(xml("line\nnext") == "line&#10;next");
}

TEST_CASE("CSV cells are quoted per RFC 4180 and formulas are neutralised") {
  CHECK(csv_cell("plain") == "plain");
  CHECK(csv_cell("a,b") == "\"a,b\"");
  CHECK(csv_cell("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(csv_cell("=HYPERLINK(\"http://x\",\"y\")") ==
        "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
  CHECK(csv_cell("+cmd") == "'+cmd");
  CHECK(csv_cell("-2+3") == "'-2+3");
  CHECK(csv_cell("@SUM(1)") == "'@SUM(1)");
  CHECK(csv_cell("\t=1") == "'\t=1");
  CHECK(csv_cell("\r=1") == "\"'\r=1\"");
  CHECK(csv_cell("  =1") == "'  =1");
  CHECK(csv_cell("a=b") == "a=b");
  CHECK(csv_number(-3) == "-3");
  CHECK(csv_cell("a\x1b[2Jb") == "a\\x1b[2Jb");
}

TEST_CASE("Markdown text cannot form links, images, HTML or autolinks") {
  std::string out = markdown_text("[x](http://e.com) ![i](y) <b> www.e.com", false);
  CHECK(out.find("](") == std::string::npos);
  CHECK(out.find("<b>") == std::string::npos);
  CHECK(out.find("://") == std::string::npos);
  CHECK(out.find("www.") == std::string::npos);
  // '@' would autolink as e-mail even escaped, so such text becomes a code span.
  CHECK(markdown_text("mail me@e.com", false) == "`mail me@e.com`");
  CHECK(markdown_text("a|b", true) == "a\\|b");
}

TEST_CASE("Markdown code spans survive backticks and table pipes") {
  CHECK(markdown_code("a`b", false) == "``a`b``");
  CHECK(markdown_code("`x`", false) == "`` `x` ``");
  CHECK(markdown_code("a|b", true) == "`a\\|b`");
  CHECK(markdown_code("a\nb", false) == "`a b`");
}

TEST_CASE("display width counts wide characters and truncation respects it") {
  CHECK(display_width("abc") == 3);
  CHECK(display_width("\xe4\xb8\xad\xe6\x96\x87") == 4);  // two CJK characters
  std::string cut = truncate_to_width(std::string(150, 'x'), 100);
  CHECK(display_width(cut) == 100);
  CHECK(cut.ends_with("\xe2\x80\xa6"));
  CHECK(truncate_to_width("short", 100) == "short");
}

TEST_CASE("URIs are percent-encoded where a crawled URL holds forbidden characters") {
  CHECK(uri("https://a.example/x y?q=<\">") == "https://a.example/x%20y?q=%3C%22%3E");
  CHECK(uri("https://a.example/%zz") == "https://a.example/%25zz");
  CHECK(uri("https://a.example/%2F") == "https://a.example/%2F");
  CHECK(uri("https://a.example/[x](y)") == "https://a.example/%5Bx%5D(y)");
  CHECK(uri("http://[::1]:8080/[") == "http://[::1]:8080/%5B");
}

TEST_CASE("the JSON report's string writer escapes as the JSON library does, at every offset") {
  using tw::json_stream::Json;
  // A quote, a backslash, a control character, DEL, a non-ASCII letter and an invalid byte, each
  // at every position of strings around the eight-byte steps of the fast path.
  const std::vector<std::string> specials = {"\"", "\\", "\n", "\x01", "\x7f", "\xc3\xa9", "\xff"};
  for (const std::string& special : specials) {
    for (std::size_t length = 0; length <= 17; ++length) {
      for (std::size_t at = 0; at <= length; ++at) {
        std::string text = std::string(at, 'a') + special + std::string(length - at, 'z');
        std::string written;
        tw::json_stream::append_string(written, text);
        CHECK(written == Json(text).dump(-1, ' ', false, Json::error_handler_t::replace));
      }
    }
  }
  std::string plain;
  tw::json_stream::append_string(plain, "https://cdn.example/app.js?v=1");
  CHECK(plain == "\"https://cdn.example/app.js?v=1\"");
}
