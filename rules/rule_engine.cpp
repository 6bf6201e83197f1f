// Runs the registered rules, each kind where its facts exist, and applies the policy's per-rule
// settings and suppressions to what they find. Page and resource rules run on worker threads:
// everything here reads only its arguments and immutable data, so concurrent calls are safe.
#include "rules/rule_engine.h"

#include <algorithm>
#include <set>

#include "model/domain.h"
#include "model/url.h"
#include "rules/rule_support.h"

namespace tw {
namespace {

bool rule_applies(const RuleInfo& rule, const RuleContext& context) {
  if (rule.needs_policy && context.policy == nullptr) return false;
  if (context.policy == nullptr || !context.policy->details) return true;
  const auto& settings = context.policy->details->rules;
  auto it = settings.find(std::string(rule.id));
  return it == settings.end() || it->second.enabled;
}

bool suppression_matches(const Suppression& s, const Finding& finding) {
  if (s.expired || (s.rule != "*" && s.rule != finding.rule)) return false;
  if (s.page && (finding.page.empty() || !s.page->matches(url_path_without_query(finding.page)))) return false;
  if (s.host && (finding.host.empty() || !s.host->matches(finding.host))) return false;
  if (!s.vendor.empty() && lower_ascii(s.vendor) != lower_ascii(finding.vendor)) {
    return false;
  }
  return true;
}

// Runs every registered rule whose check is a `Check` (what it reads) and that the policy leaves
// on, in registry order.
template <typename Check, typename... Facts>
void run_checks(const RuleContext& context, std::vector<Finding>& out, const Facts&... facts) {
  for (const Rule* rule : registered_rules()) {
    const Check* check = std::get_if<Check>(&rule->check);
    if (check != nullptr && rule_applies(rule->info, context)) (*check)(rule->info, facts..., out);
  }
}

template <typename Check>
bool is_rule_of_kind(std::string_view rule_id) {
  for (const Rule* rule : registered_rules()) {
    if (rule->info.id == rule_id) return std::holds_alternative<Check>(rule->check);
  }
  return false;
}

}  // namespace

void apply_policy(std::vector<Finding>& findings, const RuleContext& context) {
  if (context.policy == nullptr || !context.policy->details) return;
  const SanctionedStack::Details& details = *context.policy->details;
  std::erase_if(findings, [&](const Finding& f) {
    auto it = details.rules.find(f.rule);
    return it != details.rules.end() && !it->second.enabled;
  });
  for (Finding& finding : findings) {
    auto it = details.rules.find(finding.rule);
    if (it != details.rules.end() && it->second.severity) finding.severity = *it->second.severity;
    for (const Suppression& s : details.suppressions) {
      if (!suppression_matches(s, finding)) continue;
      finding.suppressed = true;
      finding.suppression_reason = s.reason;
      break;
    }
  }
}

void run_page_rules(PageAnalysis& page, const RuleContext& context) {
  if (page.page.error != PageError::none) return;
  // Running again (after the third-party stage added tags) replaces this engine's findings.
  std::erase_if(page.findings, [](const Finding& f) { return is_rule_of_kind<PageCheck>(f.rule); });

  PageFacts facts(page, context);
  std::vector<Finding> found;
  run_checks<PageCheck>(context, found, facts);
  apply_policy(found, context);
  page.findings.insert(page.findings.end(), std::make_move_iterator(found.begin()),
                       std::make_move_iterator(found.end()));
}

SiteFacts::SiteFacts() : data_(std::make_unique<Data>()) {}
SiteFacts::~SiteFacts() = default;
SiteFacts::SiteFacts(SiteFacts&&) noexcept = default;
SiteFacts& SiteFacts::operator=(SiteFacts&&) noexcept = default;

void SiteFacts::add_page(const PageAnalysis& page) {
  if (page.page.error != PageError::none) return;
  SitePage site_page;
  site_page.url = page.page.final_url.empty() ? page.page.requested_url : page.page.final_url;
  site_page.path = url_path_without_query(site_page.url);
  std::set<std::string> vendors_here;
  for (const Tag& tag : page.tags) {
    if (tag.host.empty()) continue;
    std::string name = tag.vendor.empty() ? tag.domain : tag.vendor;
    if (name.empty()) name = tag.host;
    std::string key = lower_ascii(name);
    auto [found, added] = data_->vendor_index.emplace(key, data_->vendors.size());
    if (added) {
      SiteVendor vendor;
      vendor.name = name;
      vendor.category = tag.vendor.empty() ? std::string() : tag.category;
      vendor.first_page = site_page.url;
      data_->vendors.push_back(std::move(vendor));
    }
    SiteVendor* it = &data_->vendors[found->second];
    it->seen_statically |= tag.seen_statically;
    it->seen_by_browser |= tag.seen_by_browser;
    if (it->host_set.insert(tag.host).second) it->hosts.push_back(tag.host);
    if (tag.cloaked) it->cloaked_hosts.insert(tag.host);
    for (const std::string& id : tag.ids) {
      auto [known, new_id] =
          data_->tag_id_index.emplace(id, static_cast<std::uint32_t>(data_->tag_ids.size()));
      if (new_id) data_->tag_ids.push_back(&known->first);
      if (it->id_set.insert(known->second).second) it->ids.push_back(known->second);
      if (std::find(site_page.ids.begin(), site_page.ids.end(), known->second) ==
          site_page.ids.end()) {
        site_page.ids.push_back(known->second);
      }
    }
    if (vendors_here.insert(key).second) {
      ++it->pages;
      if (!tag.vendor.empty())
        site_page.vendors.push_back(static_cast<std::uint32_t>(found->second));
    }
  }
  data_->pages.push_back(std::move(site_page));
}

std::vector<Finding> run_site_rules(const SiteFacts& facts, const RuleContext& context) {
  std::vector<Finding> found;
  run_checks<SiteCheck>(context, found, facts.data(), context);
  apply_policy(found, context);
  // Crawl order varies between runs; the report should not.
  std::stable_sort(found.begin(), found.end(), [](const Finding& a, const Finding& b) {
    return std::tie(a.rule, a.page, a.message) < std::tie(b.rule, b.page, b.message);
  });
  return found;
}

std::vector<Finding> run_resource_rules(const PageAnalysis& page, const RuleContext& context) {
  std::vector<Finding> found;
  if (page.page.error != PageError::none) return found;
  std::vector<FetchedTag> tags;
  for (const Tag& tag : page.tags) {
    if (auto facts = ResourceFacts::read_from(tag)) tags.push_back({&tag, std::move(*facts)});
  }
  if (tags.empty() && page.browser.empty()) return found;
  PageFacts facts(page, context);
  run_checks<ResourceCheck>(context, found, facts, tags, resource_budgets(context));
  apply_policy(found, context);
  return found;
}

bool is_resource_rule(std::string_view rule_id) {
  return is_rule_of_kind<ResourceCheck>(rule_id);
}

std::vector<Finding> run_baseline_rules(const BaselineFacts& facts, const RuleContext& context) {
  std::vector<Finding> found;
  run_checks<BaselineCheck>(context, found, facts);
  apply_policy(found, context);
  return found;
}

std::vector<Finding> run_integrity_rules(const IntegrityFacts& facts, const RuleContext& context) {
  std::vector<Finding> found;
  run_checks<IntegrityCheck>(context, found, facts, context);
  apply_policy(found, context);
  return found;
}

std::vector<VendorSummary> summarize_vendors(const SiteFacts& facts, const RuleContext& context) {
  std::vector<VendorSummary> out;
  for (const SiteVendor& vendor : facts.data().vendors) {
    VendorSummary summary;
    summary.name = vendor.name;
    summary.category = vendor.category;
    summary.hosts = vendor.hosts;
    for (std::uint32_t id : vendor.ids) summary.ids.push_back(*facts.data().tag_ids[id]);
    summary.pages = vendor.pages;
    summary.seen_statically = vendor.seen_statically;
    summary.seen_by_browser = vendor.seen_by_browser;
    std::sort(summary.hosts.begin(), summary.hosts.end());
    std::sort(summary.ids.begin(), summary.ids.end());
    if (const SanctionedStack* policy = context.policy) {
      const SanctionedVendor* sanctioned =
          find_sanctioned(*policy, vendor.name, vendor.hosts.empty() ? "" : vendor.hosts.front());
      bool own = false;
      for (const std::string& domain : policy->own_domains) {
        for (const std::string& host : vendor.hosts) {
          own = own || (!vendor.cloaked_hosts.contains(host) && host_in_domain(host, domain));
        }
      }
      const ForbiddenEntry* forbidden =
          policy->details ? find_forbidden(*policy, vendor.name, vendor.category, "") : nullptr;
      bool forbidden_everywhere = forbidden != nullptr && forbidden->paths.everywhere();
      if (sanctioned != nullptr) {
        summary.status = "sanctioned";
        summary.owner = sanctioned->owner;
        summary.name = sanctioned->name;
      } else if (forbidden_everywhere) {
        summary.status = "forbidden";
      } else if (own) {
        summary.status = "sanctioned";
        summary.owner = "first party";
      } else {
        summary.status = "unsanctioned";
      }
    }
    out.push_back(std::move(summary));
  }
  std::sort(out.begin(), out.end(), [](const VendorSummary& a, const VendorSummary& b) {
    return std::tie(b.pages, a.name) < std::tie(a.pages, b.name);
  });
  return out;
}

}  // namespace tw
