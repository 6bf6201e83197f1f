// The parts of the sanctioned stack beyond the vendor list, as the rule engine reads them:
// required tags, forbidden vendors and categories, sensitive pages, budgets, per-rule settings,
// suppressions and custom vendors. Built once by the policy loader, immutable afterwards.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "catalogue/catalogue.h"
#include "model/severity.h"
#include "policy/policy.h"
#include "policy/policy_patterns.h"

namespace tw {

// Where something was written in the policy file (1-based), for messages that point back at it.
struct PolicyLocation {
  int line = 0;
  int column = 0;
};

// Path globs; an empty list means every page.
struct PathScope {
  std::vector<Glob> globs;
  bool everywhere() const { return globs.empty(); }
  bool matches(std::string_view path) const;
};

struct RequiredTag {
  std::string vendor;  // catalogue or custom name, as the catalogue spells it
  std::string id;      // a tag id that must be present ("GTM-ABC123"); empty = any
  PathScope paths;
  PolicyLocation where;
};

// Exactly one of vendor and category is set.
struct ForbiddenEntry {
  std::string vendor;
  std::string category;
  PathScope paths;
  std::string reason;
  PolicyLocation where;
};

// A sensitive page pattern (TW202): a path glob or a regular expression over path and query.
struct SensitivePattern {
  std::optional<Glob> glob;
  std::optional<Regex> regex;
  bool matches(std::string_view path, std::string_view path_and_query) const;
  std::string text() const;
};

struct Budgets {
  std::optional<int> third_party_hosts_per_page;            // TW402
  std::optional<std::uint64_t> third_party_bytes_per_page;  // TW403, bytes on the wire
  std::optional<int> slow_response_ms;                      // TW404, one resource's total time
  std::map<std::string, int> vendors_per_category;          // TW105, by category
  std::optional<int> default_vendors_per_category;          // TW105, any other category
};

struct RuleSetting {
  bool enabled = true;
  std::optional<Severity> severity;
};

struct Suppression {
  std::string rule;          // a rule id, or "*" for every rule
  std::optional<Glob> page;  // path glob
  std::optional<Glob> host;  // host glob
  std::string vendor;        // case-insensitive; empty = any
  std::string reason;
  std::string expires;   // YYYY-MM-DD, empty = never
  bool expired = false;  // expires < the load date: not applied, reported instead
  PolicyLocation where;
};

// One entry of the scripts file: a script authorized on payment pages (PCI DSS 4.0, 6.4.3). It
// names the script by URL glob, by content hash, or both (then both must hold).
struct AuthorizedScript {
  std::optional<Glob> url;  // over the script URL ("page#inline-N" for inline scripts)
  std::string sha384;       // "sha384-<base64>"; empty: any content (the last scan's is compared)
  std::string owner;
  std::string justification;
  std::string approved_by;
  std::string approved_on;  // YYYY-MM-DD or empty
  PolicyLocation where;     // in the scripts file
};

struct PaymentPolicy {
  std::vector<Glob> pages;  // payment_pages: path globs; empty = no page is a payment page
  std::string scripts_file;  // the path as resolved against the policy's folder; empty = none
  std::vector<AuthorizedScript> scripts;
};

struct SanctionedStack::Details {
  std::string today;  // YYYY-MM-DD (UTC) the policy was loaded, for suppression expiry
  std::vector<PathScope> vendor_paths;           // parallel to SanctionedStack::vendors
  std::vector<PolicyLocation> vendor_locations;  // parallel to SanctionedStack::vendors
  std::vector<RequiredTag> required;
  std::vector<ForbiddenEntry> forbidden;
  std::vector<SensitivePattern> sensitive;  // empty = the built-in defaults (rule TW202)
  Budgets budgets;
  std::map<std::string, RuleSetting> rules;  // by rule id
  std::vector<Suppression> suppressions;
  std::vector<VendorEntry> custom_vendors;
  PaymentPolicy payment;
};

// Lookups the rules share. `path` is a page path without the query.

// The sanctioned entry for a vendor name (case-insensitive) or, failing that, for a host listed
// in an entry's `hosts`. Null when the policy does not sanction it.
const SanctionedVendor* find_sanctioned(const SanctionedStack& policy, std::string_view vendor,
                                        std::string_view host);
// Whether the sanctioned entry allows pages at `path`.
bool sanctioned_on_path(const SanctionedStack& policy, const SanctionedVendor& vendor,
                        std::string_view path);
// The first forbidden entry naming the vendor or its category on `path`, or null.
const ForbiddenEntry* find_forbidden(const SanctionedStack& policy, std::string_view vendor,
                                     std::string_view category, std::string_view path);

// Reads a scripts file on its own (`tagwarden approve` updates one), validated as under a policy;
// errors are "file:line:column: message" lines. A missing file is an error too.
Result<PaymentPolicy> load_scripts_file(const std::string& path);

// Whether the policy names the page at `path` as a payment page.
bool is_payment_page(const SanctionedStack& policy, std::string_view path);

// What the scripts file says of one script. `entry` authorizes it: its hash equals the script's
// (and its URL glob, if any, matches; an inline script is authorized by its hash alone), or its
// URL glob matches and it pins no hash. Otherwise `pinned` is the first entry whose URL glob
// matches but whose hash differs (the script changed since approval), or null (no entry names it).
struct ScriptVerdict {
  const AuthorizedScript* entry = nullptr;
  const AuthorizedScript* pinned = nullptr;
};
ScriptVerdict judge_script(const PaymentPolicy& payment, std::string_view url, bool is_inline,
                           std::string_view sha384);

}  // namespace tw
