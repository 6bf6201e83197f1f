// Grouping findings into issues; see issue.h.
#include "model/issue.h"

#include <algorithm>
#include <utility>

namespace tw {

std::string issue_template_key(const Finding& finding) {
  if (!finding.issue_key.empty()) return finding.issue_key;
  // Findings the rules' shared helper did not build (site rules, an older store or report) carry
  // no key: what they say, without the page they say it on, is their template.
  std::string message = finding.message;
  if (!finding.page.empty()) {
    for (std::size_t at = message.find(finding.page); at != std::string::npos;
         at = message.find(finding.page, at + 6)) {
      message.replace(at, finding.page.size(), "{page}");
    }
  }
  return "message:" + message;
}

std::string issue_id(const Finding& finding) {
  return stable_fingerprint(
      {"issue", finding.rule, finding.vendor, finding.host, issue_template_key(finding)});
}

void IssueTally::add(const Finding& finding) {
  ++findings_;
  std::string id = issue_id(finding);
  auto [slot, added] = index_.try_emplace(id, issues_.size());
  if (added) {
    Issue& issue = issues_.emplace_back();
    issue.id = std::move(id);
    issue.rule = finding.rule;
    issue.vendor = finding.vendor;
    issue.host = finding.host;
    issue.message = finding.message;
    issue.severity = finding.severity;
  }
  Issue& issue = issues_[slot->second];
  ++issue.instances;
  issue.severity = std::max(issue.severity, finding.severity);
  if (!finding.page.empty() && (issue.pages == 0 || finding.page != issue.last_page)) {
    ++issue.pages;
    issue.last_page = finding.page;
  }
  if (finding.baseline_state == "new") ++issue.new_instances;
  if (finding.suppressed) {
    ++issue.suppressed;
  } else {
    auto level = static_cast<std::size_t>(finding.severity);
    ++issue.open_by_severity[level];
    if (finding.baseline_state != "existing") ++issue.open_not_existing_by_severity[level];
  }
  if (issue.examples.size() < examples_kept_) {
    issue.examples.push_back(IssueInstance{finding.page, finding.tag_url, finding.line,
                                           finding.column, finding.evidence, finding.fingerprint,
                                           finding.severity, finding.suppressed,
                                           finding.suppression_reason, finding.baseline_state});
  }
}

std::vector<Issue> IssueTally::take_worst_first() {
  std::vector<Issue> issues = std::move(issues_);
  issues_.clear();
  index_.clear();
  findings_ = 0;
  std::sort(issues.begin(), issues.end(), [](const Issue& a, const Issue& b) {
    if (a.severity != b.severity) return a.severity > b.severity;
    if (a.instances != b.instances) return a.instances > b.instances;
    if (a.rule != b.rule) return a.rule < b.rule;
    return a.id < b.id;
  });
  for (Issue& issue : issues) issue.last_page = std::string();
  return issues;
}

}  // namespace tw
