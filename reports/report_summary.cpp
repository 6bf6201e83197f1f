// Figures shared by the report formats.
#include "reports/report_summary.h"

#include <algorithm>
#include <set>
#include <span>

namespace tw {
namespace {

// Categories where several vendors side by side are normal infrastructure, not a "Frankenstack".
bool overlap_counts_for(std::string_view category) {
  static const std::set<std::string_view> kInfrastructure{"cdn",   "hosting", "utility",
                                                          "other", "content", ""};
  return !kInfrastructure.contains(category);
}

}  // namespace

RuleText rule_text(std::string_view rule_id) {
  RuleText text;
  text.id = rule_id;
  if (const RuleInfo* info = find_rule(rule_id)) {
    text.name = info->name;
    text.area = info->area.empty() ? "other" : std::string(info->area);
    text.title = info->title;
    text.default_severity = info->default_severity;
    text.description = info->description;
    text.remediation = info->remediation;
  } else {
    text.name = rule_id;
    text.area = "other";
    text.title = rule_id;
  }
  if (std::find(kAreas.begin(), kAreas.end(), text.area) == kAreas.end()) text.area = "other";
  return text;
}

std::string_view page_url(const PageAnalysis& page) {
  return page.page.final_url.empty() ? page.page.requested_url : page.page.final_url;
}

ReportSummary summarize(const ScanReport& report) {
  ReportSummary s;
  s.pages_total = static_cast<int>(report.pages.size());
  for (const PageAnalysis& page : report.pages) {
    if (page.page.error == PageError::none) {
      ++s.pages_analysed;
    } else {
      ++s.pages_failed;
    }
    s.tags += static_cast<int>(page.tags.size());
  }
  s.tags += report.tags_not_kept;
  for (Severity severity : kSeveritiesWorstFirst) s.by_severity[severity] = 0;
  for (const Finding* f : report.all_findings()) {
    ++s.findings;
    if (f->suppressed) {
      ++s.suppressed;
      continue;
    }
    if (f->baseline_state == "new") ++s.new_findings;
    ++s.by_severity[f->severity];
    ++s.by_area[rule_text(f->rule).area][f->severity];
    ++s.by_rule[f->rule];
  }
  if (const std::optional<StreamedTotals>& streamed = report.streamed) {
    s.pages_total += streamed->pages_analysed + streamed->pages_failed;
    s.pages_analysed += streamed->pages_analysed;
    s.pages_failed += streamed->pages_failed;
    s.tags += streamed->tags;
    s.findings += streamed->findings;
    s.suppressed += streamed->suppressed;
    for (const auto& [rule_severity, count] : streamed->by_rule_severity) {
      const auto& [rule, severity] = rule_severity;
      s.by_severity[severity] += count;
      s.by_area[rule_text(rule).area][severity] += count;
      s.by_rule[rule] += count;
    }
  }
  for (std::string_view status : {"sanctioned", "unsanctioned", "forbidden", "unreviewed"}) {
    s.vendors_by_status[std::string(status)] = 0;
  }
  std::map<std::string, CategoryGroup> groups;
  for (const VendorSummary& vendor : report.vendors) {
    ++s.vendors_by_status[vendor.status];
    CategoryGroup& group = groups[vendor.category];
    group.category = vendor.category;
    group.vendors.push_back(&vendor);
  }
  for (auto& [name, group] : groups) {
    std::sort(group.vendors.begin(), group.vendors.end(),
              [](const VendorSummary* a, const VendorSummary* b) { return a->name < b->name; });
    group.overlap = group.vendors.size() > 1 && overlap_counts_for(name);
    s.categories.push_back(std::move(group));
  }
  std::stable_sort(s.categories.begin(), s.categories.end(),
                   [](const CategoryGroup& a, const CategoryGroup& b) {
                     return a.vendors.size() > b.vendors.size();
                   });
  return s;
}

PageVendorMatrix page_vendor_matrix(const ScanReport& report, std::size_t max_pages) {
  std::span<const PageAnalysis> pages(report.pages.data(),
                                      std::min(max_pages, report.pages.size()));
  PageVendorMatrix matrix;
  std::map<std::string, std::size_t> column;
  for (const VendorSummary& vendor : report.vendors) {
    if (column.emplace(vendor.name, matrix.vendors.size()).second) {
      matrix.vendors.push_back(vendor.name);
    }
  }
  // Tags whose vendor the summary does not list (custom hosts) still get a column.
  for (const PageAnalysis& page : pages) {
    for (const Tag& tag : page.tags) {
      if (!tag.vendor.empty() && column.emplace(tag.vendor, matrix.vendors.size()).second) {
        matrix.vendors.push_back(tag.vendor);
      }
    }
  }
  for (const PageAnalysis& page : pages) {
    std::vector<int> row(matrix.vendors.size(), 0);
    for (const Tag& tag : page.tags) {
      if (!tag.vendor.empty()) ++row[column[tag.vendor]];
    }
    matrix.counts.push_back(std::move(row));
  }
  return matrix;
}

std::vector<const Finding*> findings_worst_first(const ScanReport& report) {
  std::vector<const Finding*> findings = report.all_findings();
  std::stable_sort(findings.begin(), findings.end(),
                   [](const Finding* a, const Finding* b) { return a->severity > b->severity; });
  return findings;
}

std::vector<Issue> group_issues(const ScanReport& report, std::size_t examples_kept) {
  IssueTally tally = report.streamed ? report.streamed->issues : IssueTally(examples_kept);
  for (const Finding* finding : report.all_findings()) tally.add(*finding);
  return tally.take_worst_first();
}

int failing_instances(const Issue& issue, const ReportOptions& options) {
  const std::array<int, 5>& counts =
      options.baseline ? issue.open_not_existing_by_severity : issue.open_by_severity;
  int failing = 0;
  for (Severity severity : kSeveritiesWorstFirst) {
    if (severity >= options.fail_on) failing += counts[static_cast<std::size_t>(severity)];
  }
  return failing;
}

PageSample sample_pages(const Issue& issue, std::size_t limit) {
  PageSample sample;
  std::set<std::string_view> seen;
  for (const IssueInstance& instance : issue.examples) {
    if (sample.shown.size() == limit) break;
    if (!instance.page.empty() && seen.insert(instance.page).second)
      sample.shown.push_back(&instance);
  }
  sample.more = std::max(0, issue.pages - static_cast<int>(sample.shown.size()));
  return sample;
}

}  // namespace tw
