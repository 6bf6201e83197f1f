// `tagwarden diff [A] [B]`: drift between two scans. A and B are scan ids, "latest" or JSON
// reports; by default the last two complete scans of the same target.
#include <boost/program_options.hpp>
#include <iostream>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/stored_scans.h"
#include "store/drift.h"

namespace tw::cli {
namespace {

namespace po = boost::program_options;

// The default pair: the newest complete scan (of `target` when given) and the complete scan of
// the same targets before it.
Result<std::pair<std::string, std::string>> default_pair(ScanStore& store,
                                                         const std::string& target) {
  Result<std::int64_t> after = store.latest_scan_id(target, true);
  if (!after) return Error{after.error()};
  Result<std::int64_t> before = store.previous_complete_scan_id(*after);
  if (!before) return Error{before.error() + "; name two scans: tagwarden diff A B"};
  return std::pair{std::to_string(*before), std::to_string(*after)};
}

}  // namespace

int run_diff(const Args& args) {
  std::string db = kDefaultDb;
  CommonFlags common;
  std::string format = "text";
  std::string target;
  std::vector<std::string> scans;
  po::options_description options(
      "tagwarden diff [A] [B] [--db FILE] [--target T] [--format text|json]\n"
      "A and B: scan ids, 'latest' or JSON reports. Without them: the last two complete scans of\n"
      "the same target; with only A: A against the newest complete scan");
  options.add_options()("target", po::value(&target)->value_name("T"),
                        "pick the default scans among those with a target containing T")(
      "format", po::value(&format)->value_name("text|json"), "output format (default text)");
  add_db_option(options, db);
  options.add(common_options(common));
  po::options_description hidden;
  hidden.add_options()("scan", po::value(&scans));
  po::positional_options_description positional;
  positional.add("scan", -1);
  if (std::optional<int> done = parse_command_line("diff", args, options, positional, hidden)) {
    return *done;
  }
  if (format != "text" && format != "json") {
    std::cerr << "tagwarden diff: unknown --format '" << format << "' (text or json)\n";
    return kExitUsage;
  }
  if (scans.size() > 2) {
    std::cerr << "tagwarden diff: at most two scans to compare, got " << scans.size() << "\n";
    return kExitUsage;
  }

  std::optional<ScanStore> store;
  if (scans.size() < 2) {
    Result<ScanStore> opened = open_existing_store(db);
    if (!opened) {
      std::cerr << "tagwarden diff: " << opened.error() << "\n";
      return kExitUsage;
    }
    store.emplace(std::move(opened).value());
    if (scans.empty()) {
      auto pair = default_pair(*store, target);
      if (!pair) {
        std::cerr << "tagwarden diff: " << pair.error() << "\n";
        return kExitUsage;
      }
      scans = {pair->first, pair->second};
    } else {
      Result<std::int64_t> latest = store->latest_scan_id(target, true);
      if (!latest) {
        std::cerr << "tagwarden diff: " << latest.error() << "\n";
        return kExitUsage;
      }
      scans.push_back(std::to_string(*latest));
    }
  }
  Result<ScanReport> before = load_named_scan(scans[0], db, store);
  Result<ScanReport> after = before ? load_named_scan(scans[1], db, store) : Error{""};
  if (!before || !after) {
    std::cerr << "tagwarden diff: " << (before ? after.error() : before.error()) << "\n";
    return kExitUsage;
  }
  Drift drift = compute_drift(*before, *after);
  std::cout << (format == "json" ? drift_to_json(drift) : drift_to_text(drift));
  return kExitOk;
}

}  // namespace tw::cli
