// The sanctioned-stack policy: what it can say, and every way a bad file is refused with
// file:line:column.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "policy/policy.h"
#include "policy/policy_model.h"

namespace {

// The rule ids these policies may name; the loader knows no rules of its own (the registry above
// it passes them in).
constexpr std::string_view kRuleIds[] = {"TW300", "TW302", "TW307", "TW400", "TW406"};

tw::Result<tw::SanctionedStack> load(const std::string& yaml, std::string today = "2026-06-01") {
  tw::PolicyLoadOptions options;
  options.today = std::move(today);
  options.rule_ids = kRuleIds;
  return tw::load_policy_text(yaml, "policy.yaml", options);
}

constexpr const char* kFullPolicy = R"(version: 1
site:
  domains: [example-shop.com]
custom_vendors:
  - name: Acme Reviews
    company: Acme Ltd
    category: content
    domains: [reviews.acme-widgets.example]
vendors:
  - name: Google Tag Manager
    owner: web-team@example-shop.com
    purpose: container for marketing tags
    ids: [GTM-ABC123]
  - name: Meta Pixel
    owner: marketing
    hosts: [pixel.partner.example]
  - name: Acme Reviews
    paths: ["/products/**"]
required:
  - vendor: Google Tag Manager
    id: GTM-ABC123
forbidden:
  - category: advertising
    paths: ["/checkout/**", "/account/**"]
    reason: no ad pixels where people pay
sensitive_paths:
  - /checkout/**
  - regex: "[?&]order="
budgets:
  third_party_hosts_per_page: 12
  third_party_bytes_per_page: 2 MiB
  slow_response_ms: 1500
  vendors_per_category: {analytics: 2, default: 3}
rules:
  TW400: low
  TW406: off
  TW307: {severity: medium, enabled: true}
suppressions:
  - rule: TW300
    page: /legacy/**
    reason: frozen legacy pages, replaced in Q3
    expires: 2026-09-30
  - rule: TW302
    host: "*.old-cdn.example"
    reason: vendor migrates
    expires: 2026-01-31
)";

}  // namespace

TEST_CASE("a full policy loads with every section") {
  auto policy = load(kFullPolicy);
  INFO((policy.ok() ? std::string() : policy.error()));
  REQUIRE(policy.ok());
  CHECK(policy->own_domains == std::vector<std::string>{"example-shop.com"});
  REQUIRE(policy->vendors.size() == 3);
  CHECK(policy->vendors[0].allowed_ids == std::vector<std::string>{"GTM-ABC123"});
  const tw::SanctionedStack::Details& d = *policy->details;
  REQUIRE(d.required.size() == 1);
  CHECK(d.required[0].id == "GTM-ABC123");
  REQUIRE(d.forbidden.size() == 1);
  CHECK(d.forbidden[0].paths.matches("/checkout/pay"));
  CHECK_FALSE(d.forbidden[0].paths.matches("/blog/"));
  REQUIRE(d.sensitive.size() == 2);
  CHECK(d.sensitive[1].matches("/thanks", "/thanks?order=42"));
  CHECK(d.budgets.third_party_hosts_per_page == 12);
  CHECK(d.budgets.third_party_bytes_per_page == 2 * 1024 * 1024);
  CHECK(d.budgets.slow_response_ms == 1500);
  CHECK(d.budgets.vendors_per_category.at("analytics") == 2);
  CHECK(d.budgets.default_vendors_per_category == 3);
  CHECK(d.rules.at("TW400").severity == tw::Severity::low);
  CHECK_FALSE(d.rules.at("TW406").enabled);
  REQUIRE(d.suppressions.size() == 2);
  CHECK_FALSE(d.suppressions[0].expired);
  CHECK(d.suppressions[1].expired);
  CHECK_FALSE(policy->digest.empty());
}

TEST_CASE("custom vendors and extra hosts join the policy's catalogue") {
  auto policy = load(kFullPolicy);
  REQUIRE(policy.ok());
  const tw::VendorEntry* acme = policy->catalogue.find_by_host("reviews.acme-widgets.example");
  REQUIRE(acme != nullptr);
  CHECK(acme->name == "Acme Reviews");
  CHECK(acme->category == "content");
  const tw::VendorEntry* partner = policy->catalogue.find_by_host("pixel.partner.example");
  REQUIRE(partner != nullptr);
  CHECK(partner->name == "Meta Pixel");
  CHECK(tw::find_sanctioned(*policy, "", "pixel.partner.example") != nullptr);
}

TEST_CASE("expired suppressions are warnings with their position") {
  auto policy = load(kFullPolicy);
  REQUIRE(policy.ok());
  auto warnings = tw::policy_warnings(*policy);
  REQUIRE(warnings.size() == 1);
  CHECK_THAT(warnings[0], Catch::StartsWith("policy.yaml:43:5: suppression of TW302 expired"));
}

TEST_CASE("an empty policy is an error") {
  auto policy = load("");
  REQUIRE_FALSE(policy.ok());
  CHECK_THAT(policy.error(), Catch::StartsWith("policy.yaml:1:1: the policy is empty"));
  CHECK_FALSE(load("# only a comment\n").ok());
}

TEST_CASE("text that is not YAML is an error with its position") {
  auto policy = load("vendors:\n  - name: [Google\n");
  REQUIRE_FALSE(policy.ok());
  CHECK_THAT(policy.error(), Catch::Contains("not valid YAML"));
  CHECK_THAT(policy.error(), Catch::StartsWith("policy.yaml:"));
}

TEST_CASE("a policy that is a list or a word is refused") {
  CHECK_THAT(load("- a\n- b\n").error(), Catch::Contains("not a list"));
  CHECK_THAT(load("hello\n").error(), Catch::Contains("not a single value"));
}

TEST_CASE("unknown keys are reported with a suggestion") {
  auto policy = load("vendor:\n  - name: Hotjar\n");
  REQUIRE_FALSE(policy.ok());
  CHECK_THAT(policy.error(),
             Catch::StartsWith("policy.yaml:1:1: unknown key 'vendor' in the policy (did you mean "
                               "'vendors'?)"));
  CHECK_THAT(load("vendors:\n  - name: Hotjar\n    onwer: me\n").error(),
             Catch::StartsWith("policy.yaml:3:5: unknown key 'onwer'"));
}

TEST_CASE("duplicate keys are reported even though yaml-cpp accepts them") {
  auto policy = load("vendors:\n  - name: Hotjar\n    owner: a\n    owner: b\n");
  REQUIRE_FALSE(policy.ok());
  CHECK(policy.error() == "policy.yaml:4:5: duplicate key 'owner' (first at line 3)");
  CHECK_THAT(load("budgets: {}\nbudgets: {}\n").error(), Catch::Contains("duplicate key"));
}

TEST_CASE("wrong types are reported where they stand") {
  CHECK_THAT(load("vendors:\n  - name: Hotjar\n    paths: /blog/**\n").error(),
             Catch::StartsWith("policy.yaml:3:12: paths must be a list"));
  CHECK_THAT(load("vendors: Hotjar\n").error(),
             Catch::StartsWith("policy.yaml:1:10: vendors must"));
  CHECK_THAT(load("budgets:\n  third_party_hosts_per_page: many\n").error(),
             Catch::Contains("whole number"));
  CHECK_THAT(load("budgets:\n  third_party_hosts_per_page: '12'\n").error(),
             Catch::Contains("whole number"));
  CHECK_THAT(load("budgets:\n  third_party_bytes_per_page: 2 furlongs\n").error(),
             Catch::Contains("must be a size such as"));
  CHECK_THAT(load("budgets:\n  third_party_bytes_per_page: -5\n").error(),
             Catch::Contains("must be a size such as"));
  CHECK_THAT(load("budgets:\n  third_party_bytes_per_page: 99999999999 GiB\n").error(),
             Catch::Contains("must be a size such as"));
  CHECK_THAT(load("budgets:\n  slow_response_ms: soon\n").error(), Catch::Contains("whole number"));
  CHECK_THAT(load("vendors:\n  - name: Hotjar\n    ids: {a: 1}\n").error(),
             Catch::Contains("ids must be a list"));
}

TEST_CASE("bad globs and bad regexes are reported with their position") {
  CHECK_THAT(load("forbidden:\n  - category: advertising\n    paths: ['/checkout**']\n").error(),
             Catch::StartsWith("policy.yaml:3:13: bad path pattern '/checkout**'"));
  CHECK_THAT(load("sensitive_paths:\n  - regex: '(unclosed'\n").error(),
             Catch::StartsWith("policy.yaml:2:12: bad regular expression '(unclosed'"));
  CHECK_THAT(load("sensitive_paths: ['/a[b']\n").error(), Catch::Contains("never closed"));
}

TEST_CASE("unknown vendor names suggest the closest catalogue names") {
  auto policy = load("vendors:\n  - name: Google Analitics\n");
  REQUIRE_FALSE(policy.ok());
  CHECK_THAT(policy.error(), Catch::StartsWith("policy.yaml:2:11: unknown vendor 'Google "
                                               "Analitics' (did you mean 'Google Analytics'"));
}

TEST_CASE("unknown categories, rules and severities are errors") {
  CHECK_THAT(load("forbidden:\n  - category: ads\n").error(), Catch::Contains("unknown category"));
  CHECK_THAT(load("rules:\n  TW999: off\n").error(), Catch::Contains("unknown rule 'TW999'"));
  CHECK_THAT(load("rules:\n  TW400: severe\n").error(), Catch::Contains("must be off, on, or"));
  CHECK_THAT(
      load("suppressions:\n  - rule: TW300\n    reason: x\n    expires: 2026-02-30\n").error(),
      Catch::Contains("YYYY-MM-DD"));
  CHECK_THAT(load("suppressions:\n  - rule: TW300\n").error(), Catch::Contains("needs a reason"));
}

TEST_CASE("a vendor sanctioned and forbidden on the same path is a contradiction") {
  auto policy = load(
      "vendors:\n  - name: Hotjar\n    paths: ['/checkout/**']\n"
      "forbidden:\n  - vendor: Hotjar\n    paths: ['/checkout/pay']\n");
  REQUIRE_FALSE(policy.ok());
  CHECK_THAT(policy.error(),
             Catch::StartsWith("policy.yaml:5:5: vendor 'Hotjar' is sanctioned (line 2) and "
                               "forbidden on the same pages"));
  // A category ban on some paths does not contradict a vendor sanctioned everywhere.
  CHECK(load("vendors:\n  - name: Meta Pixel\nforbidden:\n  - category: advertising\n"
             "    paths: ['/checkout/**']\n")
            .ok());
  // ... but it does when the vendor is explicitly sanctioned on those paths.
  CHECK_FALSE(load("vendors:\n  - name: Meta Pixel\n    paths: ['/**']\nforbidden:\n"
                   "  - category: advertising\n    paths: ['/checkout/**']\n")
                  .ok());
  CHECK(load("vendors:\n  - name: Hotjar\n    paths: ['/blog/**']\n"
             "forbidden:\n  - vendor: Hotjar\n    paths: ['/checkout/**']\n")
            .ok());
}

TEST_CASE("a required vendor must be sanctioned and not forbidden") {
  CHECK_THAT(load("required:\n  - vendor: Hotjar\n").error(), Catch::Contains("not sanctioned"));
  CHECK_THAT(load("vendors:\n  - name: Google Tag Manager\n    ids: [GTM-A]\n"
                  "required:\n  - vendor: Google Tag Manager\n    id: GTM-B\n")
                 .error(),
             Catch::Contains("not among the ids"));
}

TEST_CASE("every problem is reported, one line each, in file order") {
  auto policy = load("vendors:\n  - name: Nope Vendor\nrules:\n  TW1: off\nextra: 1\n");
  REQUIRE_FALSE(policy.ok());
  const std::string& e = policy.error();
  CHECK(std::count(e.begin(), e.end(), '\n') == 2);
  CHECK(e.find("policy.yaml:2:") < e.find("policy.yaml:4:"));
  CHECK(e.find("policy.yaml:4:") < e.find("policy.yaml:5:"));
}

TEST_CASE("a missing policy file is reported by name") {
  auto policy = tw::load_policy_file("/nonexistent/policy.yaml", kRuleIds);
  REQUIRE_FALSE(policy.ok());
  CHECK_THAT(policy.error(), Catch::StartsWith("/nonexistent/policy.yaml: cannot read"));
}

TEST_CASE("a deeply nested policy is refused without crashing") {
  std::string yaml = "vendors: " + std::string(100000, '[') + std::string(100000, ']') + "\n";
  auto policy = load(yaml);
  REQUIRE_FALSE(policy.ok());
  CHECK_THAT(policy.error(), Catch::Contains("nested more deeply"));
}

TEST_CASE("byte budgets take a plain number or a decimal or binary unit") {
  auto bytes = [](const std::string& text) {
    auto policy = load("budgets:\n  third_party_bytes_per_page: " + text + "\n");
    INFO(text << ": " << (policy.ok() ? std::string() : policy.error()));
    REQUIRE(policy.ok());
    return policy->details->budgets.third_party_bytes_per_page.value();
  };
  CHECK(bytes("500000") == 500'000);
  CHECK(bytes("500 kB") == 500'000);
  CHECK(bytes("500KB") == 500'000);
  CHECK(bytes("3 MB") == 3'000'000);
  CHECK(bytes("64 KiB") == 65'536);
  CHECK(bytes("1 GiB") == 1'073'741'824);
  CHECK(bytes("12 B") == 12);
}

TEST_CASE("a YAML alias bomb is refused with one error instead of being walked") {
  // 531 bytes that expand to 9^9 entries, each level with a duplicate key seen at every use.
  std::string yaml = "a: &a {k: 1, k: 2, x: [x,x,x,x,x,x,x]}\n";
  std::string previous = "a";
  for (char level = 'b'; level <= 'i'; ++level) {
    std::string name(1, level);
    yaml += name + ": &" + name + " [";
    for (int i = 0; i < 9; ++i) yaml += (i ? ",*" : "*") + previous;
    yaml += "]\n";
    previous = name;
  }
  auto policy = load(yaml);
  REQUIRE_FALSE(policy.ok());
  CHECK_THAT(policy.error(), Catch::Contains("aliases"));
  CHECK(std::count(policy.error().begin(), policy.error().end(), '\n') < 5);
}

TEST_CASE("the same problem reached through aliases is reported once") {
  auto policy = load("base: &base {k: 1, k: 2}\none: *base\ntwo: *base\nthree: *base\n");
  REQUIRE_FALSE(policy.ok());
  std::string e = policy.error();
  std::size_t first = e.find("duplicate key 'k'");
  REQUIRE(first != std::string::npos);
  CHECK(e.find("duplicate key 'k'", first + 1) == std::string::npos);
}

TEST_CASE("a directory or an oversized file given as the policy is named for what it is") {
  auto directory = tw::load_policy_file(TW_SOURCE_DIR "/examples", kRuleIds);
  REQUIRE_FALSE(directory.ok());
  CHECK_THAT(directory.error(), Catch::Contains("is a directory"));
  CHECK_THAT(directory.error(), !Catch::Contains("empty"));

  std::string path = std::filesystem::temp_directory_path() / "tw-policy-too-large.yaml";
  {
    std::ofstream out(path, std::ios::binary);
    std::string line = "# " + std::string(1021, 'x') + "\n";
    for (int i = 0; i < 5 * 1024; ++i) out << line;
  }
  auto large = tw::load_policy_file(path, kRuleIds);
  std::filesystem::remove(path);
  REQUIRE_FALSE(large.ok());
  CHECK_THAT(large.error(), Catch::Contains("too large for a policy file"));
}
