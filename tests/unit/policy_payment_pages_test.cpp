// payment_pages and scripts_file: what they say, how a script is judged against the scripts file,
// and every way a bad scripts file is refused with file:line:column.
#include <catch2/catch.hpp>

#include <unistd.h>
#include <filesystem>
#include <fstream>

#include "policy/policy.h"
#include "policy/policy_model.h"

namespace {

namespace fs = std::filesystem;

constexpr const char* kHash =
    "sha384-oqVuAfXRKap7fdgcCY5uykM6+R9GqQ8K/uxy9rx7HNQlGYl1kPzQho1wx4JwY8wC";
constexpr const char* kOther =
    "sha384-AAAAAfXRKap7fdgcCY5uykM6+R9GqQ8K/uxy9rx7HNQlGYl1kPzQho1wx4JwY8wC";

// A policy and its scripts file in a fresh folder; loads the policy from disk.
struct PolicyFolder {
  fs::path dir = fs::temp_directory_path() / ("tw-payment-" + std::to_string(getpid()));
  PolicyFolder() { fs::create_directories(dir); }
  ~PolicyFolder() { fs::remove_all(dir); }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir / name) << text;
  }
  tw::Result<tw::SanctionedStack> load(const std::string& scripts) {
    write("policy.yaml", "version: 1\npayment_pages: [/checkout/**]\nscripts_file: scripts.yaml\n");
    write("scripts.yaml", scripts);
    return tw::load_policy_file((dir / "policy.yaml").string(), {});
  }
};

}  // namespace

TEST_CASE("payment pages are named by path globs") {
  PolicyFolder folder;
  auto policy = folder.load("version: 1\nscripts: []\n");
  REQUIRE(policy.ok());
  CHECK(tw::is_payment_page(*policy, "/checkout"));
  CHECK(tw::is_payment_page(*policy, "/checkout/card"));
  CHECK_FALSE(tw::is_payment_page(*policy, "/products"));
}

TEST_CASE("a script is authorized by its hash, its URL, or both") {
  PolicyFolder folder;
  auto policy = folder.load(
      std::string("scripts:\n") + "  - {url: \"https://shop.example/js/*.js\", owner: web}\n" +
      "  - {url: \"https://pay.example/v3/**\", sha384: \"" + kHash + "\"}\n" + "  - {sha384: \"" +
      kOther + "\", approved_on: 2026-01-31}\n");
  REQUIRE(policy.ok());
  const tw::PaymentPolicy& payment = policy->details->payment;
  REQUIRE(payment.scripts.size() == 3);
  CHECK(tw::judge_script(payment, "https://shop.example/js/app.js", false, "sha384-y").entry ==
        &payment.scripts[0]);
  CHECK(tw::judge_script(payment, "https://pay.example/v3/pay.js", false, kHash).entry ==
        &payment.scripts[1]);
  auto changed = tw::judge_script(payment, "https://pay.example/v3/pay.js", false, "sha384-x");
  CHECK(changed.entry == nullptr);
  CHECK(changed.pinned == &payment.scripts[1]);
  // An inline script is authorized by its content wherever it stands on the page.
  CHECK(tw::judge_script(payment, "https://shop.example/checkout#inline-3", true, kHash).entry ==
        &payment.scripts[1]);
  CHECK(tw::judge_script(payment, "https://elsewhere.example/a.js", false, kOther).entry ==
        &payment.scripts[2]);
  CHECK(tw::judge_script(payment, "https://elsewhere.example/a.js", false, kHash).entry == nullptr);
}

TEST_CASE("a bad scripts file is refused with its own file, line and column") {
  PolicyFolder folder;
  auto policy = folder.load(
      "scripts:\n"
      "  - url: cdn.example.com/app.js\n"
      "  - sha384: sha256-abc\n"
      "  - owner: nobody\n"
      "  - {url: \"https://a.example/x.js\", approved_on: yesterday, colour: red}\n");
  REQUIRE_FALSE(policy.ok());
  std::string file = (folder.dir / "scripts.yaml").string();
  CHECK_THAT(policy.error(), Catch::Contains(file + ":2:10: bad URL pattern"));
  CHECK_THAT(policy.error(), Catch::Contains(file + ":3:13: sha384 must be written"));
  CHECK_THAT(policy.error(), Catch::Contains(file + ":4:5: an authorized script names its url"));
  CHECK_THAT(policy.error(), Catch::Contains(file + ":5:50: approved_on must be a date"));
  CHECK_THAT(policy.error(), Catch::Contains(file + ":5:61: unknown key 'colour'"));
}

TEST_CASE("a missing scripts file, or one without payment pages, is a policy error") {
  PolicyFolder folder;
  folder.write("policy.yaml",
               "version: 1\npayment_pages: [/checkout/**]\nscripts_file: none.yaml\n");
  auto missing = tw::load_policy_file((folder.dir / "policy.yaml").string(), {});
  REQUIRE_FALSE(missing.ok());
  CHECK_THAT(missing.error(), Catch::Contains("policy.yaml:3:15: "));
  CHECK_THAT(missing.error(), Catch::Contains("cannot read the scripts file"));
  auto alone = tw::load_policy_text("scripts_file: scripts.yaml\n", "p.yaml", tw::RuleIds{});
  REQUIRE_FALSE(alone.ok());
  CHECK_THAT(alone.error(), Catch::Contains("p.yaml:1:1: scripts_file needs payment_pages too"));
  auto empty = tw::load_policy_text("payment_pages: []\n", "p.yaml", tw::RuleIds{});
  REQUIRE_FALSE(empty.ok());
  CHECK_THAT(empty.error(), Catch::Contains("p.yaml:1:16: payment_pages must be a non-empty list"));
}

TEST_CASE("the scripts file changes the policy digest, so approvals are recorded with a scan") {
  PolicyFolder folder;
  auto before = folder.load("scripts: []\n");
  auto after = folder.load(std::string("scripts:\n  - sha384: \"") + kHash + "\"\n");
  REQUIRE(before.ok());
  REQUIRE(after.ok());
  CHECK(before->digest != after->digest);
}
