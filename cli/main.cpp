// Entry point: picks the subcommand and turns any escaped exception into one line and exit 2.
#include <cstring>
#include <exception>
#include <iostream>
#include <string_view>

#include "cli/commands.h"
#include "model/version.h"

namespace {

struct Subcommand {
  std::string_view name;
  int (*run)(const tw::cli::Args&);
  std::string_view summary;
};

constexpr Subcommand kSubcommands[] = {
    {"scan", tw::cli::run_scan,
     "crawl sites or a built directory and audit their third-party tags"},
    {"report", tw::cli::run_report, "write reports from a stored scan without crawling again"},
    {"diff", tw::cli::run_diff, "show drift between two stored scans"},
    {"history", tw::cli::run_history, "list stored scans with their trend"},
    {"prune", tw::cli::run_prune, "remove old scans from the history and give the space back"},
    {"init", tw::cli::run_init, "write a starter policy that sanctions what a scan found"},
    {"vendors", tw::cli::run_vendors, "look up a host, URL or vendor in the catalogue"},
    {"rules", tw::cli::run_rules, "list the rules, or explain one (tagwarden rules TW104)"},
    {"check-policy", tw::cli::run_check_policy, "validate a policy file"},
    {"inventory", tw::cli::run_inventory, "list the scripts of the payment pages of a stored scan"},
    {"approve", tw::cli::run_approve, "write or update the scripts file from a stored scan"},
    {"evidence", tw::cli::run_evidence,
     "the payment-page integrity record of a target over a period"},
};

void print_usage(std::ostream& out) {
  out << "usage: tagwarden <command> [options]\n\n"
         "tagwarden audits the third-party tags on websites against a sanctioned stack.\n\n"
         "commands:\n";
  for (const Subcommand& sub : kSubcommands) {
    out << "  " << sub.name << std::string(14 - sub.name.size(), ' ') << sub.summary << "\n";
  }
  out << "\nRun 'tagwarden <command> --help' for a command's options.\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    print_usage(std::cerr);
    return tw::cli::kExitUsage;
  }
  std::string_view name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    print_usage(std::cout);
    return tw::cli::kExitOk;
  }
  if (name == "--version") {
    std::cout << tw::kToolName << " " << tw::kToolVersion << "\n";
    return tw::cli::kExitOk;
  }
  for (const Subcommand& sub : kSubcommands) {
    if (sub.name != name) continue;
    try {
      return sub.run(tw::cli::Args(argv + 2, argv + argc));
    } catch (const std::bad_alloc&) {
      std::cerr << "tagwarden: out of memory\n";
      return tw::cli::kExitScanFailed;
    } catch (const std::exception& e) {
      std::cerr << "tagwarden " << name << ": " << e.what() << "\n";
      return tw::cli::kExitUsage;
    }
  }
  std::cerr << "tagwarden: unknown command '" << name << "' (try 'tagwarden --help')\n";
  return tw::cli::kExitUsage;
}
