// Inventory and evidence writers. HTML pages carry a Content-Security-Policy that allows no script
// at all and only their own inline style; crawled URLs are text, never links.
#include "reports/integrity_reports.h"

#include <nlohmann/json.hpp>

#include "model/text.h"
#include "model/version.h"
#include "reports/report_text.h"

namespace tw {
namespace {

using nlohmann::json;
using report_text::csv_cell;
using report_text::csv_number;
using report_text::html;

json script_json(const PageScript& s) {
  return {{"url", s.url},
          {"inline", s.is_inline},
          {"line", s.line},
          {"column", s.column},
          {"party", s.party},
          {"vendor", s.vendor},
          {"sha384", s.sha384},
          {"fetch_error", s.fetch_error},
          {"status", s.status},
          {"approved_hash", s.approved_hash},
          {"owner", s.owner},
          {"approved_by", s.approved_by},
          {"approved_on", s.approved_on}};
}

json scan_json(const ScanInfo& scan) {
  return {{"id", scan.id},
          {"targets", scan.targets},
          {"started", scan.started},
          {"finished", scan.finished},
          {"status", std::string(to_string(scan.status))}};
}

void write_row(std::ostream& out, const std::vector<std::string>& cells) {
  out << join(cells, ",") << "\r\n";
}

void html_head(std::ostream& out, const std::string& title) {
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "style-src 'unsafe-inline'\">\n<meta name=\"referrer\" content=\"no-referrer\">\n"
      << "<title>" << html(title)
      << "</title>\n<style>body{font:14px system-ui,sans-serif;"
         "margin:24px}table{border-collapse:collapse;margin:8px 0 16px}th,td{border:1px solid "
         "#ccc;padding:3px 6px;text-align:left;vertical-align:top}code{word-break:break-all}"
         ".bad{color:#c62828;font-weight:600}</style>\n</head>\n<body>\n";
}

std::string status_cell(const std::string& status) {
  return status == "authorized" ? html(status) : "<span class=\"bad\">" + html(status) + "</span>";
}

void html_scripts_table(std::ostream& out, const PaymentPage& page) {
  out << "<table>\n<tr><th>script</th><th>party</th><th>vendor</th><th>SHA-384</th>"
         "<th>status</th><th>owner</th><th>approved by</th><th>approved on</th></tr>\n";
  for (const PageScript& s : page.scripts) {
    std::string hash = s.sha384.empty() ? "not fetched: " + s.fetch_error : s.sha384;
    out << "<tr><td><code>" << html(s.url) << "</code></td><td>" << html(s.party) << "</td><td>"
        << html(s.vendor) << "</td><td><code>" << html(hash) << "</code></td><td>"
        << status_cell(s.status) << "</td><td>" << html(s.owner) << "</td><td>"
        << html(s.approved_by) << "</td><td>" << html(s.approved_on) << "</td></tr>\n";
  }
  out << "</table>\n";
}

void html_headers_table(std::ostream& out, const PaymentPage& page) {
  out << "<table>\n<tr><th>header</th><th>value</th></tr>\n";
  for (const SecurityHeader& h : page.headers) {
    out << "<tr><td>" << html(h.name) << "</td><td><code>" << html(h.value)
        << "</code></td></tr>\n";
  }
  out << "</table>\n";
}

void html_page_sections(std::ostream& out, const std::vector<PaymentPage>& pages) {
  for (const PaymentPage& page : pages) {
    out << "<h3><code>" << html(page.url) << "</code></h3>\n";
    html_scripts_table(out, page);
    html_headers_table(out, page);
  }
}

std::vector<std::string> evidence_row(const EvidenceScan& scan, std::string_view record) {
  return {csv_cell(record), csv_number(scan.info.id), csv_cell(scan.info.started),
          csv_cell(to_string(scan.info.status))};
}

void evidence_csv_scan(const EvidenceScan& scan, std::ostream& out) {
  std::vector<std::string> row = evidence_row(scan, scan.gap ? "gap" : "scan");
  row.insert(row.end(),
             {"", "", "", "", "", "",
              csv_cell(std::to_string(scan.days_since_previous) + " days since the scan before")});
  write_row(out, row);
  for (const PaymentPage& page : scan.pages) {
    for (const PageScript& s : page.scripts) {
      row = evidence_row(scan, "script");
      row.insert(row.end(),
                 {csv_cell(page.url), csv_cell(s.url), csv_cell(s.sha384), csv_cell(s.status),
                  csv_cell(s.approved_by), csv_cell(s.approved_on), csv_cell(s.fetch_error)});
      write_row(out, row);
    }
  }
  for (const Finding& f : scan.changes) {
    row = evidence_row(scan, "change");
    row.insert(row.end(), {csv_cell(f.page), csv_cell(f.tag_url), csv_cell(f.evidence),
                           csv_cell(f.rule), "", "", csv_cell(f.message)});
    write_row(out, row);
  }
}

void evidence_html_scans(const EvidenceReport& report, std::ostream& out) {
  out << "<h2>Scans</h2>\n<table>\n<tr><th>scan</th><th>started</th><th>finished</th>"
         "<th>status</th><th>days since the scan before</th><th>changes</th></tr>\n";
  for (const EvidenceScan& scan : report.scans) {
    out << "<tr><td>" << scan.info.id << "</td><td>" << html(scan.info.started) << "</td><td>"
        << html(scan.info.finished) << "</td><td>" << html(to_string(scan.info.status))
        << "</td><td" << (scan.gap ? " class=\"bad\">gap: " : ">") << scan.days_since_previous
        << "</td><td>" << scan.changes.size() << "</td></tr>\n";
  }
  out << "</table>\n";
  if (report.gap_at_end) {
    out << "<p class=\"bad\">gap: " << report.days_since_last
        << " days since the last scan of the period</p>\n";
  }
}

void evidence_html_changes(const EvidenceScan& scan, std::ostream& out) {
  if (scan.changes.empty()) return;
  out << "<table>\n<tr><th>rule</th><th>page</th><th>what</th><th>evidence</th></tr>\n";
  for (const Finding& f : scan.changes) {
    out << "<tr><td>" << html(f.rule) << "</td><td><code>" << html(f.page) << "</code></td><td>"
        << html(f.message) << "</td><td><code>" << html(f.evidence) << "</code></td></tr>\n";
  }
  out << "</table>\n";
}

}  // namespace

void write_inventory_json(const InventoryReport& report, std::ostream& out) {
  json pages = json::array();
  for (const PaymentPage& page : report.pages) {
    json scripts = json::array();
    for (const PageScript& s : page.scripts) scripts.push_back(script_json(s));
    json headers = json::object();
    for (const SecurityHeader& h : page.headers) headers[h.name] = h.value;
    pages.push_back({{"url", page.url}, {"scripts", scripts}, {"headers", headers}});
  }
  json document = {{"tool", kToolName},
                   {"version", kToolVersion},
                   {"scan", scan_json(report.scan)},
                   {"pages", pages}};
  out << document.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
}

void write_inventory_csv(const InventoryReport& report, std::ostream& out) {
  write_row(out, {"page", "script", "inline", "party", "vendor", "sha384", "status", "owner",
                  "approved_by", "approved_on", "line", "fetch_error"});
  for (const PaymentPage& page : report.pages) {
    for (const PageScript& s : page.scripts) {
      write_row(out, {csv_cell(page.url), csv_cell(s.url), csv_cell(s.is_inline ? "yes" : "no"),
                      csv_cell(s.party), csv_cell(s.vendor), csv_cell(s.sha384), csv_cell(s.status),
                      csv_cell(s.owner), csv_cell(s.approved_by), csv_cell(s.approved_on),
                      csv_number(s.line), csv_cell(s.fetch_error)});
    }
  }
}

void write_inventory_html(const InventoryReport& report, std::ostream& out) {
  html_head(out, "Payment-page script inventory");
  out << "<h1>Payment-page script inventory</h1>\n<p>Scan " << report.scan.id << " of "
      << html(join(report.scan.targets, " ")) << ", started " << html(report.scan.started) << " ("
      << html(to_string(report.scan.status)) << "); " << report.pages.size()
      << " payment pages.</p>\n";
  html_page_sections(out, report.pages);
  out << "</body>\n</html>\n";
}

void write_evidence_csv(const EvidenceReport& report, std::ostream& out) {
  write_row(out, {"record", "scan_id", "started", "scan_status", "page", "item",
                  "sha384_or_evidence", "status_or_rule", "approved_by", "approved_on", "detail"});
  for (const EvidenceScan& scan : report.scans) evidence_csv_scan(scan, out);
  if (report.gap_at_end) {
    write_row(out, {csv_cell("gap"), "", csv_cell(report.until), "", "", "", "", "", "", "",
                    csv_cell(std::to_string(report.days_since_last) +
                             " days since the last scan of the period")});
  }
}

void write_evidence_html(const EvidenceReport& report, std::ostream& out) {
  html_head(out, "Payment-page integrity evidence");
  out << "<h1>Payment-page integrity evidence</h1>\n<p>Target <code>" << html(report.target)
      << "</code>, from " << html(report.since) << " to " << html(report.until) << ": "
      << report.scans.size() << " scans. A gap longer than " << kEvidenceGapDays
      << " days between scans is flagged.</p>\n";
  evidence_html_scans(report, out);
  for (const EvidenceScan& scan : report.scans) {
    out << "<h2>Scan " << scan.info.id << ", " << html(scan.info.started) << "</h2>\n";
    evidence_html_changes(scan, out);
    html_page_sections(out, scan.pages);
  }
  out << "</body>\n</html>\n";
}

}  // namespace tw
