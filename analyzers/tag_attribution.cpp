// First-party test and vendor attribution; see tag_attribution.h.
#include "analyzers/tag_attribution.h"

#include "model/domain.h"
#include "model/url.h"
#include "policy/policy.h"

namespace tw {

TagAttribution::TagAttribution(std::string_view page_url, const AnalysisContext& context)
    : page_host_(url_host(page_url)),  // once per page; tags use the cheaper host_of
      catalogue_(context.rules.policy != nullptr ? &context.rules.policy->catalogue
                                                 : context.rules.catalogue),
      policy_(context.rules.policy),
      keep_site_hosts_(context.keep_site_host_references) {
  if (catalogue_ == nullptr) catalogue_ = &Catalogue::builtin();
  if (!page_host_.empty()) own_domains_.push_back(registrable_domain(page_host_));
  for (const std::string& domain : context.first_party_domains) {
    if (!domain.empty()) own_domains_.push_back(domain);
  }
  if (policy_ != nullptr) {
    for (const std::string& domain : policy_->own_domains) {
      if (!domain.empty()) own_domains_.push_back(domain);
    }
  }
}

bool TagAttribution::is_first_party(std::string_view host) const {
  if (host == page_host_) return true;
  for (const std::string& domain : own_domains_) {
    if (host_in_domain(host, domain)) return true;
  }
  return false;
}

bool TagAttribution::accepts_script_url(UrlForm form, std::string_view url) const {
  if (form != UrlForm::host_only && form != UrlForm::host_and_script) return true;
  std::string host = url_host(url);
  if (form == UrlForm::host_only && registrable_domain(host) == host) return false;
  if (knows_host(host)) return true;
  return form == UrlForm::host_and_script && has_listed_public_suffix(host);
}

bool TagAttribution::knows_host(std::string_view host) const {
  Tag probe;
  probe.host = std::string(host);
  attribute(probe);
  return !probe.vendor.empty();
}

void TagAttribution::attribute(Tag& tag) const {
  tag.domain = registrable_domain(tag.host);
  // Hosts a policy assigns to a vendor win: the policy is the company's own knowledge.
  if (policy_ != nullptr) {
    std::size_t best_length = 0;
    const SanctionedVendor* best = nullptr;
    for (const SanctionedVendor& vendor : policy_->vendors) {
      for (const std::string& host : vendor.hosts) {
        if (host.size() > best_length && host_in_domain(tag.host, host)) {
          best = &vendor;
          best_length = host.size();
        }
      }
    }
    if (best != nullptr) {
      tag.vendor = best->name;
      const VendorEntry* entry = catalogue_->find_by_name(best->name);
      tag.category = entry != nullptr ? entry->category : "other";
      return;
    }
  }
  if (const VendorEntry* entry = catalogue_->find_by_host(tag.host)) {
    tag.vendor = entry->name;
    tag.category = entry->category;
  }
}

}  // namespace tw
