// One function per report format; write_report (report.cpp) dispatches to them. Internal to
// reports/. Each writes the whole document to `out` and never fails (the caller checks the stream).
#pragma once

#include <filesystem>
#include <functional>
#include <ostream>

#include "model/analysis.h"
#include "reports/report.h"

namespace tw {

void write_json_report(const ScanReport& report, const ReportOptions& options, std::ostream& out);
void write_sarif_report(const ScanReport& report, const ReportOptions& options, std::ostream& out);
void write_junit_report(const ScanReport& report, const ReportOptions& options, std::ostream& out);
void write_html_report(const ScanReport& report, const ReportOptions& options, std::ostream& out);
void write_csv_vendors(const ScanReport& report, std::ostream& out);
void write_csv_finding_rows(const ScanReport& report, std::ostream& out);
void write_markdown_report(const ScanReport& report, const ReportOptions& options,
                           std::ostream& out);
void write_console_report(const ScanReport& report, const ReportOptions& options,
                          std::ostream& out);

// Creates or truncates `path` and lets `write` fill it; errors name the file, and the system's
// reason (a full disk) when writing or closing failed.
Status write_file(const std::filesystem::path& path,
                  const std::function<Status(std::ostream&)>& write);

}  // namespace tw
