// Figures shared by the report formats.
#include "reports/report_summary.h"

#include <algorithm>
#include <set>

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

bool is_cloaking_issue(const Issue& issue) {
  return rule_text(issue.rule).name == "cname-cloaking";
}

std::map<std::string, std::vector<std::string>> cloaked_hosts_by_vendor(
    const std::vector<Issue>& issues) {
  std::map<std::string, std::vector<std::string>> hosts;
  for (const Issue& issue : issues) {
    if (!is_cloaking_issue(issue) || issue.vendor.empty()) continue;
    std::vector<std::string>& known = hosts[issue.vendor];
    if (std::find(known.begin(), known.end(), issue.host) == known.end()) {
      known.push_back(issue.host);
    }
  }
  return hosts;
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
  PageVendorMatrix matrix;
  std::map<std::string, std::size_t> column;
  for (const VendorSummary& vendor : report.vendors) {
    if (column.emplace(vendor.name, matrix.vendors.size()).second) {
      matrix.vendors.push_back(vendor.name);
    }
  }
  // Tags whose vendor the summary does not list (custom hosts) still get a column; rows are
  // widened to the final column count at the end.
  report.for_each_page([&](const PageAnalysis& page) {
    if (matrix.pages.size() == max_pages) return false;
    matrix.pages.emplace_back(page_url(page));
    std::vector<int>& row = matrix.counts.emplace_back();
    for (const Tag& tag : page.tags) {
      if (tag.vendor.empty()) continue;
      std::size_t at = column.emplace(tag.vendor, matrix.vendors.size()).first->second;
      if (at == matrix.vendors.size()) matrix.vendors.push_back(tag.vendor);
      if (row.size() <= at) row.resize(at + 1, 0);
      ++row[at];
    }
    return true;
  });
  for (std::vector<int>& row : matrix.counts) row.resize(matrix.vendors.size(), 0);
  return matrix;
}

void for_each_finding_worst_first(const ScanReport& report,
                                  const std::function<bool(const Finding&)>& visit) {
  bool going = true;
  for (Severity severity : kSeveritiesWorstFirst) {
    report.for_each_finding([&](const Finding& finding) {
      if (finding.severity == severity) going = visit(finding);
      return going;
    });
    if (!going) return;
  }
}

std::vector<Finding> worst_findings(const ScanReport& report, std::size_t limit) {
  std::vector<Finding> findings;
  if (limit == 0) return findings;
  for_each_finding_worst_first(report, [&](const Finding& finding) {
    findings.push_back(finding);
    return findings.size() < limit;
  });
  return findings;
}

std::vector<Issue> group_issues(const ScanReport& report, std::size_t examples_kept) {
  IssueTally tally = report.streamed ? report.streamed->issues : IssueTally(examples_kept);
  for (const Finding* finding : report.all_findings()) tally.add(*finding);
  std::vector<Issue> issues = tally.take_worst_first();
  for (Issue& issue : issues) {
    if (issue.examples.size() > examples_kept) issue.examples.resize(examples_kept);
  }
  return issues;
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

int failing_findings(const std::vector<Issue>& issues, const ReportOptions& options) {
  int failing = 0;
  for (const Issue& issue : issues) failing += failing_instances(issue, options);
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

void add_cookies(std::vector<CookieSummary>& inventory, const PageAnalysis& page) {
  std::set<std::size_t> on_this_page;
  for (const BrowserVisit& visit : page.browser) {
    for (const BrowserCookie& cookie : visit.cookies) {
      auto found = std::find_if(inventory.begin(), inventory.end(), [&](const CookieSummary& c) {
        return c.name == cookie.name && c.domain == cookie.domain;
      });
      if (found == inventory.end()) {
        found = inventory.insert(inventory.end(), CookieSummary{});
        found->name = cookie.name;
        found->domain = cookie.domain;
        found->path = cookie.path;
        found->third_party = cookie.third_party;
        found->secure = cookie.secure;
        found->http_only = cookie.http_only;
        found->same_site = cookie.same_site;
      }
      if (found->set_by.empty()) {
        found->set_by = cookie.set_by;
        found->set_via = cookie.set_via;
      }
      found->expires = std::max(found->expires, cookie.expires);
      std::string state(to_string(visit.consent_state));
      if (std::find(found->consent_states.begin(), found->consent_states.end(), state) ==
          found->consent_states.end()) {
        found->consent_states.push_back(state);
      }
      if (on_this_page.insert(static_cast<std::size_t>(found - inventory.begin())).second) {
        ++found->pages;
      }
    }
  }
}

std::vector<CookieSummary> cookie_inventory(const ScanReport& report) {
  std::vector<CookieSummary> inventory;
  if (!report.scan.settings.contains("browser")) return inventory;
  report.for_each_page([&](const PageAnalysis& page) {
    add_cookies(inventory, page);
    return true;
  });
  return inventory;
}

std::vector<std::string> seen_by(bool statically, bool by_browser) {
  std::vector<std::string> out;
  if (statically) out.emplace_back("static");
  if (by_browser) out.emplace_back("browser");
  return out;
}

}  // namespace tw
