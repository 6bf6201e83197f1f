// Finds personal data in a URL (rule TW201): e-mail addresses in clear or percent-encoded, phone
// numbers, and hashed e-mails or phones in the parameters trackers use for them. Pure and
// thread-safe. Values are returned redacted: a report must not spread what it warns about.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tw {

struct PersonalDataHit {
  std::string kind;       // "e-mail address", "phone number", "hashed e-mail"...
  std::string parameter;  // query parameter name, or "path"
  std::string redacted;   // e.g. "j***@example.com"
};

std::vector<PersonalDataHit> find_personal_data(std::string_view url);

}  // namespace tw
