// An Issue is one problem as a person fixes it: the findings of one rule, vendor, host and
// message template across pages (a pixel without consent on a template 2,000 pages share is one
// issue with 2,000 instances), as OWASP ZAP groups alerts and code-scanning UIs group results.
// IssueTally groups findings as they stream past, holding counts and the first few instances
// only, so grouping a large scan costs memory per issue, not per finding; past a cap on distinct
// issues (a site whose every page words its findings differently) further findings are counted
// in one overflow issue per rule, so the tally stays bounded too. Not thread-safe: one tally per
// thread.
#pragma once

#include <array>
#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/finding.h"

namespace tw {

// Where one finding of an issue stands.
struct IssueInstance {
  std::string page;  // empty for a site-level finding
  std::string tag_url;
  int line = 0;
  int column = 0;
  std::string evidence;
  std::string fingerprint;
  Severity severity = Severity::info;
  bool suppressed = false;
  std::string suppression_reason;
  std::string baseline_state;
  // Where the instance stands in report order: its page's depth and then its page URL (when the
  // tally was told the depth; IssueTally::kNoDepth when not), then when it arrived. A tally keeps
  // the instances that come first in that order, so a scan counting pages as the crawl delivers
  // them keeps the same examples as a walk of the stored pages in report order.
  int order_depth = 0;
  std::size_t order_arrival = 0;
};

struct Issue {
  std::string id;  // stable across scans: a digest of rule, vendor, host and the template key
  std::string rule;
  std::string vendor;
  std::string host;
  std::string message;                 // the first instance's message
  Severity severity = Severity::info;  // the worst instance's
  int instances = 0;                   // every finding of the issue, suppressed ones too
  int pages = 0;                       // distinct pages among them (site-level findings count none)
  int suppressed = 0;
  int new_instances = 0;  // baseline_state "new"
  // Unsuppressed instances by severity, and those of them a baseline does not know ("existing"
  // excluded), so a report can tell how many fail the build without keeping every instance.
  std::array<int, 5> open_by_severity{};
  std::array<int, 5> open_not_existing_by_severity{};
  std::vector<IssueInstance> examples;  // the first instances in report order (IssueInstance)
  std::string last_page;                // for counting distinct pages of page-ordered input
};

// What groups a finding with others besides its rule, vendor and host: its message with the page
// URL and the tag URL written as placeholders, so one tag on every page of a template, or a
// vendor's tags whose URLs differ per page (ids, cache-busters), is one issue.
std::string issue_template_key(const Finding& finding);
// The id the finding's issue has: a digest of rule, vendor, host and template key, the same from
// one scan to the next.
std::string issue_id(const Finding& finding);

class IssueTally {
 public:
  // The distinct issues a tally holds before it counts further ones per rule.
  static constexpr std::size_t kMaxIssues = 5000;
  // The order depth of findings added without their page's depth: after every page's.
  static constexpr int kNoDepth = std::numeric_limits<int>::max();

  // Keeps the first `examples_kept` instances of each issue, and at most `max_issues` issues
  // (plus one overflow issue per rule).
  explicit IssueTally(std::size_t examples_kept = 5, std::size_t max_issues = kMaxIssues)
      : examples_kept_(examples_kept), max_issues_(max_issues) {}

  // Findings should arrive page by page (as a scan and the store list them): pages are counted
  // by change of page within an issue. `page_depth`, when given, is the depth of the finding's
  // page: the examples kept are then the first in report order (depth, page URL), whatever order
  // the pages arrive in; findings added without it come after those, in arrival order.
  void add(const Finding& finding, std::optional<int> page_depth = std::nullopt);

  int findings() const { return findings_; }
  std::size_t size() const { return issues_.size(); }
  // Past max_issues: which findings went to the overflow issues depends on their order.
  bool overflowed() const { return overflow_issues_ > 0; }
  // The issues, worst first, then by instances (most first), then by rule and id; the tally is
  // left empty.
  std::vector<Issue> take_worst_first();

 private:
  Issue& issue_for(const Finding& finding);

  std::size_t examples_kept_;
  std::size_t max_issues_;
  std::size_t overflow_issues_ = 0;
  int findings_ = 0;
  std::size_t arrivals_ = 0;
  std::vector<Issue> issues_;
  std::unordered_map<std::string, std::size_t> index_;  // issue id -> issues_
};

}  // namespace tw
