// `tagwarden prune`: retention for the scan history. Removes old scans per target, then what no
// scan refers to any more, and gives the space back to the file system.
#include <limits>
#include <boost/program_options.hpp>
#include <iostream>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/stored_scans.h"
#include "store/sql.h"

namespace tw::cli {
namespace {

namespace po = boost::program_options;

void print_outcome(const PruneOutcome& outcome, const std::string& db) {
  std::cout << "pruned " << sql::display_name(db) << ": " << outcome.scans_removed << " scans, "
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
  // INT_MIN marks a limit that was not given (any given value below 0 is an error).
  constexpr int kNotGiven = std::numeric_limits<int>::min();
  std::string db = kDefaultDb;
  CommonFlags common;
  int keep_days = kNotGiven;
  int keep_scans = kNotGiven;
  bool vacuum = false;
  po::options_description options(
      "tagwarden prune [--db FILE] [--keep-days N] [--keep-scans N] [--vacuum]\n"
      "Removes the scans that no limit keeps (a running scan is never removed), then the page\n"
      "analyses and findings no scan refers to any more");
  options.add_options()("keep-days", po::value(&keep_days)->value_name("N"),
                        "keep scans started in the last N days")(
      "keep-scans", po::value(&keep_scans)->value_name("N"),
      "keep the newest N finished scans of each target")(
      "vacuum", po::bool_switch(&vacuum),
      "rewrite the whole file (VACUUM): needs free disk space the size of the database");
  add_db_option(options, db);
  options.add(common_options(common));
  if (std::optional<int> done = parse_command_line("prune", args, options, {})) return *done;
  if (keep_days == kNotGiven && keep_scans == kNotGiven) {
    std::cerr << "tagwarden prune: give --keep-days N, --keep-scans N or both\n";
    return kExitUsage;
  }
  if ((keep_days != kNotGiven && keep_days < 0) || (keep_scans != kNotGiven && keep_scans < 0)) {
    std::cerr << "tagwarden prune: --keep-days and --keep-scans take a number of 0 or more\n";
    return kExitUsage;
  }
  Result<ScanStore> store = open_existing_store(db);
  if (!store) {
    std::cerr << "tagwarden prune: " << store.error() << "\n";
    return kExitUsage;
  }
  PruneOptions prune;
  if (keep_days != kNotGiven) prune.keep_days = keep_days;
  if (keep_scans != kNotGiven) prune.keep_scans = keep_scans;
  prune.vacuum = vacuum;
  Result<PruneOutcome> outcome = store->prune(prune);
  if (!outcome) {
    std::cerr << "tagwarden prune: " << outcome.error() << "\n";
    return kExitScanFailed;
  }
  print_outcome(*outcome, db);
  return kExitOk;
}

}  // namespace tw::cli
