// What a page loads beyond scripts, images and frames: icons, manifests, background attributes,
// SVG <use>, srcdoc documents and document.write markup (parsed as HTML, with their positions in
// the page), hosts written without a scheme, and snippets that must not invent a loader host.
#include <catch2/catch.hpp>

#include <string>

#include "analyzers/page_analyzer.h"

namespace {

tw::PageAnalysis analyze(std::string body, std::string url = "https://www.shop.example/") {
  tw::Page page;
  page.requested_url = page.final_url = std::move(url);
  page.body = std::move(body);
  tw::AnalysisContext context;
  context.rules.catalogue = &tw::Catalogue::builtin();
  return tw::analyze_page(std::move(page), context);
}

std::vector<std::string> hosts(const tw::PageAnalysis& analysis) {
  std::vector<std::string> out;
  for (const tw::Tag& tag : analysis.tags) out.push_back(tag.host);
  return out;
}

}  // namespace

TEST_CASE("icons, touch icons, manifests and module preloads are loads of the page") {
  auto analysis = analyze(
      "<link rel='shortcut icon' href='https://a.example/favicon.ico'>\n"
      "<link rel=apple-touch-icon href='https://b.example/touch.png'>\n"
      "<link rel=manifest href='https://c.example/site.webmanifest'>\n"
      "<link rel=modulepreload href='https://d.example/m.js'>\n"
      "<link rel=prefetch href='https://e.example/next.html'>\n"
      "<link rel=alternate href='https://f.example/feed.xml'>");
  CHECK(hosts(analysis) ==
        std::vector<std::string>{"a.example", "b.example", "c.example", "d.example", "e.example"});
  CHECK(analysis.tags[0].kind == tw::TagKind::img);
  CHECK(analysis.tags[2].kind == tw::TagKind::preload);
  CHECK(analysis.tags[1].line == 2);
}

TEST_CASE("background attributes, SVG use and image, object and embed") {
  auto analysis = analyze(
      "<body background='https://a.example/bg.png'><table background='https://b.example/t.png'>"
      "<tr><td background='https://c.example/c.png'>x</td></tr></table>\n"
      "<svg><use href='https://d.example/sprite.svg#i'/><image href='https://e.example/i.png'/>"
      "</svg><object data='https://f.example/o.swf'></object><embed src='https://g.example/e'>");
  CHECK(hosts(analysis) == std::vector<std::string>{"a.example", "b.example", "c.example",
                                                    "d.example", "e.example", "f.example",
                                                    "g.example"});
}

TEST_CASE("style attributes and <style> read url(), @import and image-set()") {
  auto analysis = analyze(
      "<style>@import url('https://fonts.example/css');\n"
      ".h{background-image:image-set('https://img.example/a.png' 1x, url(https://img2.example/"
      "b.png) 2x)}</style><div style=\"background:url(https://c.example/d.png)\"></div>");
  CHECK(hosts(analysis) == std::vector<std::string>{"fonts.example", "img.example",
                                                    "img2.example", "c.example"});
  CHECK(analysis.tags[1].line == 2);
}

TEST_CASE("a srcdoc document is read as HTML with its page positions; src is not loaded") {
  auto analysis = analyze(
      "<p>x</p>\n<iframe src='https://never.example/' srcdoc='<p>ad</p>\n"
      "  <script src=\"https://ads.example/a.js\"></script>'></iframe>");
  REQUIRE(hosts(analysis) == std::vector<std::string>{"ads.example"});
  const tw::Tag& tag = analysis.tags[0];
  CHECK(tag.kind == tw::TagKind::script);
  CHECK(tag.initiator == tw::Initiator::parser);
  CHECK(tag.line == 3);
  CHECK(tag.column == 3);
}

TEST_CASE("document.write markup is parsed as HTML, each element at its place in the script") {
  auto analysis = analyze(
      "<html><head>\n<script>\nvar ssl = 'https:' == document.location.protocol;\n"
      "document.write('<scr' + 'ipt src=\"' + (ssl ? 'https://ssl' : 'http://www') + "
      "'.vendor.example/w.js\"></scr' + 'ipt>' +\n  '<img src=\"https://px.example/p.gif?r=' + "
      "Math.random() + '\" width=1 height=1>');\n</script></head><body></body></html>");
  REQUIRE(hosts(analysis) == std::vector<std::string>{"ssl.vendor.example", "px.example"});
  const tw::Tag& script = analysis.tags[0];
  CHECK(script.kind == tw::TagKind::script);
  CHECK(script.url == "https://ssl.vendor.example/w.js");
  CHECK(script.initiator == tw::Initiator::inline_script);
  CHECK(script.document_write);
  CHECK(script.in_head);
  CHECK(script.line == 4);
  CHECK(script.column == 17);  // the "<scr" literal
  const tw::Tag& pixel = analysis.tags[1];
  CHECK(pixel.kind == tw::TagKind::pixel);
  CHECK(pixel.url == "https://px.example/p.gif?r=");  // cut where the unknown part starts
  CHECK(pixel.line == 5);
  CHECK(pixel.column == 4);
}

TEST_CASE("written markup whose host is not known adds nothing") {
  auto analysis = analyze(
      "<script>document.write('<script src=\"https://' + host + '/x.js\"></scr' + 'ipt>');"
      "</script>");
  CHECK(analysis.tags.empty());
}

TEST_CASE("hosts written without a scheme: catalogue hosts and script paths under a suffix") {
  auto analysis = analyze(
      "<script>NREUM.info={beacon:\"bam.nr-data.net\",errorBeacon:\"bam.nr-data.net\","
      "agent:\"js-agent.newrelic.com/nr-1234.min.js\"};\n"
      "var a = 'jquery.min.js', b = 'widget.acme-tools.com/embed/v2.js', c = 'notes.txt';\n"
      "var d = 'cdn.unknown-vendor.example/lib.js', e = {domain: 'facebook.com'};</script>");
  CHECK(hosts(analysis) ==
        std::vector<std::string>{"bam.nr-data.net", "js-agent.newrelic.com",
                                 "widget.acme-tools.com"});
  CHECK(analysis.tags[0].initiator == tw::Initiator::inline_script);
  CHECK(analysis.tags[0].column == 29);  // the literal's first character
}

TEST_CASE("a snippet's usual loader is not invented when the page writes its own host") {
  SECTION("a self-hosted Matomo loaded from a relative path") {
    auto analysis = analyze(
        "<script>var _paq = window._paq = window._paq || []; _paq.push(['trackPageView']);"
        "(function() { var u='/analytics/'; _paq.push(['setTrackerUrl', u+'matomo.php']);"
        "_paq.push(['setSiteId', '1']); var g=document.createElement('script');"
        "g.src=u+'matomo.js'; })();</script>");
    CHECK(analysis.tags.empty());
  }
  SECTION("a Segment loader on cdn.segment.io") {
    auto analysis = analyze(
        "<script src='https://cdn.segment.io/analytics.js/v1/abcdefgh12/analytics.min.js'>"
        "</script><script>analytics.load(\"abcdefgh12\"); analytics.page();</script>");
    REQUIRE(hosts(analysis) == std::vector<std::string>{"cdn.segment.io"});
    CHECK(analysis.tags[0].ids == std::vector<std::string>{"abcdefgh12"});
  }
  SECTION("a tagging server of the site's own") {
    auto analysis = analyze(
        "<script>(function(w,d,s,l,i){var f=d.getElementsByTagName(s)[0],j=d.createElement(s);"
        "j.src='https://sst.shop.example/gtm.js?id='+i;})(window,document,'script','dataLayer',"
        "'GTM-ABC123');</script>");
    CHECK(analysis.tags.empty());
  }
  SECTION("no host written anywhere: the usual loader stands") {
    auto analysis = analyze("<script>analytics.load(\"abcdefgh12\");</script>");
    REQUIRE(hosts(analysis) == std::vector<std::string>{"cdn.segment.com"});
  }
}

TEST_CASE("written markup and srcdoc are bounded per page") {
  std::string page;
  for (int i = 0; i < 100; ++i) {
    page += "<iframe srcdoc='<img src=https://a" + std::to_string(i) + ".example/x.png>'>" +
            "</iframe>";
  }
  auto analysis = analyze(page);
  CHECK(analysis.tags.size() == 32);
}
