// Shard specs, the schedulers' environment variables, and the stable hash behind both.
#include "portfolio/shard.h"

#include <charconv>
#include <filesystem>

#include "model/url.h"

namespace tw {
namespace {

// A whole number in [low, high] written with digits only; nullopt otherwise.
std::optional<int> number_in(std::string_view text, int low, int high) {
  int value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || text[0] == '+' || text[0] == '-' || error != std::errc() ||
      end != text.data() + text.size() || value < low || value > high) {
    return std::nullopt;
  }
  return value;
}

// The shard from an index variable counted from `first` (0 or 1) and a total variable.
Result<Shard> shard_from(const EnvironmentLookup& environment, const std::string& index_name,
                         int first, const std::string& total_name) {
  std::optional<std::string> index = environment(index_name);
  std::optional<std::string> total = environment(total_name);
  if (!total) {
    return Error{"--shard auto: " + index_name + " is set but " + total_name +
                 " (the number of shards) is not"};
  }
  std::optional<int> count = number_in(*total, 1, kMaxShards);
  if (!count) {
    return Error{"--shard auto: " + total_name + " must be a number of shards from 1 to " +
                 std::to_string(kMaxShards) + ", not '" + *total + "'"};
  }
  std::optional<int> position = number_in(*index, first, *count - 1 + first);
  if (!position) {
    return Error{"--shard auto: " + index_name + " must be from " + std::to_string(first) + " to " +
                 std::to_string(*count - 1 + first) + " when " + total_name + " is " +
                 std::to_string(*count) + ", not '" + *index + "'"};
  }
  return Shard{*position - first + 1, *count};
}

}  // namespace

Result<Shard> parse_shard(std::string_view spec) {
  std::size_t slash = spec.find('/');
  std::optional<int> count = slash == std::string_view::npos
                                 ? std::nullopt
                                 : number_in(spec.substr(slash + 1), 1, kMaxShards);
  std::optional<int> index = count ? number_in(spec.substr(0, slash), 1, *count) : std::nullopt;
  if (!index) {
    return Error{"--shard must be K/N with 1 <= K <= N <= " + std::to_string(kMaxShards) +
                 " (shards count from 1), or auto, not '" + std::string(spec) + "'"};
  }
  return Shard{*index, *count};
}

Result<Shard> shard_from_environment(const EnvironmentLookup& environment) {
  if (environment("JOB_COMPLETION_INDEX")) {
    return shard_from(environment, "JOB_COMPLETION_INDEX", 0, "TAGWARDEN_SHARD_TOTAL");
  }
  if (environment("CI_NODE_INDEX")) {
    return shard_from(environment, "CI_NODE_INDEX", 1, "CI_NODE_TOTAL");
  }
  if (environment("TAGWARDEN_SHARD_INDEX")) {
    return shard_from(environment, "TAGWARDEN_SHARD_INDEX", 0, "TAGWARDEN_SHARD_TOTAL");
  }
  return Error{
      "--shard auto: no shard in the environment (JOB_COMPLETION_INDEX with "
      "TAGWARDEN_SHARD_TOTAL, CI_NODE_INDEX with CI_NODE_TOTAL, or TAGWARDEN_SHARD_INDEX with "
      "TAGWARDEN_SHARD_TOTAL)"};
}

std::uint64_t fnv1a_64(std::string_view bytes) {
  std::uint64_t hash = 14695981039346656037ull;
  for (char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  return hash;
}

std::string shard_identity(std::string_view target) {
  if (is_http_url(target)) {
    if (std::optional<std::string> normal = normalize_url(target)) return *normal;
    return std::string(target);
  }
  std::string path = std::filesystem::path(target).lexically_normal().generic_string();
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

int shard_of(std::string_view identity, int count) {
  return static_cast<int>(fnv1a_64(identity) % static_cast<std::uint64_t>(count)) + 1;
}

}  // namespace tw
