// `tagwarden prune`: retention for the scan history. Removes old scans per target, then what no
// scan refers to any more, and gives the space back to the file system.
#include <boost/program_options.hpp>
#include <iostream>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/stored_scans.h"

namespace tw::cli {
namespace {

namespace po = boost::program_options;

void print_outcome(const PruneOutcome& outcome, const std::string& db) {
  std::cout << "pruned " << db << ": " << outcome.scans_removed << " scans, "
            << outcome.analyses_removed << " page analyses and " << outcome.finding_sets_removed
            << " finding lists no scan refers to any more; " << outcome.bytes_before / 1024
            << " KiB -> " << outcome.bytes_after / 1024 << " KiB\n";
  if (!outcome.space_returned) {
    std::cout << "note: this database predates incremental vacuum: freed space is reused by "
                 "later scans; run once with --vacuum to give it back\n";
  }
}

}  // namespace

int run_prune(const Args& args) {
  std::string db = "tagwarden.db";
  int keep_days = -1;
  int keep_scans = -1;
  po::options_description options(
      "tagwarden prune [--db FILE] [--keep-days N] [--keep-scans N] [--vacuum]\n"
      "Removes the scans that no limit keeps (a running scan is never removed), then the page\n"
      "analyses and findings no scan refers to any more");
  options.add_options()("help,h", "show this help")("db", po::value(&db)->value_name("FILE"),
                                                    "SQLite scan history (default tagwarden.db)")(
      "keep-days", po::value(&keep_days)->value_name("N"), "keep scans started in the last N days")(
      "keep-scans", po::value(&keep_scans)->value_name("N"),
      "keep the newest N finished scans of each target")(
      "vacuum", "rewrite the whole file (VACUUM): needs free disk space the size of the database");
  po::variables_map vm;
  if (Status parsed = parse_command_line(args, options, {}, vm); !parsed) {
    std::cerr << "tagwarden prune: " << parsed.error() << " (see 'tagwarden prune --help')\n";
    return kExitUsage;
  }
  if (vm.count("help")) {
    std::cout << options << "\n";
    return kExitOk;
  }
  if (!vm.count("keep-days") && !vm.count("keep-scans")) {
    std::cerr << "tagwarden prune: give --keep-days N, --keep-scans N or both\n";
    return kExitUsage;
  }
  if ((vm.count("keep-days") && keep_days < 0) || (vm.count("keep-scans") && keep_scans < 0)) {
    std::cerr << "tagwarden prune: --keep-days and --keep-scans take a number of 0 or more\n";
    return kExitUsage;
  }
  Result<ScanStore> store = open_existing_store(db);
  if (!store) {
    std::cerr << "tagwarden prune: " << store.error() << "\n";
    return kExitUsage;
  }
  PruneOptions prune;
  if (vm.count("keep-days")) prune.keep_days = keep_days;
  if (vm.count("keep-scans")) prune.keep_scans = keep_scans;
  prune.vacuum = vm.count("vacuum") > 0;
  Result<PruneOutcome> outcome = store->prune(prune);
  if (!outcome) {
    std::cerr << "tagwarden prune: " << outcome.error() << "\n";
    return kExitScanFailed;
  }
  print_outcome(*outcome, db);
  return kExitOk;
}

}  // namespace tw::cli
