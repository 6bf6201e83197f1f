// The string evaluator: URLs a script builds by concatenation, ternaries, the location.protocol
// idiom and variables; hosts written without a scheme; document.write markup; hostile input.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "analyzers/inline_scripts.h"
#include "analyzers/script_strings.h"

namespace {

std::vector<std::string> urls_of(std::string_view script, bool https_page = true) {
  std::vector<std::string> urls;
  for (const tw::BuiltUrl& url : tw::evaluate_script_strings(script, {https_page}).urls) {
    urls.push_back(url.url);
  }
  return urls;
}

using Urls = std::vector<std::string>;

}  // namespace

TEST_CASE("a scheme chosen at run time before a literal host gives an https URL") {
  CHECK(urls_of("s.src = p + '://platform.example.com/w.js';") ==
        Urls{"https://platform.example.com/w.js"});
  CHECK(urls_of("s.src = document.location.protocol + '//cdn.example.net/a.js';") ==
        Urls{"https://cdn.example.net/a.js"});
  CHECK(urls_of("s.src = document.location.protocol + '//cdn.example.net/a.js';", false) ==
        Urls{"http://cdn.example.net/a.js"});
}

TEST_CASE("the location.protocol idiom picks the branch of the page's scheme") {
  std::string_view ga =
      "ga.src = ('https:' == document.location.protocol ? 'https://ssl' : 'http://www') + "
      "'.google-analytics.com/ga.js';";
  CHECK(urls_of(ga) == Urls{"https://ssl.google-analytics.com/ga.js"});
  CHECK(urls_of(ga, false) == Urls{"http://www.google-analytics.com/ga.js"});
  CHECK(urls_of("u = (location.protocol != \"https:\" ? \"http://\" : \"https://\") + "
                "\"stats.example.org/p.js\";") == Urls{"https://stats.example.org/p.js"});
}

TEST_CASE("a literal URL in a branch the page's scheme rules out is not a reference") {
  tw::InlineScriptFacts facts = tw::scan_inline_script(
      "e.setAttribute('src', (('https:' == document.location.protocol) ? "
      "'https://a248.e.akamai.net/chartbeat/' : 'http://static.chartbeat.com/') + "
      "'js/chartbeat.js');");
  REQUIRE(facts.references.size() == 1);
  CHECK(facts.references[0].url == "https://a248.e.akamai.net/chartbeat/js/chartbeat.js");
}

TEST_CASE("a ternary on an unknown condition names both branches") {
  CHECK(urls_of("x.src = (ssl ? 'https://ssl' : 'http://www') + '.vendor.example/x.js';") ==
        Urls{"https://ssl.vendor.example/x.js", "http://www.vendor.example/x.js"});
}

TEST_CASE("variables assigned a string earlier are used; unknown parts end the URL") {
  CHECK(urls_of("var d = 'acme-news'; s.src = 'https://' + d + '.disqus.com/embed.js';") ==
        Urls{"https://acme-news.disqus.com/embed.js"});
  CHECK(urls_of("var u=\"//analytics.example.org/\"; g.src=u+'matomo.js';") ==
        Urls{"//analytics.example.org/matomo.js"});
  CHECK(urls_of("s.src = 'https://cdn.example.com/lib/' + version + '/x.js';") ==
        Urls{"https://cdn.example.com/lib/"});
  // A host that is partly unknown is never reported.
  CHECK(urls_of("s.src = 'https://' + shortname + '.disqus.com/embed.js';").empty());
  CHECK(urls_of("s.src = 'https://static.' + name + '.com/x.js';").empty());
  CHECK(urls_of("s.src = '//' + host + '/api';").empty());
}

TEST_CASE("hosts without a scheme: a script or pixel path, or a host as a property value") {
  auto strings = tw::evaluate_script_strings(
      "NREUM.info={beacon:\"bam.nr-data.net\",agent:\"js-agent.newrelic.com/nr-1234.min.js\","
      "list:[\"other.example.com\"]}; var f = 'jquery.min.js'; var v = '1.2.3';"
      "var p = {\"px\":\"t.example.co.uk\\/p.gif?x=1\"};");
  // "jquery.min.js" has the shape of a host: the caller accepts only catalogue hosts and names
  // under a listed public suffix (tests/unit/analyzers_page_test.cpp).
  REQUIRE(strings.urls.size() == 4);
  CHECK(strings.urls[0].url == "https://bam.nr-data.net");
  CHECK(strings.urls[0].form == tw::UrlForm::host_only);
  CHECK(strings.urls[1].url == "https://js-agent.newrelic.com/nr-1234.min.js");
  CHECK(strings.urls[1].form == tw::UrlForm::host_and_script);
  CHECK(strings.urls[2].url == "https://jquery.min.js");
  CHECK(strings.urls[2].form == tw::UrlForm::host_only);
  CHECK(strings.urls[3].url == "https://t.example.co.uk/p.gif?x=1");
  CHECK(strings.urls[3].form == tw::UrlForm::host_and_script);
}

TEST_CASE("each URL carries the offset of its first literal") {
  std::string_view script = "x = 1;\nvar s = (ssl ? 'https://ssl' : 'http://www') + '.v.example/a.js';";
  auto strings = tw::evaluate_script_strings(script);
  REQUIRE(strings.urls.size() == 2);
  CHECK(script.substr(strings.urls[0].offset, 11) == "https://ssl");
  CHECK(script.substr(strings.urls[1].offset, 10) == "http://www");
}

TEST_CASE("hostnames with an underscore and JSON-escaped URLs") {
  CHECK(urls_of("s.src = 'https://' + 'my_cdn.example.com/a.js';") ==
        Urls{"https://my_cdn.example.com/a.js"});
  tw::InlineScriptFacts facts =
      tw::scan_inline_script("var c = {\"src\":\"https:\\/\\/tags_eu.example.net\\/t.js\"};");
  REQUIRE(facts.references.size() == 1);
  CHECK(facts.references[0].url == "https://tags_eu.example.net/t.js");
}

TEST_CASE("comments, regular expressions and templates do not confuse the strings") {
  CHECK(urls_of("// 'https://' + 'a.example.com/x.js'\n/* '//' + 'b.example.com/y.js' */"
                "var r = /'/g; s.src = 'https://' + 'c.example.com/z.js';") ==
        Urls{"https://c.example.com/z.js"});
  CHECK(urls_of("var n = a / b; s.src = 'https://' + 'd.example.com/z.js'; m = c / 2;") ==
        Urls{"https://d.example.com/z.js"});
  CHECK(urls_of("s.src = `https://e.example.com/${path}` + 'x.js';") ==
        Urls{"https://e.example.com/"});
}

TEST_CASE("document.write markup is kept with where each part was written") {
  std::string_view script =
      "document.write('<script src=\"' + (ssl ? 'https://a' : 'http://a') + "
      "'.example.com/x.js\"></scr' + 'ipt>');";
  auto strings = tw::evaluate_script_strings(script);
  REQUIRE(strings.writes.size() == 1);
  const tw::WrittenMarkup& write = strings.writes[0];
  CHECK(write.markup == "<script src=\"https://a.example.com/x.js\"></script>");
  std::size_t src = write.markup.find("https://");
  CHECK(script.substr(tw::script_offset_of(write, src), 9) == "https://a");
  CHECK(script.substr(tw::script_offset_of(write, 0), 7) == "<script");
  CHECK(tw::evaluate_script_strings("document.write(x)").writes.empty());
  CHECK(tw::evaluate_script_strings("document.write('plain text')").writes.empty());
}

TEST_CASE("the evaluation stays linear and shallow on hostile scripts") {
  auto repeat = [](std::string_view unit, std::size_t times) {
    std::string out;
    out.reserve(unit.size() * times);
    for (std::size_t i = 0; i < times; ++i) out += unit;
    return out;
  };
  const std::string hostile[] = {
      repeat("(", 200000) + "'https://x.example.com/'" + repeat(")", 200000),
      repeat("a ? ", 200000) + "'https://x.example.com/'",
      "s = 'https://x.example.com/'" + repeat(" + (c ? 'a' : 'b')", 100000),
      "s = ''" + repeat(" + 'aaaaaaaaaaaaaaaa'", 200000),
      repeat("/[/", 100000) + "\n" + repeat("x / y / ", 100000),
      repeat("`${'${`", 100000),
      repeat("var a = 'x'; a = a + a; ", 50000),
      repeat("document.write('<p>' + ", 50000),
      repeat("'\\", 300000),
  };
  // Each is a few hundred kilobytes: linear work is milliseconds, quadratic work would be hours
  // (and a stack overflow for the nesting).
  for (const std::string& script : hostile) {
    INFO(script.substr(0, 40));
    tw::ScriptStrings strings = tw::evaluate_script_strings(script);
    tw::scan_inline_script(script);
    CHECK(strings.writes.size() <= 32);
    for (const tw::BuiltUrl& url : strings.urls) CHECK(url.url.size() <= 2048 + 8);
  }
}
