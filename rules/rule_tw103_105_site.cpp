// Site rules, run once after the crawl over what SiteFacts gathered: required tags missing
// (TW103), too many vendors in one category (TW105) and suppressions past their expiry (TW010).
#include <algorithm>
#include <map>

#include "rules/rule_support.h"

namespace tw {
namespace {

Finding site_finding(const RuleInfo& rule, std::string page_url, std::string_view page_path,
                     std::string message, std::string evidence,
                     const std::vector<std::string>& subject) {
  Finding finding;
  finding.rule = std::string(rule.id);
  finding.severity = rule.default_severity;
  finding.page = std::move(page_url);
  finding.message = std::move(message);
  finding.evidence = std::move(evidence);
  std::vector<std::string> parts{finding.rule, std::string(page_path)};
  parts.insert(parts.end(), subject.begin(), subject.end());
  finding.fingerprint = stable_fingerprint(parts);
  return finding;
}

// Whether any of a page's indexes is one of the matching entries.
bool contains_match(const std::vector<std::uint32_t>& indexes, const std::vector<bool>& matches) {
  return std::any_of(indexes.begin(), indexes.end(),
                     [&](std::uint32_t index) { return matches[index]; });
}

// Which entries of a site-wide table equal `wanted` ignoring case, by index.
template <typename Entry, typename NameOf>
std::vector<bool> matching_ignoring_case(const std::vector<Entry>& entries, std::string_view wanted,
                                         NameOf name_of) {
  std::string lower = lower_ascii(wanted);
  std::vector<bool> matches(entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    matches[i] = lower_ascii(name_of(entries[i])) == lower;
  }
  return matches;
}

void check_required_missing(const RuleInfo& rule, const SiteFacts::Data& facts,
                            const RuleContext& context, std::vector<Finding>& out) {
  const SanctionedStack::Details& details = *context.policy->details;
  for (const RequiredTag& required : details.required) {
    std::vector<bool> vendor_matches = matching_ignoring_case(
        facts.vendors, required.vendor, [](const SiteVendor& vendor) { return vendor.name; });
    std::vector<bool> id_matches = matching_ignoring_case(
        facts.tag_ids, required.id, [](const std::string* id) { return *id; });
    for (const SitePage& page : facts.pages) {
      if (!required.paths.matches(page.path)) continue;
      bool vendor_present = contains_match(page.vendors, vendor_matches);
      bool id_present = required.id.empty() || contains_match(page.ids, id_matches);
      if (vendor_present && id_present) continue;
      std::string what = required.vendor + (required.id.empty() ? "" : " " + required.id);
      Finding finding = site_finding(
          rule, page.url, page.path, "required tag " + what + " is missing from this page",
          vendor_present ? required.vendor + " is present, but not with " + required.id
                         : "policy line " + std::to_string(required.where.line),
          {lower_ascii(required.vendor), required.id});
      finding.vendor = required.vendor;
      out.push_back(std::move(finding));
    }
  }
}

void check_overlapping_vendors(const RuleInfo& rule, const SiteFacts::Data& facts,
                               const RuleContext& context, std::vector<Finding>& out) {
  const Budgets& budgets = context.policy->details->budgets;
  std::map<std::string, std::vector<std::string>> by_category;
  for (const SiteVendor& vendor : facts.vendors) {
    if (!vendor.category.empty() && vendor.category != "other") {
      by_category[vendor.category].push_back(vendor.name);
    }
  }
  for (auto& [category, names] : by_category) {
    auto limit_it = budgets.vendors_per_category.find(category);
    std::optional<int> limit = limit_it != budgets.vendors_per_category.end()
                                   ? std::optional<int>(limit_it->second)
                                   : budgets.default_vendors_per_category;
    if (!limit || static_cast<int>(names.size()) <= *limit) continue;
    std::sort(names.begin(), names.end());
    std::string list;
    for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
    out.push_back(site_finding(rule, {}, {},
                               std::to_string(names.size()) + " " + category +
                                   " vendors across the site where the policy allows " +
                                   std::to_string(*limit) + ": " + list,
                               list, {category}));
  }
}

void check_expired_suppressions(const RuleInfo& rule, const SiteFacts::Data&,
                                const RuleContext& context, std::vector<Finding>& out) {
  for (const Suppression& s : context.policy->details->suppressions) {
    if (!s.expired) continue;
    std::string scope = s.page ? " on " + s.page->text() : "";
    if (s.host) scope += " for " + s.host->text();
    Finding finding = site_finding(
        rule, {}, {},
        "the suppression of " + s.rule + scope + " expired on " + s.expires +
            "; its findings are reported again until it is renewed or removed",
        context.policy->path + ":" + std::to_string(s.where.line) + " (" + s.reason + ")",
        {s.rule, scope, s.expires});
    out.push_back(std::move(finding));
  }
}

}  // namespace

extern const Rule kRequiredTagMissingRule{
    {"TW103", "required-tag-missing", "governance", "Required tag missing on a page",
     Severity::medium,
     "The policy requires a vendor (or a specific tag id, such as the production GTM container "
     "or the consent manager) on pages matching its paths, and a crawled page lacks it. Checked "
     "across the site after the crawl.",
     "Add the tag to the page template, or narrow the required entry's paths if the page is a "
     "deliberate exception.",
     true},
    &check_required_missing};

extern const Rule kOverlappingVendorsRule{
    {"TW105", "overlapping-vendors", "governance",
     "More vendors in one category than the policy allows", Severity::low,
     "Across the site, more vendors of one category are in use than budgets."
     "vendors_per_category allows: three analytics tools and two chat widgets (the "
     "'Frankenstack') cost money, speed and data protection effort for little gain.",
     "Pick one vendor per job, migrate the pages using the others, and remove them.", true},
    &check_overlapping_vendors};

extern const Rule kExpiredSuppressionRule{
    {"TW010", "expired-suppression", "governance", "Suppression past its expiry date",
     Severity::low,
     "A suppression in the policy has an expires date in the past. It no longer hides anything, "
     "and the findings it covered are reported again.",
     "Fix what it suppressed, or renew it with a new date and reason after a review.", true},
    &check_expired_suppressions};

}  // namespace tw
