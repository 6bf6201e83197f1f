// A compiled PCRE2 regular expression (JIT when available), for the snippet and ID patterns.
// Compiled once at start-up from constant text; matching is thread-safe (each call has its own
// match data).
#pragma once

#include <memory>
#include <optional>
#include <string_view>

namespace tw {

struct PatternMatch {
  std::size_t begin = 0;  // offsets of the whole match in the subject
  std::size_t end = 0;
  std::string_view group;  // first capture group (empty when the pattern has none)
};

class Pattern {
 public:
  // Aborts on an invalid pattern: every pattern is a constant in this folder, tested.
  explicit Pattern(std::string_view expression);
  ~Pattern();
  Pattern(const Pattern&) = delete;
  Pattern& operator=(const Pattern&) = delete;

  // First match at or after `start`.
  std::optional<PatternMatch> find(std::string_view subject, std::size_t start = 0) const;

 private:
  struct Code;
  std::unique_ptr<Code> code_;
};

}  // namespace tw
