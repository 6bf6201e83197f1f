// The vendor catalogue: who operates a third-party host, and in which category. Built from
// third-party-web's entities (MIT) plus tagwarden's own refinements (catalogue/data/), embedded in
// the binary; a policy may add or override vendors. Immutable once built: any thread may read it.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/result.h"

namespace tw {

// The categories tagwarden reports a vendor in (every catalogue entry names one of them).
inline constexpr std::string_view kCategories[] = {
    "analytics",      "advertising",      "social",  "tag-manager", "consent-provider",
    "session-replay", "customer-success", "video",   "cdn",         "hosting",
    "utility",        "marketing",        "content", "other"};

bool is_known_category(std::string_view category);

// Categories that track people (need consent; forbidden on sensitive pages by default).
bool is_tracking_category(std::string_view category);

struct VendorEntry {
  std::string name;
  std::string company;
  std::string category;
  std::string homepage;
  std::vector<std::string> domains;  // host suffixes: "hotjar.com" matches "static.hotjar.com"
  std::string source;                // "third-party-web", "tagwarden", "policy"
};

class Catalogue {
 public:
  Catalogue() = default;

  // The shipped catalogue (parsed once, on first use; thread-safe).
  static const Catalogue& builtin();
  // A digest of every shipped data file the catalogue and the rules read (vendors, compromised
  // hosts, known-vulnerable libraries, CNAME-cloaking targets), recorded with each scan: stored
  // findings are reused only under the same data. A policy's own vendors are part of the policy's
  // digest.
  static const std::string& builtin_digest();

  // Parses the shipped JSON shape: {"vendors":[{"name","company","category","homepage",
  // "domains":[...]}]}. `origin` names the source in errors.
  static Result<Catalogue> from_json(std::string_view json, std::string_view origin);

  // Adds a vendor, replacing one of the same name (case-insensitive); later domains win ties.
  void add(VendorEntry vendor);
  // Drops the vendor of that name (case-insensitive), if any.
  void remove(std::string_view name);

  // The vendor whose domain pattern matches `host` most specifically (longest suffix), or null.
  const VendorEntry* find_by_host(std::string_view host) const;
  const VendorEntry* find_by_name(std::string_view name) const;  // case-insensitive
  // Catalogue names closest to `name` (edit distance), best first, for "did you mean".
  std::vector<std::string> closest_names(std::string_view name, std::size_t count = 3) const;

  const std::vector<VendorEntry>& vendors() const { return vendors_; }

 private:
  void index(std::size_t position);
  std::vector<VendorEntry> vendors_;
  std::unordered_map<std::string, std::size_t> by_domain_;  // domain suffix -> vendors_ index
  std::unordered_map<std::string, std::size_t> by_name_;    // lower-case name -> index
};

}  // namespace tw
