// Reading a YAML configuration file (the policy, its scripts file, the portfolio) so that every
// problem is one "file:line:column: message", nothing unknown is ignored, and a hostile file
// costs little: files over 4 MiB are refused unread, trees that aliases expand past 200,000
// nodes are refused unwalked, nesting is bounded by yaml-cpp's depth guard.
// One YamlChecks per file being read; not shared between threads.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/result.h"
#include "policy/policy_model.h"

namespace tw {

inline constexpr std::size_t kMaxConfigFileBytes = std::size_t{4} << 20;
inline constexpr std::size_t kMaxExpandedYamlNodes = 200000;

// The bytes of a configuration file (`what`: "policy file", "portfolio"...), refused when it is
// a directory, unreadable or past kMaxConfigFileBytes; the error starts with the path.
Result<std::string> read_config_file(const std::string& path, const std::string& what);

// Where a node was written, 1-based; {0, 0} for a node yaml-cpp made up.
PolicyLocation location_of(const YAML::Node& node);

// One mapping entry in file order, with the key node kept for its position.
struct YamlEntry {
  std::string key;
  YAML::Node key_node;
  YAML::Node value;
};

class YamlChecks {
 public:
  explicit YamlChecks(std::string origin) : origin_(origin), file_(std::move(origin)) {}

  // Problems found from now on are about `file` (a file the origin names, such as the policy's
  // scripts file); they are reported after the origin's own.
  void set_file(std::string file) { file_ = std::move(file); }
  void reset_file() { file_ = origin_; }

  void error(const PolicyLocation& where, const std::string& message);
  void error(const YAML::Node& node, const std::string& message);
  bool ok() const { return problems_.empty(); }
  // Every problem, origin first then in file order, each once, one per line.
  std::string report() const;

  // The parsed document; nullopt (with the problem recorded) when it is not YAML or nested more
  // deeply than `what` (a noun: "a policy") can be.
  std::optional<YAML::Node> parse(std::string_view text, std::string_view what);
  // Reports every duplicated key (yaml-cpp keeps both and lookups see only the first). False,
  // with a problem, when the tree with its aliases expanded passes kMaxExpandedYamlNodes.
  bool find_duplicate_keys(const YAML::Node& root);
  // The entries of a mapping; a key not in `allowed` (when given) is a problem with a
  // "did you mean" and the list of keys expected, and is left out. Keys in `unlisted` are
  // entries too but never suggested: the caller refuses them with a message of its own.
  std::optional<std::vector<YamlEntry>> mapping(const YAML::Node& node, const std::string& what,
                                                std::initializer_list<std::string_view> allowed,
                                                std::span<const std::string_view> unlisted = {});
  // A non-empty single value.
  std::optional<std::string> scalar(const YAML::Node& node, const std::string& what);
  // A list of non-empty single values, each with its node.
  std::optional<std::vector<std::pair<std::string, YAML::Node>>> scalar_list(
      const YAML::Node& node, const std::string& what);

 private:
  struct Problem {
    std::string file;
    int line;
    int column;
    std::string message;
  };
  std::string origin_;
  std::string file_;
  std::vector<Problem> problems_;
};

}  // namespace tw
