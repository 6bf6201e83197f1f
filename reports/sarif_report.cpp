// SARIF 2.1.0 for code-scanning UIs: one run, a rule descriptor per catalogue rule (and per unknown
// rule id a finding carries), one result per issue (model/issue.h) located at its instances' page
// URLs and source lines.
#include <nlohmann/json.hpp>

#include <map>

#include "model/version.h"
#include "reports/json_stream.h"
#include "reports/report_summary.h"
#include "reports/report_text.h"
#include "reports/writers.h"

namespace tw {
namespace {

using json_stream::Json;

// Locations a result lists; its properties hold the full count.
constexpr std::size_t kSarifLocations = 100;

std::string_view sarif_level(Severity severity) {
  switch (severity) {
    case Severity::critical:
    case Severity::high:
      return "error";
    case Severity::medium:
      return "warning";
    case Severity::low:
    case Severity::info:
      return "note";
  }
  return "note";
}

// GitHub code scanning ranks security results by this CVSS-like score.
std::string_view security_severity(Severity severity) {
  switch (severity) {
    case Severity::critical:
      return "9.5";
    case Severity::high:
      return "8.0";
    case Severity::medium:
      return "5.5";
    case Severity::low:
      return "3.0";
    case Severity::info:
      return "0.0";
  }
  return "0.0";
}

Json rule_descriptor(const RuleText& rule) {
  std::string full = rule.description.empty() ? rule.title : rule.description;
  std::string help = full;
  if (!rule.remediation.empty()) help += "\n\nRemediation: " + rule.remediation;
  Json tags = Json::array({"tagwarden", rule.area});
  Json descriptor{{"id", rule.id}};
  // SARIF1001: a name equal to the id (an id the catalogue lacks) must be left out.
  if (rule.name != rule.id) descriptor["name"] = rule.name;
  descriptor["shortDescription"] = Json{{"text", rule.title}};
  descriptor["fullDescription"] = Json{{"text", full}};
  descriptor["help"] = Json{{"text", help}};
  descriptor["defaultConfiguration"] = Json{{"level", sarif_level(rule.default_severity)}};
  descriptor["properties"] = Json{{"tags", tags},
                                  {"area", rule.area},
                                  {"security-severity", security_severity(rule.default_severity)}};
  return descriptor;
}

// Where a site-level finding (no page) is reported: the scan's first URL target, else the origin
// of the first page, else nowhere (a location-less result).
std::string site_location(const ScanReport& report) {
  for (const std::string& target : report.scan.targets) {
    if (target.starts_with("http://") || target.starts_with("https://")) return target;
  }
  std::string url;
  report.for_each_page([&url](const PageAnalysis& page) {
    url = page_url(page);
    return false;
  });
  std::size_t scheme = url.find("://");
  if (scheme == std::string::npos) return {};
  std::size_t path = url.find('/', scheme + 3);
  return path == std::string::npos ? url + "/" : url.substr(0, path + 1);
}

Json physical_location(const IssueInstance& instance, const std::string& site) {
  std::string where = instance.page.empty() ? site : report_text::uri(instance.page);
  if (where.empty()) return nullptr;
  Json physical{{"artifactLocation", Json{{"uri", where}}}};
  if (instance.line > 0) {
    Json region{{"startLine", instance.line}};
    if (instance.column > 0) region["startColumn"] = instance.column;
    if (!instance.evidence.empty()) region["snippet"] = Json{{"text", instance.evidence}};
    physical["region"] = std::move(region);
  }
  return Json{{"physicalLocation", std::move(physical)}};
}

// One result per issue, its instances (the first kSarifLocations) as locations: code-scanning
// UIs then show one alert for a template's problem, not one per page.
Json result_json(const Issue& issue, int rule_index, const std::string& site,
                 const ReportOptions& options) {
  std::string text = issue.message.empty() ? rule_text(issue.rule).title : issue.message;
  if (issue.instances > 1) {
    text += " (" + std::to_string(issue.instances) + " instances on " +
            std::to_string(issue.pages) + (issue.pages == 1 ? " page)" : " pages)");
  }
  Json result{{"ruleId", issue.rule},
              {"ruleIndex", rule_index},
              {"level", sarif_level(issue.severity)},
              {"message", Json{{"text", text}}}};
  Json locations = Json::array();
  for (const IssueInstance& instance : issue.examples) {
    if (Json location = physical_location(instance, site); !location.is_null()) {
      locations.push_back(std::move(location));
    }
  }
  if (!locations.empty()) result["locations"] = std::move(locations);
  result["partialFingerprints"] = Json{{"tagwarden/issue/v1", issue.id}};
  if (options.baseline) result["baselineState"] = issue.new_instances > 0 ? "new" : "unchanged";
  if (issue.suppressed == issue.instances) {
    Json suppression{{"kind", "external"}};
    const std::string& reason = issue.examples.front().suppression_reason;
    if (!reason.empty()) suppression["justification"] = reason;
    result["suppressions"] = Json::array({suppression});
  }
  result["properties"] = Json{{"issueId", issue.id},
                              {"severity", to_string(issue.severity)},
                              {"vendor", issue.vendor},
                              {"host", issue.host},
                              {"instances", issue.instances},
                              {"pages", issue.pages},
                              {"suppressed", issue.suppressed},
                              {"newInstances", issue.new_instances},
                              {"locationsShown", issue.examples.size()}};
  // A tracker behind a CNAME of the site's host: the chain is in the evidence ("CNAME a -> b").
  if (is_cloaking_issue(issue)) {
    result["properties"]["cloaked"] = true;
    if (!issue.examples.empty()) result["properties"]["cname"] = issue.examples.front().evidence;
  }
  return result;
}

}  // namespace

void write_sarif_report(const ScanReport& report, const ReportOptions& options, std::ostream& out) {
  Json rules = Json::array();
  std::map<std::string, int> rule_index;
  for (const RuleInfo& info : all_rules()) {
    rule_index.emplace(std::string(info.id), static_cast<int>(rules.size()));
    rules.push_back(rule_descriptor(rule_text(info.id)));
  }
  std::vector<Issue> issues = group_issues(report, kSarifLocations);
  for (const Issue& issue : issues) {
    if (rule_index.emplace(issue.rule, static_cast<int>(rules.size())).second) {
      rules.push_back(rule_descriptor(rule_text(issue.rule)));
    }
  }

  std::string site = report_text::uri(site_location(report));

  Json invocation{{"executionSuccessful", report.scan.status != ScanStatus::failed}};
  if (!report.scan.started.empty()) invocation["startTimeUtc"] = report.scan.started;
  if (!report.scan.finished.empty()) invocation["endTimeUtc"] = report.scan.finished;

  Json driver{{"name", kToolName},
              {"version", kToolVersion},
              {"semanticVersion", kToolVersion},
              {"rules", std::move(rules)}};
  Json properties{{"scanStatus", to_string(report.scan.status)}, {"targets", report.scan.targets}};
  // The results are written one at a time (a large scan can have thousands of issues).
  out << "{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
         "  \"version\": \"2.1.0\",\n  \"runs\": [\n    {\n      \"tool\": ";
  json_stream::write_nested(out, Json{{"driver", std::move(driver)}}, 3);
  out << ",\n      \"invocations\": ";
  json_stream::write_nested(out, Json::array({std::move(invocation)}), 3);
  out << ",\n      \"results\": ";
  json_stream::write_array(
      out, issues,
      [&](const Issue& issue) { return result_json(issue, rule_index[issue.rule], site, options); },
      3);
  out << ",\n      \"properties\": ";
  json_stream::write_nested(out, properties, 3);
  out << "\n    }\n  ]\n}\n";
}

}  // namespace tw
