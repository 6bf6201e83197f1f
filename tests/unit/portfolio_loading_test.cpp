// The portfolio file: what an entry can say, how its secrets come from the environment, and every
// way a bad file is refused with file:line:column before anything is crawled.
#include <catch2/catch.hpp>

#include <map>

#include "portfolio/portfolio.h"

namespace {

// Beside the fixture policies, so `policy:` paths resolve against tests/fixtures/portfolios.
const std::string kOrigin = std::string(TW_FIXTURES) + "/portfolios/portfolio.yaml";

tw::Result<tw::Portfolio> load(const std::string& yaml) {
  return tw::load_portfolio_text(yaml, kOrigin);
}

tw::EnvironmentLookup environment(std::map<std::string, std::string> variables) {
  return [variables](const std::string& name) -> std::optional<std::string> {
    auto found = variables.find(name);
    if (found == variables.end()) return std::nullopt;
    return found->second;
  };
}

constexpr const char* kTwoSites = R"(version: 1
targets:
  - target: https://www.example.com/
    policy: policies/www.yaml
  - target: ./public/
    base_url: https://shop.example.com/
    policy: policies/shop.yaml
    headers: {X-Preview: "1"}
    header_env: {Authorization: SHOP_TOKEN}
    cookie_env: SHOP_PREVIEW_COOKIE
    basic_auth_env: SHOP_USER
)";

}  // namespace

TEST_CASE("a portfolio lists URL and directory targets with their policies and shaping") {
  tw::Result<tw::Portfolio> portfolio = load(kTwoSites);
  REQUIRE(portfolio);
  REQUIRE(portfolio->targets.size() == 2);
  const tw::PortfolioTarget& www = portfolio->targets[0];
  CHECK(www.target == "https://www.example.com/");
  CHECK(www.scan_target == "https://www.example.com/");
  CHECK(www.policy == std::string(TW_FIXTURES) + "/portfolios/policies/www.yaml");
  CHECK(www.name == "www.example.com");
  CHECK(www.where.line == 3);
  const tw::PortfolioTarget& shop = portfolio->targets[1];
  CHECK(shop.identity == "public");
  CHECK(shop.scan_target == std::string(TW_FIXTURES) + "/portfolios/public");
  CHECK(shop.base_url == "https://shop.example.com/");
  CHECK(shop.name == "public");
  CHECK(shop.headers.at("X-Preview") == "1");
  CHECK(shop.header_env.at("Authorization") == "SHOP_TOKEN");
  CHECK(shop.cookie_env == "SHOP_PREVIEW_COOKIE");
  CHECK(shop.basic_auth_env == "SHOP_USER");
}

TEST_CASE("secrets come from the named environment variables, added to the command line's") {
  tw::Portfolio portfolio = load(kTwoSites).value();
  tw::RequestShaping command_line;
  command_line.headers = {"X-Run: nightly"};
  command_line.cookie = "from=flag";
  tw::Result<tw::RequestShaping> shaped =
      tw::shaped_request(portfolio, portfolio.targets[1], command_line,
                         environment({{"SHOP_TOKEN", "Bearer t0ken"},
                                      {"SHOP_PREVIEW_COOKIE", "preview=s3cret"},
                                      {"SHOP_USER", "ops:pa55"}}));
  REQUIRE(shaped);
  CHECK(shaped->headers ==
        std::vector<std::string>{"X-Run: nightly", "X-Preview: 1", "Authorization: Bearer t0ken"});
  CHECK(shaped->cookie == "preview=s3cret");
  CHECK(shaped->user == "ops:pa55");
}

TEST_CASE("a named variable missing from the environment is one line naming it, not a value") {
  tw::Portfolio portfolio = load(kTwoSites).value();
  tw::Result<tw::RequestShaping> shaped =
      tw::shaped_request(portfolio, portfolio.targets[1], {},
                         environment({{"SHOP_TOKEN", "Bearer t0ken"}, {"SHOP_USER", "ops:pa55"}}));
  REQUIRE_FALSE(shaped);
  CHECK(shaped.error() == kOrigin +
                              ":5:5: environment variable SHOP_PREVIEW_COOKIE (cookie_env of "
                              "./public/) is not set or empty");
  CHECK(shaped.error().find("t0ken") == std::string::npos);
  tw::Result<tw::RequestShaping> no_colon = tw::shaped_request(
      portfolio, portfolio.targets[1], {},
      environment({{"SHOP_TOKEN", "x"}, {"SHOP_PREVIEW_COOKIE", "a=b"}, {"SHOP_USER", "pa55"}}));
  REQUIRE_FALSE(no_colon);
  CHECK_THAT(no_colon.error(), Catch::Contains("must hold user:password"));
  CHECK(no_colon.error().find("pa55") == std::string::npos);
}

TEST_CASE("a secret written into the portfolio is refused") {
  tw::Result<tw::Portfolio> cookie = load(
      "targets:\n"
      "  - target: https://a.example/\n"
      "    cookie: session=abc\n");
  REQUIRE_FALSE(cookie);
  CHECK_THAT(cookie.error(), Catch::StartsWith(kOrigin + ":3:5: 'cookie' would write a secret"));
  CHECK_THAT(cookie.error(), Catch::Contains("cookie_env"));
  tw::Result<tw::Portfolio> header = load(
      "targets:\n"
      "  - target: https://a.example/\n"
      "    headers: {Authorization: Bearer abc}\n");
  REQUIRE_FALSE(header);
  CHECK_THAT(header.error(),
             Catch::StartsWith(kOrigin + ":3:15: header 'Authorization' carries a secret"));
  tw::Result<tw::Portfolio> value_as_name = load(
      "targets:\n"
      "  - target: https://a.example/\n"
      "    cookie_env: session=abc123\n");
  REQUIRE_FALSE(value_as_name);
  CHECK_THAT(value_as_name.error(), Catch::StartsWith(kOrigin + ":3:17: cookie_env must name"));
  CHECK(value_as_name.error().find("abc123") == std::string::npos);
}

TEST_CASE("an unknown key lists the keys to use, never the refused secret keys") {
  tw::Result<tw::Portfolio> portfolio =
      load("targets:\n  - target: https://a.example/\n    cookie_variable: X\n");
  REQUIRE_FALSE(portfolio);
  CHECK(portfolio.error() == kOrigin +
                                 ":3:5: unknown key 'cookie_variable' in a target; expected one "
                                 "of: target, base_url, policy, name, headers, header_env, "
                                 "cookie_env, basic_auth_env");
}

TEST_CASE("bad portfolios are refused with file:line:column") {
  struct Case {
    const char* yaml;
    std::string expected;
  };
  const Case cases[] = {
      {"targets:\n  - target: https://a.example/\n    polcy: policies/www.yaml\n",
       ":3:5: unknown key 'polcy' in a target (did you mean 'policy'?)"},
      {"targets:\n  - policy: policies/www.yaml\n",
       ":2:5: this entry has no target (an http(s) URL or a directory)"},
      {"targets:\n  - target: https://a.example/\n    policy: policies/missing.yaml\n",
       ":3:13: policy file 'policies/missing.yaml' does not exist"},
      {"targets:\n  - target: https://a.example/\n  - target: HTTPS://A.example:443/\n",
       ":3:13: target 'HTTPS://A.example:443/' is listed already (line 2)"},
      {"targets:\n  - target: https://a.example/\n    base_url: https://b.example/\n",
       ":3:15: base_url is for directory targets"},
      {"targets:\n  - target: ftp://a.example/\n", ":2:13: target 'ftp://a.example/' is neither"},
      {"targets:\n  - target: sites/a\n  - target: sites_a\n",
       ":3:5: the reports of this target would go to 'sites_a/' like those of line 2"},
      {"targets:\n  - target: a\n    name: ../up\n", ":3:11: name must be letters"},
      {"targets: []\n", ":1:10: targets must be a non-empty list"},
      {"version: 2\ntargets:\n  - target: a\n", ":1:10: version must be 1"},
      {"sites:\n  - target: a\n", ":1:1: unknown key 'sites' in the portfolio"},
      {"targets:\n  - target: a\n    target: b\n",
       ":3:5: duplicate key 'target' (first at line 2)"},
      {"targets: [\n", ":2:1: not valid YAML"},
      {"- target: a\n", ":1:1: a portfolio is a mapping"},
  };
  for (const Case& c : cases) {
    INFO(c.yaml);
    tw::Result<tw::Portfolio> portfolio = load(c.yaml);
    REQUIRE_FALSE(portfolio);
    CHECK_THAT(portfolio.error(), Catch::StartsWith(kOrigin + c.expected));
  }
}

TEST_CASE("aliases that expand past the limit are refused, as in a policy") {
  std::string yaml = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  std::string previous = "a";
  for (char name = 'b'; name <= 'h'; ++name) {
    yaml += std::string(1, name) + ": &" + name + " [";
    for (int i = 0; i < 10; ++i) yaml += (i ? ", *" : "*") + previous;
    yaml += "]\n";
    previous = std::string(1, name);
  }
  tw::Result<tw::Portfolio> portfolio = load(yaml + "targets:\n  - target: a\n");
  REQUIRE_FALSE(portfolio);
  CHECK_THAT(portfolio.error(), Catch::Contains("expands to more than 200000 entries"));
}
