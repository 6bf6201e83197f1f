#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "reports/report.h"
#include "reports_sample.h"

using namespace tw;

TEST_CASE("a comma list of formats parses, duplicates dropped, md accepted") {
  auto formats = parse_report_formats("json, sarif,md,json");
  REQUIRE(formats.ok());
  CHECK(*formats ==
        std::vector<ReportFormat>{ReportFormat::json, ReportFormat::sarif, ReportFormat::markdown});
}

TEST_CASE("an unknown format is an error naming it and the valid ones") {
  auto formats = parse_report_formats("json,pdf");
  REQUIRE_FALSE(formats.ok());
  CHECK(formats.error().find("'pdf'") != std::string::npos);
  CHECK(formats.error().find("sarif") != std::string::npos);
  CHECK_FALSE(parse_report_formats("").ok());
}

TEST_CASE("every format has its default file name, csv two of them") {
  CHECK(report_files(ReportFormat::json) == std::vector<std::string>{"tagwarden-report.json"});
  CHECK(report_files(ReportFormat::csv) ==
        std::vector<std::string>{"tagwarden-vendors.csv", "tagwarden-findings.csv"});
  CHECK(report_files(ReportFormat::console).empty());
  for (ReportFormat f : {ReportFormat::json, ReportFormat::sarif, ReportFormat::junit,
                         ReportFormat::html, ReportFormat::csv, ReportFormat::markdown}) {
    CHECK(parse_report_formats(to_string(f)).ok());
  }
}

TEST_CASE("failing the build needs fail_on severity, no suppression and, with a baseline, new") {
  Finding f;
  f.severity = Severity::high;
  ReportOptions options;
  options.fail_on = Severity::high;
  CHECK(fails_build(f, options));
  options.fail_on = Severity::critical;
  CHECK_FALSE(fails_build(f, options));
  options.fail_on = Severity::medium;
  f.suppressed = true;
  CHECK_FALSE(fails_build(f, options));
  f.suppressed = false;
  options.baseline = true;
  f.baseline_state = "existing";
  CHECK_FALSE(fails_build(f, options));
  f.baseline_state = "new";
  CHECK(fails_build(f, options));
}

TEST_CASE("write_report_files writes every file of a format into the out directory") {
  auto dir = std::filesystem::temp_directory_path() / "tw-reports-files-test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  ScanReport report = test::hostile_sample_report();
  for (ReportFormat f : {ReportFormat::json, ReportFormat::sarif, ReportFormat::junit,
                         ReportFormat::html, ReportFormat::csv, ReportFormat::markdown}) {
    REQUIRE(write_report_files(f, report, {}, dir).ok());
    for (const std::string& name : report_files(f)) {
      CHECK(std::filesystem::file_size(dir / name) > 100);
    }
  }
  auto missing = write_report_files(ReportFormat::json, report, {}, dir / "no" / "such");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().find("tagwarden-report.json") != std::string::npos);
  // Lets a developer look at (or validate) the writers' output for the hostile sample.
  if (const char* keep = std::getenv("TW_REPORTS_DUMP_DIR")) {
    std::filesystem::create_directories(keep);
    for (ReportFormat f : {ReportFormat::json, ReportFormat::sarif, ReportFormat::junit,
                           ReportFormat::html, ReportFormat::csv, ReportFormat::markdown}) {
      REQUIRE(write_report_files(f, report, {}, keep).ok());
    }
    std::ofstream console(std::filesystem::path(keep) / "console.txt");
    REQUIRE(write_report(ReportFormat::console, report, {}, console).ok());
  }
  std::filesystem::remove_all(dir);
}
