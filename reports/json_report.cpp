// The JSON report: the reference shape (issue 2, item 8) every other tool reads, documented by
// reports/schema/tagwarden-report.schema.json. Keys may be added; existing ones keep their meaning.
// `findings` lists every finding; `issues` groups them (model/issue.h) with the first few
// instances of each, so its size follows the number of issues, not of findings.
#include <nlohmann/json.hpp>

#include "model/version.h"
#include "reports/json_stream.h"
#include "reports/report_summary.h"
#include "reports/writers.h"

namespace tw {
namespace {

using json_stream::Json;
using json_stream::write_array;
using json_stream::write_array_streamed;
using json_stream::write_nested;

constexpr std::size_t kIssueExamples = 5;

Json tag_json(const Tag& tag) {
  Json attributes = Json::object();
  for (const auto& [name, value] : tag.attributes) attributes[name] = value;
  return Json{{"kind", to_string(tag.kind)},
              {"url", tag.url},
              {"host", tag.host},
              {"domain", tag.domain},
              {"vendor", tag.vendor},
              {"category", tag.category},
              {"ids", tag.ids},
              {"line", tag.line},
              {"column", tag.column},
              {"initiator", to_string(tag.initiator)},
              {"parent", tag.parent},
              {"snippet", tag.snippet},
              {"in_head", tag.in_head},
              {"in_noscript", tag.in_noscript},
              {"consent_gated", tag.consent_gated},
              {"document_write", tag.document_write},
              {"attributes", attributes}};
}

Json page_json(const PageAnalysis& analysis) {
  const Page& page = analysis.page;
  Json tags = Json::array();
  for (const Tag& tag : analysis.tags) tags.push_back(tag_json(tag));
  return Json{{"url", page_url(analysis)},
              {"requested_url", page.requested_url},
              {"status", page.status},
              {"depth", page.depth},
              {"content_type", page.content_type},
              {"error", to_string(page.error)},
              {"error_detail", page.error_detail},
              {"redirect_chain", page.redirect_chain},
              {"fetch_ms", page.fetch_ms},
              {"body_bytes", page.body_bytes},
              {"title", analysis.title},
              {"csp", Json{{"header", analysis.csp.header}, {"meta", analysis.csp.meta}}},
              {"notes", analysis.notes},
              {"reused", analysis.reused},
              {"tags", tags}};
}

Json finding_json(const Finding& finding) {
  RuleText rule = rule_text(finding.rule);
  return Json{{"rule", finding.rule},
              {"rule_name", rule.name},
              {"area", rule.area},
              {"severity", to_string(finding.severity)},
              {"page", finding.page},
              {"vendor", finding.vendor},
              {"host", finding.host},
              {"tag_url", finding.tag_url},
              {"message", finding.message},
              {"evidence", finding.evidence},
              {"line", finding.line},
              {"column", finding.column},
              {"fingerprint", finding.fingerprint},
              {"suppressed", finding.suppressed},
              {"suppression_reason", finding.suppression_reason},
              {"baseline_state", finding.baseline_state}};
}

Json issue_json(const Issue& issue) {
  RuleText rule = rule_text(issue.rule);
  Json examples = Json::array();
  for (const IssueInstance& instance : issue.examples) {
    examples.push_back(Json{{"page", instance.page},
                            {"tag_url", instance.tag_url},
                            {"line", instance.line},
                            {"column", instance.column},
                            {"severity", to_string(instance.severity)},
                            {"fingerprint", instance.fingerprint}});
  }
  return Json{{"id", issue.id},
              {"rule", issue.rule},
              {"rule_name", rule.name},
              {"area", rule.area},
              {"severity", to_string(issue.severity)},
              {"title", rule.title},
              {"message", issue.message},
              {"vendor", issue.vendor},
              {"host", issue.host},
              {"instances", issue.instances},
              {"pages", issue.pages},
              {"suppressed", issue.suppressed},
              {"new_instances", issue.new_instances},
              {"examples", std::move(examples)}};
}

Json vendor_json(const VendorSummary& vendor) {
  return Json{{"name", vendor.name},  {"category", vendor.category}, {"hosts", vendor.hosts},
              {"ids", vendor.ids},    {"pages", vendor.pages},       {"status", vendor.status},
              {"owner", vendor.owner}};
}

}  // namespace

void write_json_report(const ScanReport& report, const ReportOptions& options, std::ostream& out) {
  const ScanInfo& scan = report.scan;
  ReportSummary summary = summarize(report);
  Json severity_counts = Json::object();
  for (Severity severity : kSeveritiesWorstFirst) {
    severity_counts[std::string(to_string(severity))] = summary.by_severity[severity];
  }
  Json settings = Json::object();
  for (const auto& [name, value] : scan.settings) settings[name] = value;
  Json error_counts = Json::object();
  for (const auto& [name, count] : scan.error_counts) error_counts[name] = count;

  Json doc;
  doc["tool"] = Json{{"name", kToolName}, {"version", kToolVersion}};
  doc["scan"] = Json{{"id", scan.id},
                     {"targets", scan.targets},
                     {"started", scan.started},
                     {"finished", scan.finished},
                     {"status", to_string(scan.status)},
                     {"tool_version", scan.tool_version.empty() ? kToolVersion : scan.tool_version},
                     {"policy", Json{{"path", scan.policy_path}, {"digest", scan.policy_digest}}},
                     {"settings", settings},
                     {"error_counts", error_counts},
                     {"fail_on", to_string(options.fail_on)},
                     {"baseline", options.baseline},
                     {"counts", Json{{"pages", summary.pages_total},
                                     {"pages_analysed", summary.pages_analysed},
                                     {"pages_failed", summary.pages_failed},
                                     {"tags", summary.tags},
                                     {"vendors", report.vendors.size()},
                                     {"findings", summary.findings},
                                     {"suppressed", summary.suppressed},
                                     {"new_findings", summary.new_findings},
                                     {"by_severity", severity_counts}}}};
  out << "{\n  \"tool\": ";
  write_nested(out, doc["tool"], 1);
  out << ",\n  \"schema_version\": " << kReportSchemaVersion << ",\n  \"scan\": ";
  write_nested(out, doc["scan"], 1);
  out << ",\n  \"pages\": ";
  write_array_streamed(
      out,
      [&report](const auto& write) {
        report.for_each_page([&write](const PageAnalysis& page) {
          write(page_json(page));
          return true;
        });
      },
      1);
  out << ",\n  \"vendors\": ";
  write_array(out, report.vendors, vendor_json, 1);
  out << ",\n  \"findings\": ";
  write_array_streamed(
      out,
      [&report](const auto& write) {
        report.for_each_finding([&write](const Finding& finding) {
          write(finding_json(finding));
          return true;
        });
      },
      1);
  out << ",\n  \"issues\": ";
  write_array(out, group_issues(report, kIssueExamples), issue_json, 1);
  out << "\n}\n";
}

}  // namespace tw
