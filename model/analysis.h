// What analysis learns from one page (PageAnalysis) and from a whole scan (ScanReport). Rules read
// these facts; reports and the store are written from them alone, never by re-reading the page.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/finding.h"
#include "model/issue.h"
#include "model/page.h"
#include "model/payment_page.h"
#include "model/tag.h"

namespace tw {

// Content-Security-Policy as delivered by header and <meta http-equiv>.
struct ContentSecurityPolicy {
  std::string header;  // raw value of the Content-Security-Policy header, if any
  std::string meta;    // raw content of <meta http-equiv="Content-Security-Policy">, if any
  bool present() const { return !header.empty() || !meta.empty(); }
};

struct PageAnalysis {
  Page page;  // body cleared once analysed
  std::string title;
  std::vector<Tag> tags;           // third-party tags only, in source order
  std::vector<std::string> links;  // same-page-resolved hrefs, for the crawler
  std::vector<Finding> findings;   // page-level findings
  ContentSecurityPolicy csp;
  // Consent: the first consent-manager tag on the page (index into tags), -1 when none.
  int consent_manager_index = -1;
  std::vector<std::string> notes;  // what could not be extracted and why
  bool reused = false;             // tags reused from a previous scan (content unchanged)
  // A page the policy's payment_pages name: every script it runs (first and third party, inline
  // too, in source order), not yet hashed when external. Empty on other pages.
  bool payment_page = false;
  std::vector<PageScript> scripts;
};

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
  std::string policy_path;
  std::string policy_digest;
  std::map<std::string, std::string> settings;  // the flags that shaped the crawl
  std::map<std::string, int> error_counts;      // PageError name -> pages
};

// Counted while pages stream through the pipeline, for scans that do not keep every page in
// memory (a console-only scan of a large site): summaries use these when `pages` was not kept.
struct StreamedTotals {
  int pages_analysed = 0;
  int pages_failed = 0;
  int tags = 0;
  int findings = 0;  // page-level, unsuppressed and suppressed
  int suppressed = 0;
  // (rule id, severity) -> unsuppressed page-level findings
  std::map<std::pair<std::string, Severity>, int> by_rule_severity;
  std::vector<Finding> worst;  // the few worst page-level findings, worst first
  IssueTally issues;           // every page-level finding (suppressed too), grouped into issues
};

struct ScanReport {
  ScanInfo scan;
  std::vector<PageAnalysis> pages;  // empty when not kept (see `streamed`)
  std::vector<VendorSummary> vendors;
  std::vector<Finding> site_findings;      // site-level (overlap, required-missing, drift)
  std::optional<StreamedTotals> streamed;  // set when `pages` was not kept
  int tags_not_kept = 0;  // tags of the kept pages, dropped because no report lists them

  // Every finding, page-level first in page order, then site-level.
  std::vector<const Finding*> all_findings() const;
};

}  // namespace tw
