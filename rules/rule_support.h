// What every rule is built from: the facts a page rule reads (PageFacts), how a rule is declared
// (metadata beside its check, like an ESLint rule module), the registry of them all and the
// helpers that build findings with stable fingerprints. Internal to the rules folder.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <variant>
#include <vector>

#include "model/analysis.h"
#include "model/resource_facts.h"
#include "model/text.h"
#include "policy/policy_model.h"
#include "rules/rule_catalogue.h"
#include "rules/rule_engine.h"
#include "rules/rule_resource_checks.h"

namespace tw {

// One page as the page rules see it. Pure data: rules never fetch.
struct PageFacts {
  PageFacts(const PageAnalysis& analysis, const RuleContext& context);

  const PageAnalysis& analysis;
  const RuleContext& context;
  std::string url;             // final URL (requested URL when there was none)
  std::string path;            // path without query, for globs and fingerprints
  std::string path_and_query;  // for sensitive-page regexes

  const SanctionedStack* policy() const { return context.policy; }
  const SanctionedStack::Details* details() const {
    return context.policy ? context.policy->details.get() : nullptr;
  }
  // The tag's vendor, or the sanctioned entry whose `hosts` explain it; empty when unknown.
  std::string vendor_of(const Tag& tag) const;
  // The vendor's category from the tag, or from the catalogue when the tag lacks it.
  std::string category_of(const Tag& tag) const;
  // True for tags on the policy's own domains (first party the analyzer did not know about),
  // unless the tag is cloaked (a tracker behind an alias of the site's host).
  bool is_own(const Tag& tag) const;
};

// A finding about one tag: page, tag URL, vendor, host, line and column filled in; the
// fingerprint is rule + page path + `subject` (never the line, which shifts with edits).
Finding tag_finding(const RuleInfo& rule, const PageFacts& page, const Tag& tag,
                    std::string message, std::string evidence,
                    const std::vector<std::string>& subject);
// A finding about the page as a whole (line 0).
Finding page_finding(const RuleInfo& rule, const PageFacts& page, std::string message,
                     std::string evidence, const std::vector<std::string>& subject);

// Tags that only hint a connection (preconnect, dns-prefetch) load nothing.
bool loads_content(const Tag& tag);
// "https://cdn.example.com" of a URL (scheme://host[:port]).
std::string origin_of(std::string_view url);

// One fetched third-party resource a page loads: the tag and the facts the third-party stage
// wrote on it (model/resource_facts.h).
struct FetchedTag {
  const Tag* tag;
  ResourceFacts facts;
};

// A rule's check, by what it reads (like a Lighthouse audit's requiredArtifacts): the type of its
// check says what it needs, and the engine runs it where that exists. Every check gets its own
// rule's metadata first, appends its findings to `out`, and is pure (rules never fetch).
//   PageCheck      one analysed page; runs on the analysis workers (run_page_rules)
//   ResourceCheck  a page's fetched third-party resources, after the third-party stage
//                  (run_resource_rules)
//   SiteCheck      what SiteFacts gathered over the whole crawl (run_site_rules)
//   BaselineCheck  what appeared or disappeared since the baseline scan (run_baseline_rules)
//   IntegrityCheck the payment pages' scripts and headers, against the scripts file and the last
//                  scan of the target (run_integrity_rules)
using PageCheck = void (*)(const RuleInfo& rule, const PageFacts& page, std::vector<Finding>& out);
using ResourceCheck = void (*)(const RuleInfo& rule, const PageFacts& page,
                               const std::vector<FetchedTag>& tags, const ResourceBudgets& budgets,
                               std::vector<Finding>& out);
using SiteCheck = void (*)(const RuleInfo& rule, const SiteFacts::Data& facts,
                           const RuleContext& context, std::vector<Finding>& out);
using BaselineCheck = void (*)(const RuleInfo& rule, const BaselineFacts& facts,
                               std::vector<Finding>& out);
using IntegrityCheck = void (*)(const RuleInfo& rule, const IntegrityFacts& facts,
                                const RuleContext& context, std::vector<Finding>& out);

// One rule: its metadata beside its check, like an ESLint rule module. Each is defined as
// `extern const Rule k...Rule{...}` in its rules/rule_*.cpp file and listed once in
// rules/rule_registry.cpp.
struct Rule {
  RuleInfo info;
  std::variant<PageCheck, ResourceCheck, SiteCheck, BaselineCheck, IntegrityCheck> check;
};

// The registry: every rule, sorted by id (also the order each kind runs in).
std::span<const Rule* const> registered_rules();

// What SiteFacts keeps per page and per vendor (no page bodies, no tags).
// Kept for every analysed page, so it holds indexes rather than names: at 100,000 pages the
// names alone cost ~100 MB.
struct SitePage {
  std::string url;
  std::string path;
  std::vector<std::uint32_t> vendors;  // named vendors on the page: indexes into Data::vendors
  std::vector<std::uint32_t> ids;      // tag ids on the page: indexes into Data::tag_ids
};

struct SiteVendor {
  std::string name;
  std::string category;
  std::vector<std::string> hosts;  // in first-seen order
  std::vector<std::uint32_t> ids;  // indexes into Data::tag_ids, in first-seen order
  // Membership of hosts and ids: a vendor can collect thousands of ids over a site (one per
  // page, say), so a linear search per tag grew quadratically.
  std::unordered_set<std::string> host_set;
  std::unordered_set<std::uint32_t> id_set;
  // Hosts of the site reached through a CNAME alias of the vendor's: never its "own" hosts.
  std::unordered_set<std::string> cloaked_hosts;
  int pages = 0;
  std::string first_page;  // where it was first seen (for site findings' evidence)
  bool seen_statically = false;  // some tag of it came from the static crawl
  bool seen_by_browser = false;  // some tag of it was requested in the browser pass
};

}  // namespace tw

namespace tw {
struct SiteFacts::Data {
  std::vector<SitePage> pages;      // analysed pages only, in the order they were added
  std::vector<SiteVendor> vendors;  // by first sight; unknown hosts grouped by domain
  std::unordered_map<std::string, std::size_t> vendor_index;  // lower-case name -> vendors
  // Every tag id seen, once: the map owns the text and tag_ids points at its keys (stable in a
  // node-based map), so a site with an id per page holds each id once.
  std::unordered_map<std::string, std::uint32_t> tag_id_index;  // -> tag_ids
  std::vector<const std::string*> tag_ids;
};
}  // namespace tw
