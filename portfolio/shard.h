// Shards: N runners cover one portfolio with no coordinator, each scanning the targets that fall
// in its shard. A target's shard depends on nothing but its own text and N: the 64-bit FNV-1a
// hash of its identity (shard_identity) modulo N, so every runner, machine and build agrees and
// adding a target moves no other one. Shards are counted from 1, as in `--shard 1/4 ... 4/4`.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "model/result.h"
#include "portfolio/portfolio.h"

namespace tw {

inline constexpr int kMaxShards = 10000;

struct Shard {
  int index = 1;  // 1..count
  int count = 1;
};

// "K/N" with 1 <= K <= N <= kMaxShards; the error says what was wrong.
Result<Shard> parse_shard(std::string_view spec);

// The shard a scheduler gave this runner (`--shard auto`), from the first of:
//   JOB_COMPLETION_INDEX (0-based, Kubernetes Indexed Job) with TAGWARDEN_SHARD_TOTAL;
//   CI_NODE_INDEX and CI_NODE_TOTAL (1-based, GitLab `parallel:`);
//   TAGWARDEN_SHARD_INDEX (0-based) with TAGWARDEN_SHARD_TOTAL (GitHub Actions matrix: set from
//   strategy.job-index and strategy.job-total, or any other scheduler).
// An error when none is set, a total is missing or a value is not a number in range.
Result<Shard> shard_from_environment(const EnvironmentLookup& environment);

// The 64-bit FNV-1a hash (offset basis 14695981039346656037, prime 1099511628211).
std::uint64_t fnv1a_64(std::string_view bytes);

// What a target is known by for shards and duplicates: a URL normalised (normalize_url: scheme
// and host lower case, default port and fragment dropped, empty path "/"), a directory as its
// path written in the portfolio, lexically normal, without a trailing slash ("./public/" is
// "public"). Never an absolute path made from where the runner checked the portfolio out.
std::string shard_identity(std::string_view target);

// The shard (1..count) the target with this identity belongs to.
int shard_of(std::string_view identity, int count);

}  // namespace tw
