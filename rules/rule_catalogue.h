// Every rule's metadata, in one place: `tagwarden rules`, SARIF rule descriptors, the HTML report's
// explanations and each finding's defaults all come from here (rule ids are stable; a policy may
// change a rule's severity or turn it off).
#pragma once

#include <span>
#include <string_view>

#include "model/severity.h"

namespace tw {

struct RuleInfo {
  std::string_view id;     // "TW100"
  std::string_view name;   // short kebab-case name, e.g. "unsanctioned-vendor"
  std::string_view area;   // governance, privacy, security, performance
  std::string_view title;  // one line
  Severity default_severity;
  std::string_view description;  // what it checks and why it matters
  std::string_view remediation;  // what to do about it
  bool implemented;  // false for ids reserved for rules that need fetched resources or history
  bool needs_policy = false;  // fires only when a policy is given (governance against the stack)
};

std::span<const RuleInfo> all_rules();
const RuleInfo* find_rule(std::string_view id);

}  // namespace tw
