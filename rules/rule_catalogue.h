// Every rule's metadata, looked up in the rule registry (rules/rule_registry.cpp): `tagwarden
// rules`, the SARIF rule descriptors, the HTML report's explanations, each finding's defaults and
// the policy's list of known rule ids all come from there (rule ids are stable; a policy may change
// a rule's severity or turn it off). Immutable; any thread may call these.
#pragma once

#include <span>
#include <string_view>

#include "model/severity.h"

namespace tw {

struct RuleInfo {
  std::string_view id;     // "TW100"
  std::string_view name;   // short kebab-case name, e.g. "unsanctioned-vendor"
  std::string_view area;   // governance, privacy, security, performance, integrity
  std::string_view title;  // one line
  Severity default_severity;
  std::string_view description;  // what it checks and why it matters
  std::string_view remediation;  // what to do about it
  bool needs_policy = false;     // fires only when a policy is given (governance against the stack)
};

// Every registered rule, sorted by id.
std::span<const RuleInfo> all_rules();
const RuleInfo* find_rule(std::string_view id);
// The ids of all_rules(), in the same order (what a policy may name: policy/policy.h RuleIds).
std::span<const std::string_view> rule_ids();
// What a rule reads, in words: "each page", "the third-party resources a page loads", "the whole
// site" or "the scan against its baseline". Empty for an unknown id.
std::string_view rule_scope(std::string_view id);

}  // namespace tw
