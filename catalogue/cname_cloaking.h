// CNAME cloaking: a host of the site itself (metrics.shop.example) whose DNS name is an alias of
// a tracker's. Which names are trackers' comes from the vendor catalogue's tracking vendors and a
// shipped list of known cloaking targets (catalogue/data/cname-cloaking/, NextDNS's list, MIT).
// Parsed once on first use; immutable and thread-safe afterwards.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalogue/catalogue.h"
#include "model/result.h"

namespace tw {

struct CloakingTarget {
  std::string domain;  // matches itself and its subdomains
  std::string company;
  std::string category;
};

class CloakingTargets {
 public:
  // Parses {"targets":[{"domain","company","category"}]}; `origin` names the source in errors.
  static Result<CloakingTargets> from_json(std::string_view json, std::string_view origin);
  static const CloakingTargets& builtin();

  // The target `name` is or lies under (label boundaries; case and a trailing dot ignored).
  const CloakingTarget* find(std::string_view name) const;
  const std::vector<CloakingTarget>& targets() const { return targets_; }

 private:
  std::vector<CloakingTarget> targets_;
};

// The tracker a CNAME chain leads to.
struct CloakedVendor {
  std::string vendor;
  std::string category;
  std::string name;  // the chain's name that matched, normalised
};

// The tracker behind `chain` (the names DNS gave after the site's host, in order): the last name
// that lies outside `site_domain` (the site's registrable domain) and is a host of a
// tracking-category vendor in `catalogue` or a listed cloaking target. A chain ending at a CDN
// or a hosting company, or staying inside the site, is no cloaking: nullopt.
std::optional<CloakedVendor> match_cname_chain(const std::vector<std::string>& chain,
                                               std::string_view site_domain,
                                               const Catalogue& catalogue,
                                               const CloakingTargets& targets);

}  // namespace tw
