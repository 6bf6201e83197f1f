// `tagwarden history`: the stored scans, newest first, with their counts and the trend: findings
// new and fixed since the scan before (the newest older complete scan of the same targets).
#include <boost/program_options.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/stored_scans.h"
#include "model/severity.h"
#include "model/text.h"
#include "reports/report_text.h"
#include "store/sql.h"

namespace tw::cli {
namespace {

namespace po = boost::program_options;
using report_text::csv_cell;
using report_text::csv_number;

constexpr Severity kWorstFirst[] = {Severity::critical, Severity::high, Severity::medium,
                                    Severity::low, Severity::info};

int count_of(const ScanListEntry& entry, Severity severity) {
  auto found = entry.findings_by_severity.find(std::string(to_string(severity)));
  return found == entry.findings_by_severity.end() ? 0 : found->second;
}

void print_text(const std::vector<ScanListEntry>& scans, std::ostream& out) {
  out << "   id  status    started               pages  vendors  findings c/h/m/l/i     new  fixed"
         "  target\n";
  for (const ScanListEntry& entry : scans) {
    std::string counts;
    for (Severity severity : kWorstFirst) {
      counts += (counts.empty() ? "" : "/") + std::to_string(count_of(entry, severity));
    }
    char line[160];
    std::snprintf(line, sizeof line, "%5lld  %-8s  %-20s  %5d  %7d  %-18s  ",
                  static_cast<long long>(entry.info.id),
                  std::string(to_string(entry.info.status)).c_str(), entry.info.started.c_str(),
                  entry.pages, entry.vendors, counts.c_str());
    char change[32] = "     -      -  ";
    if (entry.compared_with != 0) {
      std::snprintf(change, sizeof change, "%6d %6d  ", entry.new_findings, entry.fixed_findings);
    }
    out << line << change << join(entry.info.targets, " ") << "\n";
  }
}

void print_json(const std::vector<ScanListEntry>& scans, std::ostream& out) {
  nlohmann::json list = nlohmann::json::array();
  for (const ScanListEntry& entry : scans) {
    nlohmann::json findings = nlohmann::json::object();
    for (Severity severity : kWorstFirst) {
      findings[std::string(to_string(severity))] = count_of(entry, severity);
    }
    list.push_back(
        {{"id", entry.info.id},
         {"targets", entry.info.targets},
         {"started", entry.info.started},
         {"finished", entry.info.finished},
         {"status", std::string(to_string(entry.info.status))},
         {"pages", entry.pages},
         {"vendors", entry.vendors},
         {"findings", findings},
         {"compared_with",
          entry.compared_with == 0 ? nlohmann::json(nullptr) : nlohmann::json(entry.compared_with)},
         {"new_findings", entry.new_findings},
         {"fixed_findings", entry.fixed_findings}});
  }
  out << list.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

// One row per scan; new, fixed and compared_with are empty for a scan with none before it.
void print_csv(const std::vector<ScanListEntry>& scans, std::ostream& out) {
  out << "id,targets,started,finished,status,pages,vendors";
  for (Severity severity : kWorstFirst) out << "," << to_string(severity);
  out << ",new_findings,fixed_findings,compared_with\r\n";
  for (const ScanListEntry& entry : scans) {
    out << csv_number(entry.info.id) << "," << csv_cell(join(entry.info.targets, " ")) << ","
        << csv_cell(entry.info.started) << "," << csv_cell(entry.info.finished) << ","
        << to_string(entry.info.status) << "," << csv_number(entry.pages) << ","
        << csv_number(entry.vendors);
    for (Severity severity : kWorstFirst) out << "," << csv_number(count_of(entry, severity));
    if (entry.compared_with == 0) {
      out << ",,,\r\n";
    } else {
      out << "," << csv_number(entry.new_findings) << "," << csv_number(entry.fixed_findings) << ","
          << csv_number(entry.compared_with) << "\r\n";
    }
  }
}

}  // namespace

int run_history(const Args& args) {
  std::string db = kDefaultDb;
  CommonFlags common;
  std::string target;
  std::string format = "text";
  po::options_description options(
      "tagwarden history [--db FILE] [--target T] [--format text|json|csv]");
  options.add_options()("target", po::value(&target)->value_name("T"),
                        "only scans with a target containing T")(
      "format", po::value(&format)->value_name("text|json|csv"), "output format (default text)");
  add_db_option(options, db);
  options.add(common_options(common));
  if (std::optional<int> done = parse_command_line("history", args, options, {})) {
    return *done;
  }
  if (format != "text" && format != "json" && format != "csv") {
    std::cerr << "tagwarden history: unknown --format '" << format << "' (text, json or csv)\n";
    return kExitUsage;
  }
  Result<ScanStore> store = open_existing_store(db);
  if (!store) {
    std::cerr << "tagwarden history: " << store.error() << "\n";
    return kExitUsage;
  }
  Result<std::vector<ScanListEntry>> scans = store->list_scans(target);
  if (!scans) {
    std::cerr << "tagwarden history: " << scans.error() << "\n";
    return kExitScanFailed;
  }
  if (format == "json") {
    print_json(*scans, std::cout);
  } else if (format == "csv") {
    print_csv(*scans, std::cout);
  } else if (scans->empty()) {
    std::cout << "no scans stored in " << sql::display_name(db)
              << (target.empty() ? "" : " for " + target) << "\n";
  } else {
    print_text(*scans, std::cout);
  }
  return kExitOk;
}

}  // namespace tw::cli
