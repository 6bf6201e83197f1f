// The rule registry is the one list of rules: lookups, the policy's known ids and the README's
// rule table all agree with it.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "rules/rule_catalogue.h"

namespace {

// "a · b · c" -> {"a", "b", "c"}
std::vector<std::string> split(const std::string& text, const std::string& separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    std::size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string::npos ? end : end - start));
    if (end == std::string::npos) return parts;
    start = end + separator.size();
  }
}

std::string trimmed(const std::string& text) {
  std::size_t first = text.find_first_not_of(' ');
  std::size_t last = text.find_last_not_of(' ');
  return first == std::string::npos ? std::string() : text.substr(first, last - first + 1);
}

// The README's "## Rules" table as "area: id title" lines.
std::multiset<std::string> readme_rule_table() {
  std::ifstream in(std::string(TW_SOURCE_DIR) + "/README.md");
  REQUIRE(in);
  std::multiset<std::string> rows;
  std::string line;
  bool in_section = false;
  bool in_table = false;
  while (std::getline(in, line)) {
    if (line.starts_with("## ")) in_section = line == "## Rules";
    if (!in_section) continue;
    if (line == "| area | rules |") {
      in_table = true;
      continue;
    }
    if (!in_table || line.starts_with("| ---")) continue;
    if (!line.starts_with("| ")) break;
    std::vector<std::string> cells = split(line, " | ");
    REQUIRE(cells.size() == 2);
    std::string area = trimmed(cells[0].substr(1));
    std::string list = cells[1].substr(0, cells[1].rfind(" |"));
    for (const std::string& rule : split(list, " · ")) rows.insert(area + ": " + trimmed(rule));
  }
  return rows;
}

}  // namespace

TEST_CASE("the README's rule table lists every registered rule in its area, and nothing else") {
  std::multiset<std::string> registered;
  for (const tw::RuleInfo& rule : tw::all_rules()) {
    registered.insert(std::string(rule.area) + ": " + std::string(rule.id) + " " +
                      std::string(rule.title));
  }
  std::multiset<std::string> readme = readme_rule_table();
  REQUIRE_FALSE(readme.empty());
  for (const std::string& row : registered) {
    INFO("registered, missing from README.md: " << row);
    CHECK(readme.count(row) == 1);
  }
  for (const std::string& row : readme) {
    INFO("in README.md, not registered (or a different title or area): " << row);
    CHECK(registered.count(row) == 1);
  }
}

TEST_CASE("the registry lists each rule once, by id, with complete metadata") {
  std::set<std::string_view> ids;
  std::set<std::string_view> names;
  std::string_view previous;
  for (const tw::RuleInfo& rule : tw::all_rules()) {
    INFO(rule.id);
    CHECK(ids.insert(rule.id).second);
    CHECK(names.insert(rule.name).second);
    CHECK(previous < rule.id);
    previous = rule.id;
    CHECK(std::set<std::string_view>{"governance", "privacy", "security", "performance", "integrity"}.count(
              rule.area) == 1);
    CHECK_FALSE(rule.title.empty());
    CHECK_FALSE(rule.description.empty());
    CHECK_FALSE(rule.remediation.empty());
    CHECK(tw::find_rule(rule.id) == &rule);
  }
  CHECK(tw::find_rule("TW999") == nullptr);
  std::span<const std::string_view> policy_ids = tw::rule_ids();
  CHECK(std::set<std::string_view>(policy_ids.begin(), policy_ids.end()) == ids);
}
