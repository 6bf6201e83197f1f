// What analysis learns from one page (PageAnalysis) and from a whole scan (ScanReport). Rules read
// these facts; reports and the store are written from them alone, never by re-reading the page.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/browser_visit.h"
#include "model/finding.h"
#include "model/issue.h"
#include "model/page.h"
#include "model/payment_page.h"
#include "model/result.h"
#include "model/tag.h"

namespace tw {

// Content-Security-Policy as delivered by header and <meta http-equiv>.
struct ContentSecurityPolicy {
  std::string header;  // raw value of the Content-Security-Policy header, if any
  std::string meta;    // raw content of <meta http-equiv="Content-Security-Policy">, if any
  bool present() const { return !header.empty() || !meta.empty(); }
};

// A same-site script or stylesheet file a page includes (<script src>, <link rel=stylesheet>, a
// preload of either). The first-party pass reads it; the third-party references inside it become
// tags of the page.
inline constexpr std::size_t kMaxFirstPartyAssetsPerPage = 100;
struct FirstPartyAsset {
  std::string url;  // absolute http(s), without fragment
  bool stylesheet = false;
  bool operator==(const FirstPartyAsset&) const = default;
};

struct PageAnalysis {
  Page page;  // body cleared once analysed
  std::string title;
  // The page's element skeleton (tag names and their parents to the body's great-grandchildren,
  // repeats and order ignored) as a digest: pages of one template share it (the browser pass's
  // sample).
  std::string dom_shape;
  std::vector<Tag> tags;                            // third-party tags only, in source order
  std::vector<std::string> links;                   // same-page-resolved hrefs, for the crawler
  std::vector<FirstPartyAsset> first_party_assets;  // distinct, in source order, bounded
  std::vector<Finding> findings;                    // page-level findings
  ContentSecurityPolicy csp;
  // Consent: the first consent-manager tag on the page (index into tags), -1 when none.
  int consent_manager_index = -1;
  std::vector<std::string> notes;  // what could not be extracted and why
  // Resources the page loads from the site's own hosts other than the page's (first reference
  // to each, up to kMaxSiteHostReferences), for the CNAME-cloaking check. Collected only when the
  // third-party stage runs (AnalysisContext::keep_site_host_references); never stored.
  static constexpr std::size_t kMaxSiteHostReferences = 16;
  std::vector<Tag> site_host_references;
  bool reused = false;  // tags reused from a previous scan (content unchanged)
  // Set when the stored analysis and findings of an unchanged page are reused as they are (same
  // analyser, policy and catalogue): the rows they were read from, which the store refers to
  // instead of writing them again. Only valid in the database they were read from.
  struct StoredRows {
    std::int64_t analysis_id = 0;
    std::optional<std::int64_t> finding_set_id;  // nullopt: store `findings` (none, or changed)
  };
  std::optional<StoredRows> stored_rows;
  // A page the policy's payment_pages name: every script it runs (first and third party, inline
  // too, in source order), not yet hashed when external. Empty on other pages.
  bool payment_page = false;
  std::vector<PageScript> scripts;
  // --browser: the page as headless Chromium rendered it, one visit per consent state.
  std::vector<BrowserVisit> browser;
  // Tags the page has but a PageParts::counts walk counted without reading them into `tags`.
  int unread_tags = 0;
};

// Forgets what an earlier browser pass added to a page (runtime tags, the marks on static tags,
// visits), so a page reused from a stored scan holds only what the static pass found. True when
// anything was dropped.
bool drop_browser_results(PageAnalysis& page);

// A vendor as seen across the scan.
struct VendorSummary {
  std::string name;
  std::string category;
  std::vector<std::string> hosts;
  std::vector<std::string> ids;
  int pages = 0;
  // "sanctioned", "unsanctioned", "forbidden" or "unreviewed" (no policy given)
  std::string status = "unreviewed";
  std::string owner;
  bool seen_statically = true;   // some tag of the vendor came from the static crawl
  bool seen_by_browser = false;  // some request to the vendor came from the browser pass
};

enum class ScanStatus { running, complete, partial, failed };
std::string_view to_string(ScanStatus status);

struct ScanInfo {
  std::int64_t id = 0;  // store id; 0 when not stored
  std::vector<std::string> targets;
  std::string started;   // ISO 8601 UTC
  std::string finished;  // ISO 8601 UTC, empty while running
  ScanStatus status = ScanStatus::running;
  std::string tool_version;
  // What the analyses this scan stores are marked with (kAnalyserVersion); not a column of the
  // scan: a store that did not begin the scan marks them with tool_version, which no later build
  // reuses.
  std::string analyser_version;
  std::string policy_path;
  std::string policy_digest;
  std::map<std::string, std::string> settings;  // the flags that shaped the crawl
  std::map<std::string, int> error_counts;      // PageError name -> pages
};

// Counted while pages stream past (through the pipeline, or out of the store for a report), for
// reports whose pages are not held in memory: summaries use these instead of `pages`.
struct StreamedTotals {
  // The issue tally keeps this many instances of each issue: the most any report shows (SARIF's
  // locations).
  static constexpr std::size_t kIssueExamples = 100;

  int pages_analysed = 0;
  int pages_failed = 0;
  int tags = 0;
  int findings = 0;  // page-level, unsuppressed and suppressed
  int suppressed = 0;
  int baseline_marked = 0;  // findings with a baseline_state
  // (rule id, severity) -> unsuppressed page-level findings
  std::map<std::pair<std::string, Severity>, int> by_rule_severity;
  IssueTally issues{kIssueExamples};  // every page-level finding (suppressed too), as issues

  void add(const PageAnalysis& page);
};

// Pages a report lists without holding them: a stored scan's, read from the store a batch at a
// time in report order, so writing a report over 100,000 pages holds a batch, not the scan.
// What a walk reads of each page: everything a report lists (`all`); what a list of pages shows
// (`listing`: all but the findings and the response headers, which the JSON report lists elsewhere
// or not at all); what counting needs (`counts`: URLs, depth, status, error and findings, the tags
// counted in `unread_tags` but not read; no headers, notes, redirects or browser visits), several
// times cheaper; or `findings` alone (the same without the tags' count), for listing findings.
enum class PageParts { all, listing, counts, findings };

class PageStream {
 public:
  using Visit = std::function<bool(const PageAnalysis&)>;  // false: stop the walk there
  virtual ~PageStream() = default;
  // Calls `visit` for every page in report order until it returns false. A read error stops the
  // walk and is returned.
  virtual Status walk(const Visit& visit, PageParts parts) const = 0;
};

// One scan of a report's targets as the store holds it, for the HTML report's trend chart.
struct TrendPoint {
  std::int64_t scan_id = 0;
  std::string started;  // ISO 8601 UTC
  int pages = 0;
  std::array<int, 5> findings{};  // unsuppressed page and site findings, indexed by Severity
};

struct ScanReport {
  ScanInfo scan;
  std::vector<PageAnalysis> pages;  // the pages held in memory (none when streamed)
  std::vector<VendorSummary> vendors;
  std::vector<Finding> site_findings;             // site-level (overlap, required-missing, drift)
  std::optional<StreamedTotals> streamed;         // set when the pages are not (all) in `pages`
  std::shared_ptr<const PageStream> page_stream;  // the pages not in `pages`, if any
  int tags_not_kept = 0;  // tags of the kept pages, dropped because no report lists them
  // The last finished scans of the same targets up to this one, oldest first, when the report is
  // read from a store (ScanStore::stream_scan); empty otherwise.
  std::vector<TrendPoint> trend;

  // Every finding held in memory, page-level first in page order, then site-level. A streamed
  // report's page findings are not among them: for_each_finding walks those too.
  std::vector<const Finding*> all_findings() const;

  // Every page: `pages`, then the stream's, until `visit` returns false. The first error reading
  // the stream stops the walk; it is kept in walk_error (reports check it once written).
  void for_each_page(const PageStream::Visit& visit, PageParts parts = PageParts::all) const;
  // Every finding, each page's in page order, then the site-level ones, until `visit` returns
  // false.
  void for_each_finding(const std::function<bool(const Finding&)>& visit) const;
  mutable std::string walk_error;
};

}  // namespace tw
