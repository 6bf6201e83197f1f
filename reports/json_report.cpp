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

// Pages and findings are rendered straight to text (ObjectText): they are nearly all of a large
// report's bytes. Each is an element of a top-level array, hence depth 2.
constexpr int kElementDepth = 2;

void write_tag(json_stream::ObjectText& object, const Tag& tag) {
  object.string("kind", to_string(tag.kind))
      .string("url", tag.url)
      .string("host", tag.host)
      .string("domain", tag.domain)
      .string("vendor", tag.vendor)
      .string("category", tag.category)
      .strings("ids", tag.ids)
      .number("line", tag.line)
      .number("column", tag.column)
      .string("initiator", to_string(tag.initiator))
      .string("parent", tag.parent)
      .string("snippet", tag.snippet)
      .boolean("in_head", tag.in_head)
      .boolean("in_noscript", tag.in_noscript)
      .boolean("consent_gated", tag.consent_gated)
      .boolean("document_write", tag.document_write)
      .strings("seen_by", seen_by(tag.seen_statically, tag.seen_by_browser));
  // Only on cloaked tags, so a report without cloaking reads as it did.
  if (tag.cloaked) object.boolean("cloaked", true).strings("cname_chain", tag.cname_chain);
  object.string_map("attributes", tag.attributes).close();
}

void write_cookie(json_stream::ObjectText& object, const BrowserCookie& cookie,
                  ConsentState state) {
  object.string("name", cookie.name)
      .string("domain", cookie.domain)
      .string("path", cookie.path)
      .real("expires", cookie.expires)
      .boolean("secure", cookie.secure)
      .boolean("http_only", cookie.http_only)
      .string("same_site", cookie.same_site)
      .string("party", cookie.third_party ? "third" : "first")
      .string("set_by", cookie.set_by)
      .string("set_via", cookie.set_via)
      .string("consent_state", to_string(state))
      .boolean("after_consent", cookie.after_consent)
      .close();
}

void write_request(json_stream::ObjectText& object, const BrowserRequest& request) {
  object.string("url", request.url)
      .string("host", request.host)
      .string("type", request.resource_type)
      .number("status", request.status)
      .number("bytes", static_cast<long long>(request.bytes))
      .string("initiator", request.initiator)
      .string("initiator_url", request.initiator_url)
      .string("party", request.third_party ? "third" : "first")
      .string("vendor", request.vendor)
      .boolean("after_consent", request.after_consent)
      .boolean("blocked", request.blocked)
      .close();
}

void write_visit(json_stream::ObjectText& object, const BrowserVisit& visit) {
  object.string("consent_state", to_string(visit.consent_state))
      .string("consent_manager", visit.consent_manager)
      .string("consent_action", visit.consent_action)
      .string("tc_string", visit.tc_string)
      .string("note", visit.note)
      .objects("requests",
               [&](const auto& next) {
                 for (const BrowserRequest& request : visit.requests) {
                   json_stream::ObjectText entry = next();
                   write_request(entry, request);
                 }
               })
      .close();
}

void page_text(std::string& out, const PageAnalysis& analysis) {
  const Page& page = analysis.page;
  json_stream::ObjectText(out, kElementDepth)
      .string("url", page_url(analysis))
      .string("requested_url", page.requested_url)
      .number("status", page.status)
      .number("depth", page.depth)
      .string("content_type", page.content_type)
      .string("error", to_string(page.error))
      .string("error_detail", page.error_detail)
      .strings("redirect_chain", page.redirect_chain)
      .real("fetch_ms", page.fetch_ms)
      .number("body_bytes", static_cast<long long>(page.body_bytes))
      .string("title", analysis.title)
      .object("csp",
              [&](json_stream::ObjectText& csp) {
                csp.string("header", analysis.csp.header).string("meta", analysis.csp.meta);
              })
      .strings("notes", analysis.notes)
      .boolean("reused", analysis.reused)
      .objects("tags",
               [&](const auto& next) {
                 for (const Tag& tag : analysis.tags) {
                   json_stream::ObjectText object = next();
                   write_tag(object, tag);
                 }
               })
      .objects("cookies",
               [&](const auto& next) {
                 for (const BrowserVisit& visit : analysis.browser) {
                   for (const BrowserCookie& cookie : visit.cookies) {
                     json_stream::ObjectText object = next();
                     write_cookie(object, cookie, visit.consent_state);
                   }
                 }
               })
      .objects("browser",
               [&](const auto& next) {
                 for (const BrowserVisit& visit : analysis.browser) {
                   json_stream::ObjectText object = next();
                   write_visit(object, visit);
                 }
               })
      .close();
}

Json cookie_summary_json(const CookieSummary& cookie) {
  return Json{{"name", cookie.name},
              {"domain", cookie.domain},
              {"path", cookie.path},
              {"party", cookie.third_party ? "third" : "first"},
              {"secure", cookie.secure},
              {"http_only", cookie.http_only},
              {"same_site", cookie.same_site},
              {"expires", cookie.expires},
              {"set_by", cookie.set_by},
              {"set_via", cookie.set_via},
              {"consent_states", cookie.consent_states},
              {"pages", cookie.pages}};
}

void finding_text(std::string& out, const Finding& finding) {
  RuleText rule = rule_text(finding.rule);
  json_stream::ObjectText(out, kElementDepth)
      .string("rule", finding.rule)
      .string("rule_name", rule.name)
      .string("area", rule.area)
      .string("severity", to_string(finding.severity))
      .string("page", finding.page)
      .string("vendor", finding.vendor)
      .string("host", finding.host)
      .string("tag_url", finding.tag_url)
      .string("message", finding.message)
      .string("evidence", finding.evidence)
      .number("line", finding.line)
      .number("column", finding.column)
      .string("fingerprint", finding.fingerprint)
      .boolean("suppressed", finding.suppressed)
      .string("suppression_reason", finding.suppression_reason)
      .string("baseline_state", finding.baseline_state)
      .close();
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
  return Json{{"name", vendor.name},
              {"category", vendor.category},
              {"hosts", vendor.hosts},
              {"ids", vendor.ids},
              {"pages", vendor.pages},
              {"status", vendor.status},
              {"owner", vendor.owner},
              {"seen_by", seen_by(vendor.seen_statically, vendor.seen_by_browser)}};
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
  std::vector<CookieSummary> cookies;  // the site's cookie inventory, gathered as pages pass
  write_array_streamed(
      out,
      [&report, &cookies](const auto& write) {
        std::string text;
        report.for_each_page(
            [&](const PageAnalysis& page) {
              text.clear();
              page_text(text, page);
              write(text);
              add_cookies(cookies, page);
              return true;
            },
            PageParts::listing);
      },
      1);
  out << ",\n  \"cookies\": ";
  write_array(out, cookies, cookie_summary_json, 1);
  out << ",\n  \"vendors\": ";
  write_array(out, report.vendors, vendor_json, 1);
  out << ",\n  \"findings\": ";
  write_array_streamed(
      out,
      [&report](const auto& write) {
        std::string text;
        report.for_each_finding([&](const Finding& finding) {
          text.clear();
          finding_text(text, finding);
          write(text);
          return true;
        });
      },
      1);
  out << ",\n  \"issues\": ";
  write_array(out, group_issues(report, kIssueExamples), issue_json, 1);
  out << "\n}\n";
}

}  // namespace tw
