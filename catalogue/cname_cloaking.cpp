// Matching CNAME chains against the trackers' domains; see cname_cloaking.h.
#include "catalogue/cname_cloaking.h"

#include <nlohmann/json.hpp>

#include <stdexcept>

#include "catalogue/embedded_data.h"
#include "model/domain.h"

namespace tw {

Result<CloakingTargets> CloakingTargets::from_json(std::string_view json, std::string_view origin) {
  nlohmann::json document = nlohmann::json::parse(json, nullptr, false);
  if (document.is_discarded() || !document.is_object() || !document.contains("targets") ||
      !document["targets"].is_array()) {
    return Error{std::string(origin) + ": not a cloaking-target list ({\"targets\": [...]})"};
  }
  CloakingTargets list;
  for (const nlohmann::json& entry : document["targets"]) {
    if (!entry.is_object() || !entry.contains("domain") || !entry["domain"].is_string() ||
        !entry.contains("company") || !entry["company"].is_string()) {
      return Error{std::string(origin) + ": a target without a domain or company"};
    }
    std::string category = entry.value("category", "analytics");
    if (!is_known_category(category)) {
      return Error{std::string(origin) + ": unknown category '" + category + "'"};
    }
    list.targets_.push_back({normalize_dns_name(entry["domain"].get<std::string>()),
                             entry["company"].get<std::string>(), std::move(category)});
  }
  return list;
}

const CloakingTargets& CloakingTargets::builtin() {
  static const CloakingTargets list = [] {
    constexpr std::string_view kFile = "cname-cloaking/cname-cloaking.json";
    Result<CloakingTargets> parsed = from_json(embedded_file(kFile), kFile);
    // The shipped file is checked by the unit tests; failing here is a build defect.
    if (!parsed) throw std::logic_error(parsed.error());
    return std::move(parsed).value();
  }();
  return list;
}

const CloakingTarget* CloakingTargets::find(std::string_view name) const {
  const std::string normalized = normalize_dns_name(name);
  const CloakingTarget* best = nullptr;
  for (const CloakingTarget& target : targets_) {
    if (host_in_domain(normalized, target.domain) &&
        (best == nullptr || target.domain.size() > best->domain.size())) {
      best = &target;
    }
  }
  return best;
}

std::optional<CloakedVendor> match_cname_chain(const std::vector<std::string>& chain,
                                               std::string_view site_domain,
                                               const Catalogue& catalogue,
                                               const CloakingTargets& targets) {
  const std::string site = normalize_dns_name(site_domain);
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    std::string name = normalize_dns_name(*it);
    if (name.empty() || (!site.empty() && host_in_domain(name, site))) continue;
    const VendorEntry* vendor = catalogue.find_by_host(name);
    if (vendor != nullptr && is_tracking_category(vendor->category)) {
      return CloakedVendor{vendor->name, vendor->category, name};
    }
    if (const CloakingTarget* target = targets.find(name)) {
      // The catalogue's name for the company, when it knows it, so a policy names one vendor.
      const VendorEntry* known = catalogue.find_by_name(target->company);
      if (known != nullptr) return CloakedVendor{known->name, known->category, name};
      return CloakedVendor{target->company, target->category, name};
    }
  }
  return std::nullopt;
}

}  // namespace tw
