// `tagwarden evidence --target T --since 90d`: the record an assessor asks for under PCI DSS 4.0
// 11.6.1: every scan of the target in the period (time, status), its payment pages' scripts and
// hashes with who approved them, each change found, and every gap longer than a week flagged.
#include <boost/program_options.hpp>
#include <iostream>

#include "cli/commands.h"
#include "cli/integrity_support.h"
#include "cli/options.h"
#include "cli/stored_scans.h"
#include "model/clock.h"
#include "model/text.h"

namespace tw::cli {
namespace {

namespace po = boost::program_options;

// "90d" (days before now) or a date YYYY-MM-DD, as seconds since the epoch.
std::optional<long long> parse_since(const std::string& text, long long now) {
  if (text.size() >= 2 && text.size() <= 5 && text.back() == 'd' &&
      std::all_of(text.begin(), text.end() - 1, [](char c) { return c >= '0' && c <= '9'; })) {
    return now - std::stoll(text.substr(0, text.size() - 1)) * 86400;
  }
  return parse_utc_seconds(text);
}

bool names_target(const ScanInfo& info, const std::string& target) {
  return join(info.targets, " ") == target ||
         std::find(info.targets.begin(), info.targets.end(), target) != info.targets.end();
}

Result<EvidenceScan> evidence_scan(ScanStore& store, const ScanInfo& info) {
  EvidenceScan scan{info, {}, {}, 0, false};
  Result<std::vector<PaymentPage>> pages = store.payment_pages(info.id);
  if (!pages) return Error{pages.error()};
  scan.pages = std::move(pages).value();
  Result<std::vector<Finding>> findings = store.site_findings(info.id);
  if (!findings) return Error{findings.error()};
  for (Finding& finding : *findings) {
    if (finding.rule.starts_with("TW50")) scan.changes.push_back(std::move(finding));
  }
  return scan;
}

// Days between each scan and the one before (the first: the period's start), gaps flagged.
void flag_gaps(EvidenceReport& report, long long since, long long now) {
  long long previous = since;
  for (EvidenceScan& scan : report.scans) {
    long long started = parse_utc_seconds(scan.info.started).value_or(previous);
    scan.days_since_previous = (started - previous) / 86400;
    scan.gap = started - previous > kEvidenceGapDays * 86400;
    previous = started;
  }
  report.days_since_last = (now - previous) / 86400;
  report.gap_at_end = now - previous > kEvidenceGapDays * 86400;
}

Result<EvidenceReport> gather_evidence(ScanStore& store, const std::string& target, long long since,
                                       long long now) {
  Result<std::vector<ScanListEntry>> listed = store.list_scans(target);
  if (!listed) return Error{listed.error()};
  EvidenceReport report{target, utc_iso8601(since), utc_iso8601(now), {}, 0, false};
  for (auto entry = listed->rbegin(); entry != listed->rend(); ++entry) {  // oldest first
    std::optional<long long> started = parse_utc_seconds(entry->info.started);
    if (!names_target(entry->info, target) || !started || *started < since) continue;
    Result<EvidenceScan> scan = evidence_scan(store, entry->info);
    if (!scan) return Error{scan.error()};
    report.scans.push_back(std::move(scan).value());
  }
  flag_gaps(report, since, now);
  return report;
}

using EvidenceWriter = void (*)(const EvidenceReport&, std::ostream&);

std::optional<std::pair<EvidenceWriter, std::string>> evidence_format(const std::string& name) {
  if (name == "csv") return std::pair{&write_evidence_csv, std::string("evidence.csv")};
  if (name == "html") return std::pair{&write_evidence_html, std::string("evidence.html")};
  return std::nullopt;
}

}  // namespace

int run_evidence(const Args& args) {
  std::string db = kDefaultDb, target, since_text = "90d", formats = "html,csv", out_dir = ".";
  CommonFlags common;
  po::options_description options(
      "tagwarden evidence --target URL [--since 90d|YYYY-MM-DD] [--format html,csv] [--out DIR]");
  options.add_options()("target", po::value(&target)->value_name("URL"),
                        "the scanned target, as given to scan")(
      "since", po::value(&since_text)->value_name("PERIOD"), "90d (default) or a date")(
      "format", po::value(&formats)->value_name("LIST"), "html,csv (default both)")(
      "out", po::value(&out_dir)->value_name("DIR"), "directory for the files (default .)");
  add_db_option(options, db);
  options.add(common_options(common));
  if (std::optional<int> done = parse_command_line("evidence", args, options, {})) return *done;
  if (target.empty()) {
    std::cerr << "tagwarden evidence: --target URL is required (the target as given to scan)\n";
    return kExitUsage;
  }
  long long now = parse_utc_seconds(utc_now_iso8601()).value_or(0);
  std::optional<long long> since = parse_since(since_text, now);
  if (!since) {
    std::cerr << "tagwarden evidence: --since takes 90d or a date YYYY-MM-DD, not '" << since_text
              << "'\n";
    return kExitUsage;
  }
  std::vector<std::pair<EvidenceWriter, std::string>> writers;
  for (const std::string& name : split_list(formats)) {
    auto format = evidence_format(name);
    if (!format) {
      std::cerr << "tagwarden evidence: unknown format '" << name << "' (csv, html)\n";
      return kExitUsage;
    }
    writers.push_back(*format);
  }
  Result<ScanStore> store = open_existing_store(db);
  Result<EvidenceReport> evidence = store ? gather_evidence(*store, target, *since, now)
                                          : Result<EvidenceReport>(Error{store.error()});
  if (!evidence) {
    std::cerr << "tagwarden evidence: " << evidence.error() << "\n";
    return kExitUsage;
  }
  for (const auto& [writer, file] : writers) {
    Result<std::string> written =
        write_document(out_dir, file, [&](std::ostream& out) { writer(*evidence, out); });
    if (!written) {
      std::cerr << "tagwarden evidence: " << written.error() << "\n";
      return kExitScanFailed;
    }
    std::cout << "evidence: " << *written << "\n";
  }
  return kExitOk;
}

}  // namespace tw::cli
