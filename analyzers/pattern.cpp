// PCRE2 wrapper: RAII for the compiled code and the per-call match data.
#include "analyzers/pattern.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <cstdio>
#include <cstdlib>

namespace tw {

struct Pattern::Code {
  pcre2_code* compiled = nullptr;
  ~Code() { pcre2_code_free(compiled); }
};

namespace {
struct MatchDataDeleter {
  void operator()(pcre2_match_data* data) const { pcre2_match_data_free(data); }
};
}  // namespace

Pattern::Pattern(std::string_view expression) : code_(std::make_unique<Code>()) {
  int error = 0;
  PCRE2_SIZE offset = 0;
  // No UTF mode: page bytes may be invalid UTF-8 and every pattern is ASCII.
  code_->compiled = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(expression.data()),
                                  expression.size(), 0, &error, &offset, nullptr);
  if (code_->compiled == nullptr) {
    std::fprintf(stderr, "tagwarden: bad built-in pattern at %zu: %.*s\n",
                 static_cast<std::size_t>(offset), static_cast<int>(expression.size()),
                 expression.data());
    std::abort();
  }
  pcre2_jit_compile(code_->compiled, PCRE2_JIT_COMPLETE);
}

Pattern::~Pattern() = default;

std::optional<PatternMatch> Pattern::find(std::string_view subject, std::size_t start) const {
  if (start > subject.size()) return std::nullopt;
  std::unique_ptr<pcre2_match_data, MatchDataDeleter> data(
      pcre2_match_data_create_from_pattern(code_->compiled, nullptr));
  if (!data) return std::nullopt;
  int found = pcre2_match(code_->compiled, reinterpret_cast<PCRE2_SPTR>(subject.data()),
                          subject.size(), start, 0, data.get(), nullptr);
  if (found < 0) return std::nullopt;
  PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(data.get());
  PatternMatch match{ovector[0], ovector[1], {}};
  if (found > 1 && ovector[2] != PCRE2_UNSET) {
    match.group = subject.substr(ovector[2], ovector[3] - ovector[2]);
  }
  return match;
}

}  // namespace tw
