// The two pattern languages a policy uses: path and host globs (`*` within a segment, `**` across
// segments, `?`, `[a-z]`) and PCRE2 regular expressions. Both compile once at policy load and are
// immutable afterwards, so any thread may match with them.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model/bounded_regex.h"
#include "model/result.h"

namespace tw {

class Glob {
 public:
  // Path globs must start with '/' (or "**"); `/checkout/**` also matches `/checkout` itself.
  // Host globs (`*.example.com`) have no leading '/'. URL globs start with http:// or https://
  // and read like path globs after it (`https://cdn.example.com/js/**`). `**` must be a whole
  // path segment.
  enum class Kind { path, host, url };
  static Result<Glob> compile(std::string_view pattern, Kind kind);

  bool matches(std::string_view text) const;
  const std::string& text() const { return text_; }

  // A path this glob matches, for telling whether two globs can match the same page.
  std::string example() const;

  struct Token;

 private:
  std::string text_;
  std::shared_ptr<const std::vector<Token>> tokens_;
};

// True when some path could match both globs (approximate: each glob's example path is tried
// against the other, which catches equal, nested and wildcard-covering patterns).
bool globs_overlap(const Glob& a, const Glob& b);

// A pattern too costly to match against a text (past PCRE2's match limit) does not match it.
class Regex {
 public:
  // Errors name the offset in the pattern and PCRE2's reason.
  static Result<Regex> compile(std::string_view pattern);
  bool search(std::string_view text) const {  // unanchored
    return regex_.search(text) == BoundedRegex::Outcome::match;
  }
  const std::string& text() const { return regex_.text(); }

 private:
  BoundedRegex regex_;
};

}  // namespace tw
