// SARIF 2.1.0 for code-scanning UIs: one run, a rule descriptor per catalogue rule (and per unknown
// rule id a finding carries), one result per finding located at its page URL and source line.
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
  if (!report.pages.empty()) {
    std::string url(page_url(report.pages.front()));
    std::size_t scheme = url.find("://");
    if (scheme != std::string::npos) {
      std::size_t path = url.find('/', scheme + 3);
      return path == std::string::npos ? url + "/" : url.substr(0, path + 1);
    }
  }
  return {};
}

Json result_json(const Finding& finding, int rule_index, const std::string& site,
                 const ReportOptions& options) {
  Json result{{"ruleId", finding.rule},
              {"ruleIndex", rule_index},
              {"level", sarif_level(finding.severity)},
              {"message", Json{{"text", finding.message.empty() ? rule_text(finding.rule).title
                                                                : finding.message}}}};
  std::string where = finding.page.empty() ? site : report_text::uri(finding.page);
  if (!where.empty()) {
    Json physical{{"artifactLocation", Json{{"uri", where}}}};
    if (finding.line > 0) {
      Json region{{"startLine", finding.line}};
      if (finding.column > 0) region["startColumn"] = finding.column;
      if (!finding.evidence.empty()) region["snippet"] = Json{{"text", finding.evidence}};
      physical["region"] = std::move(region);
    }
    result["locations"] = Json::array({Json{{"physicalLocation", std::move(physical)}}});
  }
  if (!finding.fingerprint.empty()) {
    result["partialFingerprints"] = Json{{"tagwarden/v1", finding.fingerprint}};
  }
  if (options.baseline && !finding.baseline_state.empty()) {
    result["baselineState"] = finding.baseline_state == "new" ? "new" : "unchanged";
  }
  if (finding.suppressed) {
    Json suppression{{"kind", "external"}};
    if (!finding.suppression_reason.empty()) {
      suppression["justification"] = finding.suppression_reason;
    }
    result["suppressions"] = Json::array({suppression});
  }
  result["properties"] = Json{{"severity", to_string(finding.severity)},
                              {"page", finding.page},
                              {"vendor", finding.vendor},
                              {"host", finding.host},
                              {"tagUrl", finding.tag_url},
                              {"evidence", finding.evidence}};
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
  std::vector<const Finding*> findings = report.all_findings();
  for (const Finding* finding : findings) {
    if (rule_index.emplace(finding->rule, static_cast<int>(rules.size())).second) {
      rules.push_back(rule_descriptor(rule_text(finding->rule)));
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
  // The results are written one at a time (a large scan has tens of thousands).
  out << "{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
         "  \"version\": \"2.1.0\",\n  \"runs\": [\n    {\n      \"tool\": ";
  json_stream::write_nested(out, Json{{"driver", std::move(driver)}}, 3);
  out << ",\n      \"invocations\": ";
  json_stream::write_nested(out, Json::array({std::move(invocation)}), 3);
  out << ",\n      \"results\": ";
  json_stream::write_array(
      out, findings,
      [&](const Finding* finding) {
        return result_json(*finding, rule_index[finding->rule], site, options);
      },
      3);
  out << ",\n      \"properties\": ";
  json_stream::write_nested(out, properties, 3);
  out << "\n    }\n  ]\n}\n";
}

}  // namespace tw
