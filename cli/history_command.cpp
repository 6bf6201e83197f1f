// `tagwarden history`: the stored scans, newest first, with their counts.
#include <boost/program_options.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/stored_scans.h"
#include "model/severity.h"

namespace tw::cli {
namespace {

namespace po = boost::program_options;

constexpr Severity kWorstFirst[] = {Severity::critical, Severity::high, Severity::medium,
                                    Severity::low, Severity::info};

int count_of(const ScanListEntry& entry, Severity severity) {
  auto found = entry.findings_by_severity.find(std::string(to_string(severity)));
  return found == entry.findings_by_severity.end() ? 0 : found->second;
}

std::string joined_targets(const ScanInfo& info) {
  std::string out;
  for (const std::string& target : info.targets) out += (out.empty() ? "" : " ") + target;
  return out;
}

void print_text(const std::vector<ScanListEntry>& scans, std::ostream& out) {
  out << "   id  status    started               pages  vendors  findings c/h/m/l/i  target\n";
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
    out << line << joined_targets(entry.info) << "\n";
  }
}

void print_json(const std::vector<ScanListEntry>& scans, std::ostream& out) {
  nlohmann::json list = nlohmann::json::array();
  for (const ScanListEntry& entry : scans) {
    nlohmann::json findings = nlohmann::json::object();
    for (Severity severity : kWorstFirst) {
      findings[std::string(to_string(severity))] = count_of(entry, severity);
    }
    list.push_back({{"id", entry.info.id},
                    {"targets", entry.info.targets},
                    {"started", entry.info.started},
                    {"finished", entry.info.finished},
                    {"status", std::string(to_string(entry.info.status))},
                    {"pages", entry.pages},
                    {"vendors", entry.vendors},
                    {"findings", findings}});
  }
  out << list.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

}  // namespace

int run_history(const Args& args) {
  std::string db = kDefaultDb;
  CommonFlags common;
  std::string target;
  std::string format = "text";
  po::options_description options(
      "tagwarden history [--db FILE] [--target T] [--format text|json]");
  options.add_options()("target", po::value(&target)->value_name("T"),
                        "only scans with a target containing T")(
      "format", po::value(&format)->value_name("text|json"), "output format (default text)");
  add_db_option(options, db);
  options.add(common_options(common));
  if (std::optional<int> done = parse_command_line("history", args, options, {})) {
    return *done;
  }
  if (format != "text" && format != "json") {
    std::cerr << "tagwarden history: unknown --format '" << format << "' (text or json)\n";
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
  } else if (scans->empty()) {
    std::cout << "no scans stored in " << db << (target.empty() ? "" : " for " + target) << "\n";
  } else {
    print_text(*scans, std::cout);
  }
  return kExitOk;
}

}  // namespace tw::cli
