// Shared plumbing for the rule modules: page facts, finding construction, fingerprints.
#include "rules/rule_support.h"

#include "model/domain.h"
#include "model/url.h"

namespace tw {

namespace {

std::string page_url_of(const PageAnalysis& analysis) {
  return analysis.page.final_url.empty() ? analysis.page.requested_url : analysis.page.final_url;
}

}  // namespace

PageFacts::PageFacts(const PageAnalysis& page_analysis, const RuleContext& rule_context)
    : analysis(page_analysis), context(rule_context), url(page_url_of(page_analysis)) {
  path_and_query = url_path(url);
  path = path_and_query.substr(0, path_and_query.find('?'));
  if (path.empty()) path = "/";
}

std::string PageFacts::vendor_of(const Tag& tag) const {
  if (!tag.vendor.empty()) return tag.vendor;
  if (context.policy != nullptr) {
    if (const SanctionedVendor* v = find_sanctioned(*context.policy, {}, tag.host)) return v->name;
  }
  return {};
}

std::string PageFacts::category_of(const Tag& tag) const {
  if (!tag.category.empty()) return tag.category;
  std::string vendor = vendor_of(tag);
  if (vendor.empty() || context.catalogue == nullptr) return {};
  const VendorEntry* entry = context.catalogue->find_by_name(vendor);
  return entry ? entry->category : std::string();
}

bool PageFacts::is_own(const Tag& tag) const {
  // A cloaked tag's host is the site's, but what answers there is a tracker's.
  if (context.policy == nullptr || tag.cloaked) return false;
  for (const std::string& domain : context.policy->own_domains) {
    if (host_in_domain(tag.host, domain)) return true;
  }
  return false;
}

Finding tag_finding(const RuleInfo& rule, const PageFacts& page, const Tag& tag,
                    std::string message, std::string evidence,
                    const std::vector<std::string>& subject) {
  Finding finding = page_finding(rule, page, std::move(message), std::move(evidence), subject);
  finding.vendor = page.vendor_of(tag);
  finding.host = tag.host;
  finding.tag_url = tag.url;
  finding.line = tag.line;
  finding.column = tag.column;
  return finding;
}

Finding page_finding(const RuleInfo& rule, const PageFacts& page, std::string message,
                     std::string evidence, const std::vector<std::string>& subject) {
  Finding finding;
  finding.rule = std::string(rule.id);
  finding.severity = rule.default_severity;
  finding.page = page.url;
  finding.message = std::move(message);
  finding.evidence = std::move(evidence);
  std::vector<std::string> parts{finding.rule, page.path};
  parts.insert(parts.end(), subject.begin(), subject.end());
  finding.fingerprint = stable_fingerprint(parts);
  return finding;
}

bool loads_content(const Tag& tag) {
  return tag.kind != TagKind::preconnect;
}

std::string origin_of(std::string_view url) {
  std::optional<Url> parsed = parse_url(url);
  if (!parsed) return {};
  std::string origin = parsed->scheme + "://" + parsed->host;
  if (parsed->port != 0) origin += ":" + std::to_string(parsed->port);
  return origin;
}

}  // namespace tw
