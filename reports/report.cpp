// Format names, default files and dispatch to the writers.
#include "reports/report.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <utility>

#include "model/text.h"
#include "reports/writers.h"

namespace tw {
namespace {

constexpr std::array<std::pair<ReportFormat, std::string_view>, 7> kFormatNames{{
    {ReportFormat::json, "json"},
    {ReportFormat::sarif, "sarif"},
    {ReportFormat::junit, "junit"},
    {ReportFormat::html, "html"},
    {ReportFormat::csv, "csv"},
    {ReportFormat::markdown, "markdown"},
    {ReportFormat::console, "console"},
}};

}  // namespace

std::string_view to_string(ReportFormat format) {
  for (const auto& [f, name] : kFormatNames) {
    if (f == format) return name;
  }
  return "json";
}

Result<std::vector<ReportFormat>> parse_report_formats(std::string_view comma_list) {
  std::vector<ReportFormat> formats;
  while (true) {
    std::size_t comma = comma_list.find(',');
    std::string_view name = trim(comma_list.substr(0, comma), " \t");
    if (name == "md") name = "markdown";
    bool known = false;
    for (const auto& [f, text] : kFormatNames) {
      if (text == name) {
        known = true;
        if (std::find(formats.begin(), formats.end(), f) == formats.end()) formats.push_back(f);
      }
    }
    if (!known) {
      std::string valid;
      for (const auto& [f, text] : kFormatNames)
        valid += (valid.empty() ? "" : ", ") + std::string(text);
      return Error{"unknown report format '" + std::string(name) + "' (valid: " + valid + ")"};
    }
    if (comma == std::string_view::npos) break;
    comma_list.remove_prefix(comma + 1);
  }
  return formats;
}

std::vector<std::string> report_files(ReportFormat format) {
  switch (format) {
    case ReportFormat::json:
      return {"tagwarden-report.json"};
    case ReportFormat::sarif:
      return {"tagwarden-report.sarif"};
    case ReportFormat::junit:
      return {"tagwarden-junit.xml"};
    case ReportFormat::html:
      return {"tagwarden-report.html"};
    case ReportFormat::csv:
      return {"tagwarden-vendors.csv", "tagwarden-findings.csv"};
    case ReportFormat::markdown:
      return {"tagwarden-summary.md"};
    case ReportFormat::console:
      return {};
  }
  return {};
}

bool fails_build(const Finding& finding, const ReportOptions& options) {
  if (finding.suppressed || finding.severity < options.fail_on) return false;
  return !options.baseline || finding.baseline_state != "existing";
}

int analysed_page_count(const ScanReport& report) {
  int count = report.streamed ? report.streamed->pages_analysed : 0;
  for (const PageAnalysis& page : report.pages) {
    if (page.page.error == PageError::none) ++count;
  }
  return count;
}

Status write_report(ReportFormat format, const ScanReport& report, const ReportOptions& options,
                    std::ostream& out) {
  switch (format) {
    case ReportFormat::json:
      write_json_report(report, options, out);
      break;
    case ReportFormat::sarif:
      write_sarif_report(report, options, out);
      break;
    case ReportFormat::junit:
      write_junit_report(report, options, out);
      break;
    case ReportFormat::html:
      write_html_report(report, options, out);
      break;
    case ReportFormat::csv:
      write_csv_vendors(report, out);
      break;
    case ReportFormat::markdown:
      write_markdown_report(report, options, out);
      break;
    case ReportFormat::console:
      write_console_report(report, options, out);
      break;
  }
  out.flush();
  if (!report.walk_error.empty()) return Error{"reading the pages: " + report.walk_error};
  if (!out) return Error{"could not write the " + std::string(to_string(format)) + " report"};
  return Ok{};
}

Status write_csv_findings(const ScanReport& report, std::ostream& out) {
  write_csv_finding_rows(report, out);
  out.flush();
  if (!report.walk_error.empty()) return Error{"reading the pages: " + report.walk_error};
  if (!out) return Error{"could not write the csv findings report"};
  return Ok{};
}

namespace {

// ": <reason>" for the last failed system call, or nothing when there is none.
std::string errno_text() {
  return errno == 0 ? std::string() : ": " + std::string(std::strerror(errno));
}

}  // namespace

Status write_file(const std::filesystem::path& path,
                  const std::function<Status(std::ostream&)>& write) {
  errno = 0;
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) return Error{path.string() + ": cannot open for writing" + errno_text()};
  Status status = write(file);
  if (status) {
    file.close();
    if (!file) status = Error{"could not finish writing the report"};
  }
  // The system's reason (a full disk, a quota) when the write failed, not when a read did.
  if (!status) return Error{path.string() + ": " + status.error() + (file ? "" : errno_text())};
  return Ok{};
}

Status write_report_files(ReportFormat format, const ScanReport& report,
                          const ReportOptions& options, const std::filesystem::path& out_dir) {
  std::vector<std::string> files = report_files(format);
  for (std::size_t i = 0; i < files.size(); ++i) {
    Status status = write_file(out_dir / files[i], [&](std::ostream& out) {
      return (format == ReportFormat::csv && i == 1) ? write_csv_findings(report, out)
                                                     : write_report(format, report, options, out);
    });
    if (!status) return status;
  }
  return Ok{};
}

}  // namespace tw
