// The rule registry: every rule tagwarden checks, one line each, sorted by id. A rule is defined
// beside its check (metadata and check in one `Rule`, rules/rule_support.h) in its
// rules/rule_*.cpp file; `tagwarden rules`, the SARIF descriptors, the HTML explanations, the
// policy's known ids and the engine all read this list.
#include <algorithm>
#include <vector>

#include "rules/rule_support.h"

namespace tw {

// Defined in rules/rule_*.cpp.
extern const Rule kExpiredSuppressionRule, kUnsanctionedVendorRule, kUnknownHostRule,
    kUnsanctionedTagIdRule, kRequiredTagMissingRule, kForbiddenVendorRule, kOverlappingVendorsRule,
    kDuplicateTagRule, kDriftRule, kConsentRule, kPersonalDataRule, kSensitivePageTrackerRule,
    kThirdPartyCookieRule, kSessionReplayRule, kTrackingAfterRejectRule, kCnameCloakingRule,
    kMissingIntegrityRule, kIntegrityMismatchRule, kInsecureTransportRule, kCompromisedDomainRule,
    kVulnerableLibraryRule, kWeakCspRule, kCspMismatchRule, kUnsandboxedIframeRule,
    kDanglingHostRule, kRenderBlockingRule, kDocumentWriteRule, kHostBudgetRule,
    kThirdPartyBytesRule, kSlowThirdPartyRule, kUncompressedOrUncacheableRule,
    kMissingPreconnectRule, kUnauthorizedScriptRule, kChangedScriptRule, kScriptAddedOrRemovedRule,
    kSecurityHeaderChangedRule;

std::span<const Rule* const> registered_rules() {
  static const Rule* const kRules[] = {
      &kExpiredSuppressionRule,         // TW010 site      rule_tw103_105_site.cpp
      &kUnsanctionedVendorRule,         // TW100 page      rule_tw1xx_governance.cpp
      &kUnknownHostRule,                // TW101 page      rule_tw1xx_governance.cpp
      &kUnsanctionedTagIdRule,          // TW102 page      rule_tw1xx_governance.cpp
      &kRequiredTagMissingRule,         // TW103 site      rule_tw103_105_site.cpp
      &kForbiddenVendorRule,            // TW104 page      rule_tw1xx_governance.cpp
      &kOverlappingVendorsRule,         // TW105 site      rule_tw103_105_site.cpp
      &kDuplicateTagRule,               // TW106 page      rule_tw1xx_governance.cpp
      &kDriftRule,                      // TW107 baseline  rule_tw107_drift.cpp
      &kConsentRule,                    // TW200 page      rule_tw2xx_privacy.cpp
      &kPersonalDataRule,               // TW201 page      rule_tw2xx_privacy.cpp
      &kSensitivePageTrackerRule,       // TW202 page      rule_tw2xx_privacy.cpp
      &kThirdPartyCookieRule,           // TW203 resource  rule_resource_checks.cpp
      &kSessionReplayRule,              // TW204 page      rule_tw2xx_privacy.cpp
      &kTrackingAfterRejectRule,        // TW205 page      rule_tw2xx_privacy.cpp
      &kCnameCloakingRule,              // TW206 page      rule_tw2xx_privacy.cpp
      &kMissingIntegrityRule,           // TW300 page      rule_tw3xx_security.cpp
      &kIntegrityMismatchRule,          // TW301 resource  rule_resource_checks.cpp
      &kInsecureTransportRule,          // TW302 page      rule_tw3xx_security.cpp
      &kCompromisedDomainRule,          // TW303 page      rule_tw3xx_security.cpp
      &kVulnerableLibraryRule,          // TW304 resource  rule_resource_checks.cpp
      &kWeakCspRule,                    // TW305 page      rule_tw305_306_csp.cpp
      &kCspMismatchRule,                // TW306 page      rule_tw305_306_csp.cpp
      &kUnsandboxedIframeRule,          // TW307 page      rule_tw3xx_security.cpp
      &kDanglingHostRule,               // TW308 resource  rule_resource_checks.cpp
      &kRenderBlockingRule,             // TW400 page      rule_tw4xx_performance.cpp
      &kDocumentWriteRule,              // TW401 page      rule_tw4xx_performance.cpp
      &kHostBudgetRule,                 // TW402 page      rule_tw4xx_performance.cpp
      &kThirdPartyBytesRule,            // TW403 resource  rule_resource_checks.cpp
      &kSlowThirdPartyRule,             // TW404 resource  rule_resource_checks.cpp
      &kUncompressedOrUncacheableRule,  // TW405 resource  rule_resource_checks.cpp
      &kMissingPreconnectRule,          // TW406 page      rule_tw4xx_performance.cpp
      &kUnauthorizedScriptRule,         // TW500 integrity rule_tw5xx_integrity.cpp
      &kChangedScriptRule,              // TW501 integrity rule_tw5xx_integrity.cpp
      &kScriptAddedOrRemovedRule,       // TW502 integrity rule_tw5xx_integrity.cpp
      &kSecurityHeaderChangedRule,      // TW503 integrity rule_tw5xx_integrity.cpp
  };
  return kRules;
}

namespace {

template <typename Field>
auto collect(Field field) {
  std::vector<decltype(field(*registered_rules().front()))> out;
  for (const Rule* rule : registered_rules()) out.push_back(field(*rule));
  return out;
}

}  // namespace

std::span<const RuleInfo> all_rules() {
  static const std::vector<RuleInfo> rules = collect([](const Rule& rule) { return rule.info; });
  return rules;
}

std::span<const std::string_view> rule_ids() {
  static const std::vector<std::string_view> ids =
      collect([](const Rule& rule) { return rule.info.id; });
  return ids;
}

const RuleInfo* find_rule(std::string_view id) {
  for (const RuleInfo& rule : all_rules()) {
    if (rule.id == id) return &rule;
  }
  return nullptr;
}

std::string_view rule_scope(std::string_view id) {
  for (const Rule* rule : registered_rules()) {
    if (rule->info.id != id) continue;
    if (std::holds_alternative<PageCheck>(rule->check)) return "each page";
    if (std::holds_alternative<ResourceCheck>(rule->check)) {
      return "the third-party resources a page loads (fetched by the third-party stage)";
    }
    if (std::holds_alternative<SiteCheck>(rule->check)) return "the whole site";
    if (std::holds_alternative<IntegrityCheck>(rule->check)) {
      return "the payment pages, against the scripts file and the last scan of the target";
    }
    return "the scan against its baseline";
  }
  return "";
}

}  // namespace tw
