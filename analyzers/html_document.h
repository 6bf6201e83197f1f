// An HTML page parsed by Gumbo, after a cheap pre-scan that refuses input Gumbo cannot survive
// (nesting deep enough to overflow its recursion, long runs of unclosed formatting tags that make
// it quadratic). Owns the GumboOutput and the arena its nodes live in (parse_arena.h); not
// copyable; one thread at a time.
#pragma once

#include <gumbo.h>

#include <memory>
#include <string_view>
#include <utility>

#include "analyzers/parse_arena.h"
#include "model/result.h"

namespace tw {

// Limits of the pre-scan. Gumbo is quadratic in nesting depth (19k nested divs: 3.7 s; 4k: 0.09 s)
// and in open formatting elements (5k: 0.25 s; 2k: 0.04 s); browsers cap tree depth at 512.
inline constexpr std::size_t kMaxNestingEstimate = 5000;
inline constexpr std::size_t kMaxOpenFormattingTags = 2000;
// Gumbo walks its open elements on most tags, so its work is about the sum, over the tags, of the
// depth at each. A step costs 3-30 ns: an unknown end tag (`</x>`) under non-special elements
// (spans) compares names all the way down, 2,600 spans and 47,000 such tags (122M steps) took
// 3.5 s. This caps a page near a second of parsing at the dear end (and so bounds how long an
// interrupt waits for a parse); an ordinary large page (100k tags at depth 50) takes 5M steps.
inline constexpr std::size_t kMaxScopeSteps = 40'000'000;
// Gumbo checks each attribute against the element's earlier ones (100k attributes: 50 s); the
// pairs it compares count as steps too.
inline constexpr std::size_t kMaxAttributesPerElement = 5000;

class HtmlDocument {
 public:
  // Parses `html` (which must outlive the document: positions and original text point into it).
  // Errors say why the page was refused.
  static Result<HtmlDocument> parse(std::string_view html);

  GumboNode* root() const { return output_->root; }
  std::string_view source() const { return source_; }

 private:
  HtmlDocument(std::string_view source, PooledParseArena arena, GumboOutput* output)
      : source_(source), arena_(std::move(arena)), output_(output) {}
  std::string_view source_;
  // Every node, arena or malloc'd, goes when the arena resets: never through Gumbo's recursive
  // gumbo_destroy_output, which a deep tree would overflow the stack in.
  PooledParseArena arena_;
  GumboOutput* output_;
};

// Why a page must not be handed to Gumbo, or empty when it may.
std::string refusal_reason(std::string_view html);

}  // namespace tw
