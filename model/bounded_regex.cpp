// PCRE2 with a match limit; see bounded_regex.h.
#include "model/bounded_regex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

namespace tw {

struct BoundedRegex::Code {
  pcre2_code* code = nullptr;
  pcre2_match_context* context = nullptr;
  ~Code() {
    pcre2_match_context_free(context);
    pcre2_code_free(code);
  }
};

Result<BoundedRegex> BoundedRegex::compile(std::string_view pattern) {
  int error_code = 0;
  PCRE2_SIZE offset = 0;
  auto code = std::make_shared<Code>();
  code->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                             PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &error_code, &offset, nullptr);
  if (code->code == nullptr) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(error_code, message, sizeof message);
    return Error{"bad regular expression '" + std::string(pattern) + "' at offset " +
                 std::to_string(offset) + ": " + reinterpret_cast<const char*>(message)};
  }
  code->context = pcre2_match_context_create(nullptr);
  if (code->context == nullptr) throw std::bad_alloc();
  pcre2_set_match_limit(code->context, kMatchLimit);
  pcre2_set_depth_limit(code->context, kMatchLimit);
  BoundedRegex regex;
  regex.text_ = std::string(pattern);
  regex.code_ = std::move(code);
  return regex;
}

BoundedRegex::Outcome BoundedRegex::search(std::string_view text) const {
  if (!code_) return Outcome::no_match;
  // Match data per call: the compiled code is shared between threads, match data is not.
  std::unique_ptr<pcre2_match_data, decltype(&pcre2_match_data_free)> data(
      pcre2_match_data_create_from_pattern(code_->code, nullptr), &pcre2_match_data_free);
  if (!data) throw std::bad_alloc();
  int rc = pcre2_match(code_->code, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), 0, 0,
                       data.get(), code_->context);
  if (rc >= 0) return Outcome::match;
  return rc == PCRE2_ERROR_NOMATCH ? Outcome::no_match : Outcome::too_costly;
}

}  // namespace tw
