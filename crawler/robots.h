// robots.txt (RFC 9309) for one origin: which paths tagwarden's user agent may fetch, and the
// Sitemap: lines. The file is hostile input: any bytes parse (garbage lines are skipped), and the
// caller caps its size before parsing. Immutable after parse(); safe to share between threads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tw {

struct RobotsVerdict {
  bool allowed = true;
  std::string rule;  // the matching line, e.g. "Disallow: /private"; empty when none matched
};

class RobotsRules {
 public:
  // Allows everything (no robots.txt, 4xx, or --ignore-robots).
  static RobotsRules allow_all();
  // Disallows everything (RFC 9309 2.3.1.4: a 5xx robots.txt means "assume complete disallow").
  static RobotsRules disallow_all();
  // Rules of the group(s) naming `product_token` (case-insensitive), else of the "*" group(s).
  static RobotsRules parse(std::string_view text, std::string_view product_token);

  // `path` is the URL's path and query ("/a/b?x=1"). The longest matching rule wins; on a tie,
  // allow wins (RFC 9309 2.2.2).
  RobotsVerdict check(std::string_view path) const;

  const std::vector<std::string>& sitemaps() const { return sitemaps_; }

 private:
  struct Rule {
    bool allow = false;
    std::string pattern;  // percent-escapes upper case; may hold '*' and a final '$'
  };
  std::vector<Rule> rules_;
  std::vector<std::string> sitemaps_;
};

}  // namespace tw
