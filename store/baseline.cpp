// Baselines: loading one (stored scan or JSON report), marking findings new or existing, and the
// drift the TW107 rule (rules/rule_tw107_drift.cpp) reads.
#include "store/baseline.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "store/drift.h"
#include "store/json_fields.h"

namespace tw {
namespace {

using nlohmann::json;

std::vector<std::string> strings_of(const json& object, const char* key) {
  std::vector<std::string> out;
  auto found = object.find(key);
  if (found == object.end() || !found->is_array()) return out;
  for (const json& item : *found) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

const json& array_of(const json& object, const char* key) {
  static const json empty = json::array();
  auto found = object.find(key);
  return found != object.end() && found->is_array() ? *found : empty;
}

Tag tag_from(const json& item) {
  Tag tag;
  tag.kind = parse_tag_kind(json_text(item, "kind")).value_or(TagKind::script);
  tag.url = json_text(item, "url");
  tag.host = json_text(item, "host");
  tag.domain = json_text(item, "domain");
  tag.vendor = json_text(item, "vendor");
  tag.category = json_text(item, "category");
  tag.ids = strings_of(item, "ids");
  tag.line = json_number(item, "line", 0);
  tag.column = json_number(item, "column", 0);
  tag.initiator = parse_initiator(json_text(item, "initiator")).value_or(Initiator::parser);
  tag.parent = json_text(item, "parent");
  tag.snippet = json_text(item, "snippet");
  tag.in_head = json_flag(item, "in_head");
  tag.in_noscript = json_flag(item, "in_noscript");
  tag.consent_gated = json_flag(item, "consent_gated");
  tag.document_write = json_flag(item, "document_write");
  tag.cloaked = json_flag(item, "cloaked");
  tag.cname_chain = strings_of(item, "cname_chain");
  if (auto attributes = item.find("attributes");
      attributes != item.end() && attributes->is_object()) {
    for (const auto& [name, value] : attributes->items()) {
      if (value.is_string()) tag.attributes[name] = value.get<std::string>();
    }
  }
  return tag;
}

Finding finding_from(const json& item) {
  Finding finding;
  finding.rule = json_text(item, "rule");
  finding.severity = parse_severity(json_text(item, "severity")).value_or(Severity::info);
  finding.page = json_text(item, "page");
  finding.vendor = json_text(item, "vendor");
  finding.host = json_text(item, "host");
  finding.tag_url = json_text(item, "tag_url");
  finding.line = json_number(item, "line", 0);
  finding.column = json_number(item, "column", 0);
  finding.message = json_text(item, "message");
  finding.evidence = json_text(item, "evidence");
  finding.fingerprint = json_text(item, "fingerprint");
  finding.suppressed = json_flag(item, "suppressed");
  finding.suppression_reason = json_text(item, "suppression_reason");
  return finding;
}

}  // namespace

Result<ScanReport> parse_json_report(const std::string& text, const std::string& origin) {
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Error{origin + ": not a JSON report (the file does not parse as a JSON object)"};
  }
  auto tool = doc.find("tool");
  if (tool == doc.end() || !tool->is_object() || json_text(*tool, "name") != "tagwarden") {
    return Error{origin + ": not a tagwarden JSON report (no \"tool\": {\"name\": \"tagwarden\"})"};
  }
  ScanReport report;
  if (auto scan = doc.find("scan"); scan != doc.end() && scan->is_object()) {
    report.scan.id = scan->value("id", std::int64_t{0});
    report.scan.targets = strings_of(*scan, "targets");
    report.scan.started = json_text(*scan, "started");
    report.scan.finished = json_text(*scan, "finished");
    std::string status = json_text(*scan, "status");
    for (ScanStatus candidate :
         {ScanStatus::running, ScanStatus::complete, ScanStatus::partial, ScanStatus::failed}) {
      if (to_string(candidate) == status) report.scan.status = candidate;
    }
    report.scan.tool_version = json_text(*scan, "tool_version");
  }
  std::map<std::string, std::size_t> page_index;
  for (const json& item : array_of(doc, "pages")) {
    if (!item.is_object()) continue;
    PageAnalysis page;
    page.page.final_url = json_text(item, "url");
    page.page.requested_url = json_text(item, "requested_url");
    if (page.page.requested_url.empty()) page.page.requested_url = page.page.final_url;
    page.page.status = json_number(item, "status", 0);
    page.page.depth = json_number(item, "depth", 0);
    page.page.content_type = json_text(item, "content_type");
    page.title = json_text(item, "title");
    for (const json& tag : array_of(item, "tags")) {
      if (tag.is_object()) page.tags.push_back(tag_from(tag));
    }
    page_index.emplace(page.page.final_url, report.pages.size());
    report.pages.push_back(std::move(page));
  }
  for (const json& item : array_of(doc, "vendors")) {
    if (!item.is_object()) continue;
    VendorSummary vendor;
    vendor.name = json_text(item, "name");
    vendor.category = json_text(item, "category");
    vendor.hosts = strings_of(item, "hosts");
    vendor.ids = strings_of(item, "ids");
    vendor.pages = json_number(item, "pages", 0);
    vendor.status = json_text(item, "status");
    vendor.owner = json_text(item, "owner");
    report.vendors.push_back(std::move(vendor));
  }
  for (const json& item : array_of(doc, "findings")) {
    if (!item.is_object()) continue;
    Finding finding = finding_from(item);
    auto page = page_index.find(finding.page);
    if (!finding.page.empty() && page != page_index.end()) {
      report.pages[page->second].findings.push_back(std::move(finding));
    } else {
      report.site_findings.push_back(std::move(finding));
    }
  }
  return report;
}

Result<ScanReport> read_json_report(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path + ": cannot read the report file"};
  std::ostringstream text;
  text << in.rdbuf();
  return parse_json_report(text.str(), path);
}

Result<Baseline> load_baseline(const std::string& spec, ScanStore* store) {
  bool is_scan_id =
      !spec.empty() && spec.size() < 19 &&
      std::all_of(spec.begin(), spec.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!is_scan_id) {
    Result<ScanReport> report = read_json_report(spec);
    if (!report) return Error{"baseline " + report.error()};
    return Baseline{spec, std::move(report).value()};
  }
  if (store == nullptr) {
    return Error{"baseline scan " + spec + ": no database to read it from (--db is empty)"};
  }
  Result<ScanReport> report = store->load_scan(std::stoll(spec));
  if (!report) return Error{"baseline: " + report.error()};
  return Baseline{"scan " + spec, std::move(report).value()};
}

namespace {

std::vector<Finding> run_drift_rule(const Baseline& baseline, const ScanReport& current,
                                    const RuleContext& rules) {
  Drift drift = compute_drift(baseline.report, current);
  return run_baseline_rules({baseline.origin, drift.vendors, drift.hosts, drift.tag_ids}, rules);
}

}  // namespace

std::vector<Finding> drift_findings(const Baseline& baseline, const ScanReport& current) {
  return run_drift_rule(baseline, current, RuleContext{});
}

void apply_baseline(ScanReport& current, const Baseline& baseline, const RuleContext& rules) {
  std::set<std::string> known;
  for (const Finding* finding : baseline.report.all_findings()) {
    if (!finding->fingerprint.empty()) known.insert(finding->fingerprint);
  }
  auto mark = [&](Finding& finding) {
    finding.baseline_state = known.count(finding.fingerprint) != 0 ? "existing" : "new";
  };
  for (PageAnalysis& page : current.pages) {
    for (Finding& finding : page.findings) mark(finding);
  }
  for (Finding& finding : current.site_findings) mark(finding);
  std::vector<Finding> drift = run_drift_rule(baseline, current, rules);
  for (Finding& finding : drift) current.site_findings.push_back(std::move(finding));
}

}  // namespace tw
