// Report writers. Every format is rendered from a ScanReport alone (never by re-reading pages), so
// `tagwarden report` can write any of them from a stored scan. Everything a crawled page controls
// is escaped for the format it lands in. All functions are pure (no shared state): any thread may
// call them, each on its own stream.
#pragma once

#include <filesystem>
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
// Duplicates are dropped; "md" is accepted for markdown.
Result<std::vector<ReportFormat>> parse_report_formats(std::string_view comma_list);
// Every file the format writes in --out (csv: vendors and findings); empty for console.
std::vector<std::string> report_files(ReportFormat format);

struct ReportOptions {
  Severity fail_on = Severity::high;  // JUnit failures, console emphasis
  bool color = false;                 // console only
  bool baseline = false;              // findings carry baseline_state
  bool fail_on_given = true;  // false: the run's exit code ignores findings (console says so)
};

// True when the finding should fail a CI run: at or above fail_on, not suppressed and, when a
// baseline was given, new. JUnit failures and the console's "failing" count use exactly this, so
// the CLI's exit code should too.
bool fails_build(const Finding& finding, const ReportOptions& options);

// Pages fetched and analysed without error: the N of the console's `pages: N` line.
int analysed_page_count(const ScanReport& report);

// Writes one format to `out`. For csv it writes the vendor inventory (write_csv_findings writes
// the second table). Errors only when the stream fails.
Status write_report(ReportFormat format, const ScanReport& report, const ReportOptions& options,
                    std::ostream& out);

// The findings table of the csv format.
Status write_csv_findings(const ScanReport& report, std::ostream& out);

// Writes every file of `format` (report_files) into `out_dir`, which must exist. Errors name the
// file. Console is written to nowhere by this function (callers print it to stdout).
Status write_report_files(ReportFormat format, const ScanReport& report,
                          const ReportOptions& options, const std::filesystem::path& out_dir);

}  // namespace tw
