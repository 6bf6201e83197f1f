// The fast resolution path must agree with model/url.h resolve_url wherever it answers.
#include <catch2/catch.hpp>

#include <string>

#include "analyzers/fast_url.h"
#include "model/url.h"

namespace {

std::optional<std::string> slow(std::string_view base, std::string_view reference) {
  std::optional<std::string> resolved = tw::resolve_url(base, reference);
  if (resolved) {
    if (std::size_t hash = resolved->find('#'); hash != std::string::npos) resolved->resize(hash);
  }
  return resolved;
}

}  // namespace

TEST_CASE("fast URL resolution agrees with resolve_url wherever it answers") {
  const char* bases[] = {"https://www.shop.example/a/b/page.html",
                         "https://www.shop.example/",
                         "http://127.0.0.1:8089/docs/x.html?q=1#top",
                         "https://www.shop.example/a/b/",
                         "https://www.shop.example:8443/dir/file",
                         "https://xn--bcher-kva.example/%7Euser/index.html",
                         "HTTPS://WWW.SHOP.EXAMPLE/a/"};
  const char* references[] = {"https://cdn.example.net/lib.js",
                              "https://cdn.example.net/a/b.js?x=1&y=2#frag",
                              "http://cdn.example.net/",
                              "https://CDN.example.net/x",
                              "https://cdn.example.net",
                              "https://cdn.example.net:443/x",
                              "https://user@cdn.example.net/x",
                              "/root.html",
                              "/root.html#f",
                              "/a/./b",
                              "/a/../b",
                              "rel.html",
                              "sub/dir/file.png?w=1",
                              "../up.html",
                              "./same.html",
                              "?only=query",
                              "#only-fragment",
                              "//proto.relative.example/x",
                              "javascript:alert(1)",
                              "mailto:a@b.example",
                              "data:text/plain,hi",
                              "a b.html",
                              "/path with space",
                              "/%41%42",
                              "/caf\xc3\xa9",
                              "file.html:colon",
                              "c:/windows",
                              "/a;b,c!d*e(f)g$h@i+j~k",
                              "https://cdn.example.net/a//b",
                              "https://a..b/x",
                              "https://.example/x",
                              "https://example./x",
                              "https://127.1/x",
                              "https://[::1]/x",
                              "https://cdn.example.net/x?y=/../z",
                              "https://cdn.example.net/x?",
                              "/x?#f",
                              "//cdn.example.net/p.js",
                              "//CDN.example.net/p.js",
                              "/.",
                              "/..",
                              "..",
                              ".",
                              "../../../../x.html",
                              "../../x/./y/../z.html#f",
                              "a/./b/../c",
                              "a/..",
                              "a/../",
                              "./",
                              "../",
                              "../x?y=/../z",
                              "/a/b/../../../c",
                              "..?q=1",
                              ".#f",
                              "../.hidden/..x/x..",
                              "/./../a"};
  std::size_t answered = 0;
  for (const char* base : bases) {
    tw::FastResolver fast(base);
    for (const char* reference : references) {
      std::optional<std::string> quick = fast.resolve(reference);
      if (!quick) continue;
      ++answered;
      INFO("base " << base << " reference " << reference);
      CHECK(quick == slow(base, reference));
    }
  }
  CHECK(answered > 30);  // the fast path must actually cover the common shapes
}

TEST_CASE("fast URL resolution removes dot segments from relative links itself") {
  tw::FastResolver fast("https://www.shop.example/a/b/page.html");
  CHECK(fast.resolve("../x.html") == "https://www.shop.example/a/x.html");
  CHECK(fast.resolve("../../../x.html#top") == "https://www.shop.example/x.html");
  CHECK(fast.resolve("./c/../d?q=/../e") == "https://www.shop.example/a/b/d?q=/../e");
  CHECK(fast.resolve("/p/./q/..") == "https://www.shop.example/p/");
}
