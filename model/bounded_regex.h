// A PCRE2 regular expression whose matching is bounded: user patterns such as `(a+)+$` backtrack
// exponentially, so a match gives up past a fixed amount of work instead of hanging a scan.
// Compiled once, immutable afterwards: any thread may search with it.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "model/result.h"

namespace tw {

class BoundedRegex {
 public:
  // PCRE2's match limit (backtracking steps per search): a few milliseconds of work.
  static constexpr unsigned kMatchLimit = 1'000'000;

  // Errors name the offset in the pattern and PCRE2's reason.
  static Result<BoundedRegex> compile(std::string_view pattern);

  enum class Outcome { match, no_match, too_costly };
  Outcome search(std::string_view text) const;  // unanchored
  const std::string& text() const { return text_; }

  struct Code;

 private:
  std::string text_;
  std::shared_ptr<const Code> code_;
};

}  // namespace tw
