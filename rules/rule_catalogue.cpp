// The list behind `tagwarden rules`, SARIF descriptors and the HTML explanations. Implemented
// rules contribute the metadata declared beside their check (rules/rule_tw*.cpp); ids reserved
// for rules that need fetched third-party resources or scan history are described here until
// their stage lands and flips `implemented`.
#include "rules/rule_catalogue.h"

#include <algorithm>
#include <vector>

#include "rules/rule_support.h"

namespace tw {
namespace {

constexpr RuleInfo kReservedRules[] = {
    {"TW107", "drift", "governance", "Vendor, tag ID or host new or gone since the baseline",
     Severity::info,
     "Compares this scan with a baseline scan and reports every vendor, tag ID or third-party "
     "host that appeared or disappeared. New tags arrive without review through tag managers and "
     "agency campaigns; drift is how a team notices.",
     "Review each new vendor or ID: sanction it in the policy, or remove it from the site (often "
     "from the tag manager container).",
     true, false},
    {"TW203", "third-party-cookie", "privacy", "Third-party cookie set by a fetched resource",
     Severity::medium,
     "A fetched third-party resource answered with Set-Cookie for its own domain. Cookies "
     "identify visitors across sites and need consent under GDPR/ePrivacy.",
     "Gate the tag behind the consent manager or configure the vendor for cookieless operation.",
     true, false},
    {"TW301", "integrity-mismatch", "security", "Integrity attribute does not match the file",
     Severity::critical,
     "The integrity hash on a script or stylesheet does not match the bytes the vendor serves: "
     "browsers refuse to run it, or the file changed underneath you.",
     "Find out why the file changed; if the change is legitimate, pin the new version and update "
     "the hash.",
     true, false},
    {"TW304", "vulnerable-library", "security", "Known-vulnerable JavaScript library version",
     Severity::high,
     "A script matches a library version with published vulnerabilities (retire.js data).",
     "Upgrade the library to a fixed version, or remove it.", true, false},
    {"TW308", "dangling-host", "security", "Third-party host does not resolve", Severity::high,
     "A page references a third-party host whose name does not resolve. Whoever registers the "
     "domain can serve code to your visitors (subdomain or domain takeover).",
     "Remove the reference, or take ownership of the domain.", true, false},
    {"TW403", "third-party-bytes", "performance", "Third-party bytes per page over the budget",
     Severity::low,
     "The third-party resources a page loads add up to more bytes on the wire than the budget "
     "(budgets.third_party_bytes_per_page, default 1 MB).",
     "Remove unused tags, load heavy ones on interaction, or raise the budget deliberately.", true,
     false},
    {"TW404", "slow-third-party", "performance", "Slow third-party response", Severity::low,
     "A third-party resource took longer than the threshold to answer "
     "(budgets.slow_response_ms, default 2000 ms).",
     "Load it asynchronously, self-host it, or ask the vendor about their CDN.", true, false},
    {"TW405", "uncompressed-or-uncacheable", "performance",
     "Third-party script served uncompressed or uncacheable", Severity::low,
     "A third-party script was served without compression or with headers that forbid caching.",
     "Ask the vendor to fix their delivery, or self-host a cached copy.", true, false},
};

std::vector<RuleInfo> build_catalogue() {
  std::vector<RuleInfo> rules(std::begin(kReservedRules), std::end(kReservedRules));
  for (const PageRule* rule : page_rules()) rules.push_back(rule->info);
  for (const SiteRule* rule : site_rules()) rules.push_back(rule->info);
  std::sort(rules.begin(), rules.end(),
            [](const RuleInfo& a, const RuleInfo& b) { return a.id < b.id; });
  return rules;
}

}  // namespace

std::span<const RuleInfo> all_rules() {
  static const std::vector<RuleInfo> rules = build_catalogue();
  return rules;
}

const RuleInfo* find_rule(std::string_view id) {
  for (const RuleInfo& rule : all_rules()) {
    if (rule.id == id) return &rule;
  }
  return nullptr;
}

}  // namespace tw
