// Grouping findings into issues; see issue.h.
#include "model/issue.h"

#include <algorithm>
#include <string_view>
#include <utility>

namespace tw {

namespace {

// Every occurrence of `value` in `text` replaced by `placeholder`.
void replace_all(std::string& text, std::string_view value, std::string_view placeholder) {
  if (value.empty()) return;
  for (std::size_t at = text.find(value); at != std::string::npos;
       at = text.find(value, at + placeholder.size())) {
    text.replace(at, value.size(), placeholder);
  }
}

}  // namespace

std::string issue_template_key(const Finding& finding) {
  std::string message = finding.message;
  // The longer first: a tag URL may contain the page's.
  bool tag_first = finding.tag_url.size() >= finding.page.size();
  replace_all(message, tag_first ? finding.tag_url : finding.page, tag_first ? "{tag}" : "{page}");
  replace_all(message, tag_first ? finding.page : finding.tag_url, tag_first ? "{page}" : "{tag}");
  return message;
}

std::string issue_id(const Finding& finding) {
  return stable_fingerprint(
      {"issue", finding.rule, finding.vendor, finding.host, issue_template_key(finding)});
}

Issue& IssueTally::issue_for(const Finding& finding) {
  std::string id = issue_id(finding);
  if (auto found = index_.find(id); found != index_.end()) return issues_[found->second];
  std::string message = finding.message;
  bool overflow = issues_.size() - overflow_issues_ >= max_issues_;
  if (overflow) {
    id = stable_fingerprint({"issue-overflow", finding.rule});
    if (auto found = index_.find(id); found != index_.end()) return issues_[found->second];
    ++overflow_issues_;
    message = "more than " + std::to_string(max_issues_) +
              " distinct issues in this scan: further findings of this rule are counted here "
              "together (the first: " +
              message + ")";
  }
  index_.emplace(id, issues_.size());
  Issue& issue = issues_.emplace_back();
  issue.id = std::move(id);
  issue.rule = finding.rule;
  if (!overflow) {
    issue.vendor = finding.vendor;
    issue.host = finding.host;
  }
  issue.message = std::move(message);
  issue.severity = finding.severity;
  return issue;
}

void IssueTally::add(const Finding& finding, std::optional<int> page_depth) {
  ++findings_;
  Issue& issue = issue_for(finding);
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
  // Kept: the first examples_kept_ in report order. Input in that order appends at the end.
  if (examples_kept_ == 0) return;
  const int depth = page_depth.value_or(kNoDepth);
  const std::size_t arrival = arrivals_++;
  std::vector<IssueInstance>& examples = issue.examples;
  auto before = [&](const IssueInstance& kept) {
    if (depth != kept.order_depth) return depth < kept.order_depth;
    if (depth != kNoDepth) {
      if (int by_url = finding.page.compare(kept.page); by_url != 0) return by_url < 0;
    }
    return arrival < kept.order_arrival;
  };
  if (examples.size() == examples_kept_) {
    if (!before(examples.back())) return;
    examples.pop_back();
  }
  auto at = examples.end();
  while (at != examples.begin() && before(*(at - 1))) --at;
  examples.insert(
      at, IssueInstance{finding.page, finding.tag_url, finding.line, finding.column,
                        finding.evidence, finding.fingerprint, finding.severity, finding.suppressed,
                        finding.suppression_reason, finding.baseline_state, depth, arrival});
}

std::vector<Issue> IssueTally::take_worst_first() {
  std::vector<Issue> issues = std::move(issues_);
  issues_.clear();
  index_.clear();
  overflow_issues_ = 0;
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
