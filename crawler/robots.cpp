#include "crawler/robots.h"

#include <algorithm>
#include <cctype>

#include "model/text.h"

namespace tw {
namespace {

// Rules and paths are compared in one canonical encoding: escapes upper case, bytes outside
// printable ASCII percent-encoded (RFC 9309 2.2.2).
std::string canonical_path(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '%' && i + 2 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out.push_back('%');
      out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(text[i + 1]))));
      out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(text[i + 2]))));
      i += 2;
    } else if (c <= 0x20 || c >= 0x7f) {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

// '*' matches any run of bytes, a final '$' anchors the end; otherwise a prefix match. Iterative
// with one backtrack point, so a hostile pattern of many '*' stays linear-ish.
bool pattern_matches(std::string_view pattern, std::string_view path) {
  bool anchored = !pattern.empty() && pattern.back() == '$';
  if (anchored) pattern.remove_suffix(1);
  std::size_t p = 0, s = 0;
  std::size_t star = std::string_view::npos, star_s = 0;
  while (s < path.size()) {
    if (p == pattern.size() && !anchored) return true;
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_s = s;
    } else if (p < pattern.size() && pattern[p] == path[s]) {
      ++p;
      ++s;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      s = ++star_s;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

// "Googlebot/2.1" and "tagwarden" name products; the token is the leading [A-Za-z_-] run.
std::string_view product_of(std::string_view value) {
  std::size_t n = 0;
  while (n < value.size() && (std::isalpha(static_cast<unsigned char>(value[n])) ||
                              value[n] == '_' || value[n] == '-')) {
    ++n;
  }
  return value.substr(0, n);
}

}  // namespace

RobotsRules RobotsRules::allow_all() {
  return RobotsRules{};
}

RobotsRules RobotsRules::disallow_all() {
  RobotsRules rules;
  rules.rules_.push_back({false, ""});  // the empty pattern matches every path
  return rules;
}

RobotsRules RobotsRules::parse(std::string_view text, std::string_view product_token) {
  struct Group {
    bool for_us = false;
    bool for_star = false;
    std::vector<Rule> rules;
  };
  std::vector<Group> groups;
  RobotsRules out;
  bool in_agent_lines = false;  // consecutive user-agent lines open one group

  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find_first_of("\n\r", start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (std::size_t hash = line.find('#'); hash != std::string_view::npos)
      line = line.substr(0, hash);
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;  // garbage or blank: skipped
    std::string_view key = trim(line.substr(0, colon));
    std::string_view value = trim(line.substr(colon + 1));

    if (equals_ignoring_ascii_case(key, "user-agent")) {
      if (!in_agent_lines) groups.emplace_back();
      in_agent_lines = true;
      std::string_view product = product_of(value);
      if (value == "*") groups.back().for_star = true;
      if (!product.empty() && equals_ignoring_ascii_case(product, product_token))
        groups.back().for_us = true;
    } else if (equals_ignoring_ascii_case(key, "allow") ||
               equals_ignoring_ascii_case(key, "disallow")) {
      in_agent_lines = false;
      if (groups.empty()) continue;  // a rule before any user-agent line belongs to no group
      // "Disallow:" with an empty value allows everything: it is not a rule.
      if (value.empty()) continue;
      groups.back().rules.push_back(
          {equals_ignoring_ascii_case(key, "allow"), canonical_path(value)});
    } else if (equals_ignoring_ascii_case(key, "sitemap")) {
      if (!value.empty() && out.sitemaps_.size() < 1000) out.sitemaps_.emplace_back(value);
    } else {
      // Unknown keys (crawl-delay, host...) end an agent block without opening a group.
      in_agent_lines = false;
    }
  }

  bool any_for_us =
      std::any_of(groups.begin(), groups.end(), [](const Group& g) { return g.for_us; });
  for (Group& group : groups) {
    if (any_for_us ? group.for_us : group.for_star) {
      for (Rule& rule : group.rules) out.rules_.push_back(std::move(rule));
    }
  }
  return out;
}

RobotsVerdict RobotsRules::check(std::string_view path) const {
  std::string canonical = canonical_path(path.empty() ? "/" : path);
  if (canonical == "/robots.txt") return {};
  const Rule* best = nullptr;
  for (const Rule& rule : rules_) {
    if (!pattern_matches(rule.pattern, canonical)) continue;
    if (best == nullptr || rule.pattern.size() > best->pattern.size() ||
        (rule.pattern.size() == best->pattern.size() && rule.allow && !best->allow)) {
      best = &rule;
    }
  }
  if (best == nullptr) return {};
  return {best->allow, std::string(best->allow ? "Allow: " : "Disallow: ") +
                           (best->pattern.empty() ? "(whole site)" : best->pattern)};
}

}  // namespace tw
