// CSV for spreadsheets: the vendor inventory and the findings, RFC 4180 (CRLF, quoted fields),
// every text cell neutralised against formula injection (report_text::csv_cell).
#include <string>
#include <vector>

#include "model/text.h"
#include "reports/report_summary.h"
#include "reports/report_text.h"
#include "reports/writers.h"

namespace tw {
namespace {

using report_text::csv_cell;
using report_text::csv_number;

void write_row(std::ostream& out, const std::vector<std::string>& cells) {
  for (std::size_t i = 0; i < cells.size(); ++i) out << (i ? "," : "") << cells[i];
  out << "\r\n";
}

std::string_view sanctioned_column(std::string_view status) {
  if (status == "sanctioned") return "yes";
  if (status == "unreviewed") return "unreviewed";
  return "no";
}

}  // namespace

void write_csv_vendors(const ScanReport& report, std::ostream& out) {
  write_row(out, {"vendor", "category", "sanctioned", "status", "owner", "pages", "hosts", "ids"});
  for (const VendorSummary& vendor : report.vendors) {
    write_row(out, {csv_cell(vendor.name), csv_cell(vendor.category),
                    csv_cell(sanctioned_column(vendor.status)), csv_cell(vendor.status),
                    csv_cell(vendor.owner), csv_number(vendor.pages),
                    csv_cell(join(vendor.hosts, "; ")), csv_cell(join(vendor.ids, "; "))});
  }
}

void write_csv_finding_rows(const ScanReport& report, std::ostream& out) {
  write_row(out, {"severity", "rule", "rule_name", "area", "page", "vendor", "host", "tag_url",
                  "line", "column", "message", "evidence", "remediation", "fingerprint",
                  "suppressed", "baseline_state"});
  for_each_finding_worst_first(report, [&out](const Finding& finding) {
    const Finding* f = &finding;
    RuleText rule = rule_text(f->rule);
    write_row(out, {csv_cell(to_string(f->severity)), csv_cell(f->rule), csv_cell(rule.name),
                    csv_cell(rule.area), csv_cell(f->page), csv_cell(f->vendor), csv_cell(f->host),
                    csv_cell(f->tag_url), csv_number(f->line), csv_number(f->column),
                    csv_cell(f->message), csv_cell(f->evidence), csv_cell(rule.remediation),
                    csv_cell(f->fingerprint), csv_cell(f->suppressed ? "yes" : "no"),
                    csv_cell(f->baseline_state)});
    return true;
  });
}

}  // namespace tw
