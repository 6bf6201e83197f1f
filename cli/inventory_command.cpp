// `tagwarden inventory --scan ID|latest`: the script inventory of the payment pages of a stored
// scan (PCI DSS 4.0, 6.4.3) as CSV, JSON or HTML.
#include <boost/program_options.hpp>
#include <iostream>

#include "cli/commands.h"
#include "cli/integrity_support.h"
#include "cli/options.h"
#include "cli/stored_scans.h"
#include "model/text.h"

namespace tw::cli {
namespace {

namespace po = boost::program_options;

using InventoryWriter = void (*)(const InventoryReport&, std::ostream&);

// The writer and file name of each format; nullopt names the formats for an error.
std::optional<std::pair<InventoryWriter, std::string>> inventory_format(const std::string& name) {
  if (name == "csv") return std::pair{&write_inventory_csv, std::string("inventory.csv")};
  if (name == "json") return std::pair{&write_inventory_json, std::string("inventory.json")};
  if (name == "html") return std::pair{&write_inventory_html, std::string("inventory.html")};
  return std::nullopt;
}

}  // namespace

int run_inventory(const Args& args) {
  std::string db = kDefaultDb;
  std::string scan = "latest";
  std::string formats = "json";
  std::string out_dir = ".";
  CommonFlags common;
  po::options_description options(
      "tagwarden inventory [--scan ID|latest] [--format csv,json,html] [--out DIR] [--db FILE]");
  options.add_options()("scan", po::value(&scan)->value_name("ID"),
                        "stored scan id or 'latest' (default)")(
      "format", po::value(&formats)->value_name("LIST"), "csv,json,html (default json)")(
      "out", po::value(&out_dir)->value_name("DIR"), "directory for the files (default .)");
  add_db_option(options, db);
  options.add(common_options(common));
  if (std::optional<int> done = parse_command_line("inventory", args, options, {})) return *done;
  std::vector<std::pair<InventoryWriter, std::string>> writers;
  for (const std::string& name : split_list(formats)) {
    auto format = inventory_format(name);
    if (!format) {
      std::cerr << "tagwarden inventory: unknown format '" << name << "' (csv, json, html)\n";
      return kExitUsage;
    }
    writers.push_back(*format);
  }
  Result<ScanStore> store = open_existing_store(db);
  Result<InventoryReport> inventory =
      store ? load_inventory(scan, *store) : Result<InventoryReport>(Error{store.error()});
  if (!inventory) {
    std::cerr << "tagwarden inventory: " << inventory.error() << "\n";
    return kExitUsage;
  }
  for (const auto& [writer, file] : writers) {
    Result<std::string> written =
        write_document(out_dir, file, [&](std::ostream& out) { writer(*inventory, out); });
    if (!written) {
      std::cerr << "tagwarden inventory: " << written.error() << "\n";
      return kExitScanFailed;
    }
    std::cout << "inventory: " << *written << "\n";
  }
  return kExitOk;
}

}  // namespace tw::cli
