// Report writers. Every format is rendered from a ScanReport alone (never by re-reading pages), so
// `tagwarden report` can write any of them from a stored scan. Everything a crawled page controls
// is escaped for the format it lands in.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "model/analysis.h"
#include "model/result.h"
#include "model/severity.h"

namespace tw {

enum class ReportFormat { json, sarif, junit, html, csv, markdown, console };

std::string_view to_string(ReportFormat format);
// "json,sarif" -> formats; an unknown name is an error naming it and listing the valid ones.
Result<std::vector<ReportFormat>> parse_report_formats(std::string_view comma_list);
// File written in --out for the format ("tagwarden-report.json"...); empty for console.
std::string default_report_file(ReportFormat format);

struct ReportOptions {
  Severity fail_on = Severity::high;  // JUnit failures, console emphasis
  bool color = false;                 // console only
  bool baseline = false;              // findings carry baseline_state
};

Status write_report(ReportFormat format, const ScanReport& report, const ReportOptions& options,
                    std::ostream& out);

}  // namespace tw
