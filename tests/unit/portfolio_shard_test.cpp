// Shards: every target in exactly one shard, the same one on every machine, and the specs and
// scheduler variables that choose a runner's shard.
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "portfolio/shard.h"

namespace {

tw::EnvironmentLookup environment(std::map<std::string, std::string> variables) {
  return [variables](const std::string& name) -> std::optional<std::string> {
    auto found = variables.find(name);
    if (found == variables.end()) return std::nullopt;
    return found->second;
  };
}

}  // namespace

TEST_CASE("the hash is 64-bit FNV-1a, pinned against independently computed values") {
  // The published FNV-1a test vectors, then identities hashed by a separate implementation.
  CHECK(tw::fnv1a_64("") == 0xcbf29ce484222325ull);
  CHECK(tw::fnv1a_64("a") == 0xaf63dc4c8601ec8cull);
  CHECK(tw::fnv1a_64("foobar") == 0x85944171f73967e8ull);
  CHECK(tw::fnv1a_64("https://www.example.com/") == 0x78741b7aa5f8cdfbull);
  CHECK(tw::fnv1a_64("public") == 0xf4b72165f60f5b60ull);
}

TEST_CASE("a target's shard is pinned for every N from 1 to 8") {
  const std::vector<int> www{1, 2, 1, 4, 5, 4, 1, 4};
  const std::vector<int> checkout{1, 1, 3, 3, 3, 3, 6, 7};
  const std::vector<int> blog{1, 1, 1, 1, 3, 1, 7, 5};
  for (int n = 1; n <= 8; ++n) {
    INFO("N = " << n);
    CHECK(tw::shard_of("https://www.example.com/", n) == www[n - 1]);
    CHECK(tw::shard_of("https://shop.example.com/checkout", n) == checkout[n - 1]);
    CHECK(tw::shard_of("sites/blog", n) == blog[n - 1]);
  }
}

TEST_CASE("every target falls in exactly one shard, for N from 1 to 8") {
  std::vector<std::string> identities;
  for (int i = 0; i < 200; ++i)
    identities.push_back("https://site" + std::to_string(i) + ".example/");
  for (int n = 1; n <= 8; ++n) {
    std::vector<int> sizes(static_cast<std::size_t>(n), 0);
    for (const std::string& identity : identities) {
      int holders = 0;
      for (int k = 1; k <= n; ++k) holders += tw::shard_of(identity, n) == k ? 1 : 0;
      CHECK(holders == 1);
      sizes[static_cast<std::size_t>(tw::shard_of(identity, n) - 1)] += 1;
    }
    // Not a statistical test: only that no shard is left empty by a degenerate hash.
    for (int size : sizes) CHECK(size > 0);
  }
}

TEST_CASE("a target's identity ignores how the URL or directory is spelled") {
  CHECK(tw::shard_identity("HTTPS://WWW.Example.com:443") == "https://www.example.com/");
  CHECK(tw::shard_identity("https://www.example.com/#top") == "https://www.example.com/");
  CHECK(tw::shard_identity("./public/") == "public");
  CHECK(tw::shard_identity("sites//blog/./") == "sites/blog");
  CHECK(tw::shard_identity("/srv/www/") == "/srv/www");
}

TEST_CASE("--shard K/N counts from 1; anything else is one clear error") {
  tw::Result<tw::Shard> shard = tw::parse_shard("2/4");
  REQUIRE(shard);
  CHECK(shard->index == 2);
  CHECK(shard->count == 4);
  for (const char* bad :
       {"0/4", "5/4", "1/0", "4", "a/b", "1/4x", "-1/4", "+1/4", "1/10001", "", "/4", "1/"}) {
    INFO(bad);
    tw::Result<tw::Shard> refused = tw::parse_shard(bad);
    REQUIRE_FALSE(refused);
    CHECK_THAT(refused.error(), Catch::StartsWith("--shard must be K/N with 1 <= K <= N"));
  }
}

TEST_CASE("--shard auto reads the Kubernetes, GitLab or generic variables") {
  tw::Result<tw::Shard> kubernetes = tw::shard_from_environment(
      environment({{"JOB_COMPLETION_INDEX", "0"}, {"TAGWARDEN_SHARD_TOTAL", "4"}}));
  REQUIRE(kubernetes);
  CHECK(kubernetes->index == 1);
  CHECK(kubernetes->count == 4);
  tw::Result<tw::Shard> gitlab =
      tw::shard_from_environment(environment({{"CI_NODE_INDEX", "3"}, {"CI_NODE_TOTAL", "3"}}));
  REQUIRE(gitlab);
  CHECK(gitlab->index == 3);
  CHECK(gitlab->count == 3);
  tw::Result<tw::Shard> generic = tw::shard_from_environment(
      environment({{"TAGWARDEN_SHARD_INDEX", "1"}, {"TAGWARDEN_SHARD_TOTAL", "2"}}));
  REQUIRE(generic);
  CHECK(generic->index == 2);
  CHECK(generic->count == 2);
}

TEST_CASE("--shard auto without a usable shard in the environment says which variable") {
  CHECK_THAT(tw::shard_from_environment(environment({})).error(),
             Catch::StartsWith("--shard auto: no shard in the environment"));
  CHECK(tw::shard_from_environment(environment({{"JOB_COMPLETION_INDEX", "0"}})).error() ==
        "--shard auto: JOB_COMPLETION_INDEX is set but TAGWARDEN_SHARD_TOTAL (the number of "
        "shards) is not");
  CHECK(tw::shard_from_environment(
            environment({{"JOB_COMPLETION_INDEX", "4"}, {"TAGWARDEN_SHARD_TOTAL", "4"}}))
            .error() ==
        "--shard auto: JOB_COMPLETION_INDEX must be from 0 to 3 when TAGWARDEN_SHARD_TOTAL is 4, "
        "not '4'");
  CHECK(tw::shard_from_environment(environment({{"CI_NODE_INDEX", "0"}, {"CI_NODE_TOTAL", "2"}}))
            .error() ==
        "--shard auto: CI_NODE_INDEX must be from 1 to 2 when CI_NODE_TOTAL is 2, not '0'");
  CHECK_THAT(
      tw::shard_from_environment(environment({{"CI_NODE_INDEX", "1"}, {"CI_NODE_TOTAL", "many"}}))
          .error(),
      Catch::StartsWith("--shard auto: CI_NODE_TOTAL must be a number of shards"));
}
