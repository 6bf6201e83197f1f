// The sanctioned stack: the policy file marketing and IT keep in version control (YAML). Loading
// validates everything and reports problems as "file:line:column: message"; nothing is ignored.
// Immutable once loaded; any thread may read it.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "catalogue/catalogue.h"
#include "model/result.h"
#include "model/severity.h"

namespace tw {

struct SanctionedVendor {
  std::string name;                // catalogue or custom vendor name
  std::vector<std::string> hosts;  // extra hosts that count as this vendor
  std::string owner;
  std::string purpose;
  std::vector<std::string> allowed_ids;  // empty = any id
  std::vector<std::string> paths;        // globs where it may appear; empty = everywhere
};

struct SanctionedStack {
  std::string path;                      // file it was read from
  std::string digest;                    // of the file bytes, recorded with each scan
  std::vector<std::string> own_domains;  // first-party registrable domains besides the site's
  std::vector<SanctionedVendor> vendors;
  Catalogue catalogue;  // builtin plus the policy's custom vendors
  // The rest (required, forbidden, sensitive paths, budgets, rule settings, suppressions) is
  // declared in policy/policy_model.h, which the rule engine reads.
  struct Details;
  std::shared_ptr<const Details> details;

  const SanctionedVendor* find_vendor(std::string_view name) const;
};

// The rule ids a policy may name under `rules:` and in suppressions. The policy does not know the
// rules (they sit above it); the caller passes the registry's ids (rules/rule_catalogue.h:
// rule_ids()). A policy naming any other id is an error.
using RuleIds = std::span<const std::string_view>;

// Reads and validates a policy file against the builtin catalogue. Every problem found is one
// line "file:line:column: message" of the error (all of them, each once, not just the first).
// A directory, a file over 4 MiB and aliases that expand past 200,000 entries are refused.
Result<SanctionedStack> load_policy_file(const std::string& path, RuleIds rule_ids);
// The same from text (tests, stored scans); `origin` stands for the file name in errors.
Result<SanctionedStack> load_policy_text(std::string_view yaml, std::string_view origin,
                                         RuleIds rule_ids);

struct PolicyLoadOptions {
  const Catalogue* catalogue = nullptr;  // null = Catalogue::builtin()
  std::string today;                     // YYYY-MM-DD for suppression expiry; empty = today (UTC)
  RuleIds rule_ids;
};
Result<SanctionedStack> load_policy_text(std::string_view yaml, std::string_view origin,
                                         const PolicyLoadOptions& options);

// Suppressions past their expiry date, as "file:line:column: ..." warnings (check-policy prints
// them; the engine also reports each one as a finding).
std::vector<std::string> policy_warnings(const SanctionedStack& policy);

}  // namespace tw
