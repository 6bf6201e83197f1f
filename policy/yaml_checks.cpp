// The checks every tagwarden YAML file gets: bounded reading, parsing with positions, duplicate
// keys, unknown keys with a suggestion, and problems collected as "file:line:column: message".
#include "policy/yaml_checks.h"

#include <yaml-cpp/depthguard.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <tuple>

#include "model/text.h"

namespace tw {
namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// "unknown key 'x' in what (did you mean 'y'?); expected one of: a, b".
std::string unknown_key_message(const std::string& key, const std::string& what,
                                std::initializer_list<std::string_view> allowed) {
  std::string best;
  std::size_t best_distance = 4;
  for (std::string_view candidate : allowed) {
    std::size_t d = edit_distance(lower_ascii(key), candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  std::string message = "unknown key '" + key + "' in " + what;
  if (!best.empty()) message += " (did you mean '" + best + "'?)";
  std::string expected;
  for (std::string_view candidate : allowed) {
    expected += (expected.empty() ? "" : ", ") + std::string(candidate);
  }
  return message + "; expected one of: " + expected;
}

}  // namespace

Result<std::string> read_config_file(const std::string& path, const std::string& what) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    return Error{path + ": is a directory, not a " + what};
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path + ": cannot read the " + what + " (" + std::strerror(errno) + ")"};
  std::string bytes(kMaxConfigFileBytes + 1, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (in.bad()) return Error{path + ": error while reading the " + what};
  bytes.resize(static_cast<std::size_t>(in.gcount()));
  if (bytes.size() > kMaxConfigFileBytes) {
    return Error{path + ": larger than " + std::to_string(kMaxConfigFileBytes >> 20) +
                 " MiB, too large for a " + what};
  }
  return bytes;
}

PolicyLocation location_of(const YAML::Node& node) {
  YAML::Mark mark = node.Mark();
  if (mark.line < 0) return {};
  return {mark.line + 1, mark.column + 1};
}

void YamlChecks::error(const PolicyLocation& where, const std::string& message) {
  problems_.push_back({file_, std::max(where.line, 1), std::max(where.column, 1), message});
}

void YamlChecks::error(const YAML::Node& node, const std::string& message) {
  error(location_of(node), message);
}

std::string YamlChecks::report() const {
  std::vector<Problem> sorted = problems_;
  std::stable_sort(sorted.begin(), sorted.end(), [&](const Problem& a, const Problem& b) {
    return std::tuple(a.file != origin_, a.line, a.column) <
           std::tuple(b.file != origin_, b.line, b.column);
  });
  std::string all;
  const Problem* previous = nullptr;
  for (const Problem& p : sorted) {
    // The same problem reached through several aliases is reported once.
    if (previous != nullptr && previous->file == p.file && previous->line == p.line &&
        previous->column == p.column && previous->message == p.message) {
      continue;
    }
    previous = &p;
    all += (all.empty() ? "" : "\n") + p.file + ":" + std::to_string(p.line) + ":" +
           std::to_string(p.column) + ": " + p.message;
  }
  return all;
}

std::optional<YAML::Node> YamlChecks::parse(std::string_view text, std::string_view what) {
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp's depth guard reports itself as "bad file"; say what happened.
    error(PolicyLocation{e.mark.line + 1, e.mark.column + 1},
          "not valid YAML: nested more deeply than " + std::string(what) + " can be");
  } catch (const YAML::Exception& e) {
    error(PolicyLocation{e.mark.line + 1, e.mark.column + 1}, "not valid YAML: " + e.msg);
  }
  return std::nullopt;
}

bool YamlChecks::find_duplicate_keys(const YAML::Node& root) {
  // Iterative, since the depth is the file's to choose. An alias is walked at every use, so
  // nested aliases (a "billion laughs") grow exponentially: every node visited counts.
  std::vector<YAML::Node> pending{root};
  std::size_t visited = 0;
  while (!pending.empty()) {
    if (++visited > kMaxExpandedYamlNodes) {
      error(PolicyLocation{1, 1}, "the file expands to more than " +
                                      std::to_string(kMaxExpandedYamlNodes) +
                                      " entries (YAML aliases nested in aliases?)");
      return false;
    }
    YAML::Node node = pending.back();
    pending.pop_back();
    if (node.IsSequence()) {
      for (const YAML::Node& child : node) pending.push_back(child);
    } else if (node.IsMap()) {
      std::map<std::string, PolicyLocation> seen;
      for (const auto& pair : node) {
        if (pair.first.IsScalar()) {
          auto [it, inserted] = seen.emplace(pair.first.Scalar(), location_of(pair.first));
          if (!inserted) {
            error(pair.first, "duplicate key '" + pair.first.Scalar() + "' (first at line " +
                                  std::to_string(it->second.line) + ")");
          }
        }
        pending.push_back(pair.second);
      }
    }
  }
  return true;
}

std::optional<std::vector<YamlEntry>> YamlChecks::mapping(
    const YAML::Node& node, const std::string& what,
    std::initializer_list<std::string_view> allowed, std::span<const std::string_view> unlisted) {
  if (!node.IsMap()) {
    error(node, what + " must be a mapping of keys to values");
    return std::nullopt;
  }
  std::vector<YamlEntry> entries;
  std::set<std::string> seen;
  for (const auto& pair : node) {
    if (!pair.first.IsScalar()) {
      error(pair.first, "a key in " + what + " must be a plain word");
      continue;
    }
    const std::string& key = pair.first.Scalar();
    bool known = std::find(allowed.begin(), allowed.end(), key) != allowed.end() ||
                 std::find(unlisted.begin(), unlisted.end(), key) != unlisted.end();
    if (allowed.size() > 0 && !known) {
      error(pair.first, unknown_key_message(key, what, allowed));
      continue;
    }
    if (!seen.insert(key).second) continue;  // reported by find_duplicate_keys
    entries.push_back({key, pair.first, pair.second});
  }
  return entries;
}

std::optional<std::string> YamlChecks::scalar(const YAML::Node& node, const std::string& what) {
  if (!node.IsScalar()) {
    error(node, what + (node.IsNull() ? " has no value"
                                      : " must be a single value, not a " +
                                            std::string(node.IsMap() ? "mapping" : "list")));
    return std::nullopt;
  }
  if (node.Scalar().empty()) {
    error(node, what + " is empty");
    return std::nullopt;
  }
  return node.Scalar();
}

std::optional<std::vector<std::pair<std::string, YAML::Node>>> YamlChecks::scalar_list(
    const YAML::Node& node, const std::string& what) {
  if (!node.IsSequence()) {
    error(node, what + " must be a list (write [a, b] or one '- item' per line)");
    return std::nullopt;
  }
  std::vector<std::pair<std::string, YAML::Node>> items;
  for (const YAML::Node& item : node) {
    if (auto text = scalar(item, "an item of " + what)) items.emplace_back(*text, item);
  }
  return items;
}

}  // namespace tw
