// Figures several report formats show (counts by severity, vendors by category and status, the
// page x vendor matrix, rule metadata with a fallback), computed once from a ScanReport so every
// format agrees. Internal to reports/.
#pragma once

#include <array>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "model/analysis.h"
#include "model/issue.h"
#include "reports/report.h"
#include "rules/rule_catalogue.h"

namespace tw {

// Rule metadata for a finding; a rule id missing from the catalogue still gets a usable entry
// (its id as name and title) so reports never lose a finding.
struct RuleText {
  std::string id;
  std::string name;
  std::string area;  // governance, privacy, security, performance; "other" when unknown
  std::string title;
  Severity default_severity = Severity::medium;
  std::string description;
  std::string remediation;
};
RuleText rule_text(std::string_view rule_id);

inline constexpr std::array<Severity, 5> kSeveritiesWorstFirst{
    Severity::critical, Severity::high, Severity::medium, Severity::low, Severity::info};
inline constexpr std::array<std::string_view, 5> kAreas{"governance", "privacy", "security",
                                                        "performance", "other"};

struct CategoryGroup {
  std::string category;
  std::vector<const VendorSummary*> vendors;  // by name
  bool overlap = false;  // more than one vendor, or a TW105-style overlap finding names it
};

struct ReportSummary {
  int pages_total = 0;
  int pages_analysed = 0;  // without error
  int pages_failed = 0;
  int tags = 0;
  int findings = 0;
  int suppressed = 0;
  int new_findings = 0;                 // baseline_state == "new"
  std::map<Severity, int> by_severity;  // unsuppressed findings
  // area -> severity -> count (unsuppressed)
  std::map<std::string, std::map<Severity, int>> by_area;
  // sanctioned, unsanctioned, forbidden and unreviewed always present
  std::map<std::string, int> vendors_by_status;
  std::vector<CategoryGroup> categories;  // by vendor count, then name
  std::map<std::string, int> by_rule;     // rule id -> unsuppressed findings
};
ReportSummary summarize(const ScanReport& report);

// The hosts through which each vendor is CNAME-cloaked (vendor name -> hosts), from the issues
// of the cname-cloaking rule, which name the vendor and the site's host. A report of a stored
// scan has no tags of vendors at hand; the findings carry this.
std::map<std::string, std::vector<std::string>> cloaked_hosts_by_vendor(
    const std::vector<Issue>& issues);
bool is_cloaking_issue(const Issue& issue);

// Tags per (page, vendor name) for the first `max_pages` pages; vendor names in the order of
// report.vendors, then as the tags name them.
struct PageVendorMatrix {
  std::vector<std::string> pages;  // page_url of each row
  std::vector<std::string> vendors;
  std::vector<std::vector<int>> counts;  // [page][vendor]
};
PageVendorMatrix page_vendor_matrix(const ScanReport& report, std::size_t max_pages);

// The site's cookies as the browser pass found them (--browser): one entry per name and domain,
// over every page and consent state, in the order first seen.
struct CookieSummary {
  std::string name;
  std::string domain;
  std::string path;
  bool third_party = false;
  bool secure = false;
  bool http_only = false;
  std::string same_site;
  double expires = -1;  // the longest-lived copy; -1 for a session cookie
  std::string set_by;   // the first response or script known to set it
  std::string set_via;  // "response" (Set-Cookie) or "script" (document.cookie), with set_by
  std::vector<std::string> consent_states;  // the states it was found in, in state order
  int pages = 0;
};
// Reads every page once; empty when no page was rendered (a scan without --browser costs one
// check per page only when the scan's settings say the browser ran).
std::vector<CookieSummary> cookie_inventory(const ScanReport& report);
// Adds one page's cookies to an inventory being built while pages stream past.
void add_cookies(std::vector<CookieSummary>& inventory, const PageAnalysis& page);
// "static", "browser" or both, for a tag's or a vendor's seen_by.
std::vector<std::string> seen_by(bool statically, bool by_browser);

// The URL a page is known by: final URL, else the requested one.
std::string_view page_url(const PageAnalysis& page);

// Every finding, worst first, then in report order (stable), until `visit` returns false: one
// walk over the pages per severity, so nothing but the finding at hand is held.
void for_each_finding_worst_first(const ScanReport& report,
                                  const std::function<bool(const Finding&)>& visit);
// The first `limit` findings in that order, copied.
std::vector<Finding> worst_findings(const ScanReport& report, std::size_t limit);

// Every finding of the report grouped into issues (model/issue.h), worst first, each with its
// first `examples_kept` instances (a streamed report's page-level issues keep what its tally
// kept). The sum of the issues' instances is the report's number of findings.
std::vector<Issue> group_issues(const ScanReport& report, std::size_t examples_kept);

// Instances of the issue that fail the build (fails_build of each, from the issue's counts).
int failing_instances(const Issue& issue, const ReportOptions& options);
// Findings of the report that fail the build: failing_instances summed over its issues.
int failing_findings(const std::vector<Issue>& issues, const ReportOptions& options);

// The first `limit` distinct pages among the issue's kept instances, and how many of the issue's
// pages that leaves out ("+N more").
struct PageSample {
  std::vector<const IssueInstance*> shown;  // one instance per page, first seen first
  int more = 0;
};
PageSample sample_pages(const Issue& issue, std::size_t limit);

}  // namespace tw
