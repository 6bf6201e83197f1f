// `tagwarden init`: writes a starter policy that sanctions exactly what a scan found, grouped by
// category, with owners left to fill in, so a team can adopt tagwarden and tighten from there.
// The scan is either read from the history (--db, --scan) or run now over the targets.
#include <boost/program_options.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "cli/commands.h"
#include "cli/console_lines.h"
#include "cli/crawl_flags.h"
#include "cli/options.h"
#include "cli/stored_scans.h"
#include "model/text.h"
#include "model/url.h"
#include "catalogue/catalogue.h"
#include "policy/policy.h"
#include "rules/rule_catalogue.h"
#include "store/scan_store.h"
#include "store/sql.h"

namespace tw::cli {
namespace {

namespace po = boost::program_options;

// Everything written into the policy that came from a crawled page is double-quoted and escaped,
// so a hostile id or host cannot add keys or break the file.
std::string yaml_quoted(std::string_view text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\x%02x", c);
      out += buffer;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

// ["a", "b"] in YAML flow style, every item quoted.
std::string flow_list(const std::set<std::string>& items) {
  std::string out = "[";
  for (const std::string& item : items) out += (out.size() > 1 ? ", " : "") + yaml_quoted(item);
  return out + "]";
}

struct SeenVendor {
  std::string name;
  std::string category;
  bool custom = false;  // no catalogue entry: written under custom_vendors
  std::set<std::string> hosts;
  std::set<std::string> ids;
  std::set<std::string> paths;
};

// Vendors by category as the scan saw them; unknown hosts grouped by registrable domain.
std::map<std::string, std::map<std::string, SeenVendor>> gather(const ScanReport& report,
                                                                const Catalogue& catalogue,
                                                                std::size_t& page_count) {
  std::map<std::string, std::map<std::string, SeenVendor>> by_category;
  page_count = 0;
  for (const PageAnalysis& page : report.pages) {
    if (page.page.error != PageError::none) continue;
    ++page_count;
    std::string path =
        url_path_without_query(page.page.final_url.empty() ? page.page.requested_url : page.page.final_url);
    for (const Tag& tag : page.tags) {
      if (tag.host.empty()) continue;
      const VendorEntry* entry = tag.vendor.empty() ? nullptr : catalogue.find_by_name(tag.vendor);
      std::string name = entry ? entry->name : (tag.domain.empty() ? tag.host : tag.domain);
      std::string category = entry ? entry->category : "other";
      SeenVendor& vendor = by_category[category][name];
      vendor.name = name;
      vendor.category = category;
      vendor.custom = entry == nullptr;
      vendor.hosts.insert(tag.domain.empty() ? tag.host : tag.domain);
      vendor.ids.insert(tag.ids.begin(), tag.ids.end());
      vendor.paths.insert(path);
    }
  }
  return by_category;
}

std::string starter_policy(const ScanReport& report, const std::string& source) {
  const Catalogue& catalogue = Catalogue::builtin();
  std::size_t page_count = 0;
  auto by_category = gather(report, catalogue, page_count);
  std::ostringstream out;
  out << "# Starter policy written by 'tagwarden init' from " << source << ".\n"
      << "# It sanctions exactly what the scan found (" << page_count << " pages). Next steps:\n"
      << "#   1. give every vendor an owner and a purpose (or remove it from the site);\n"
      << "#   2. narrow paths, list the ids you own, add required tags and forbidden categories\n"
      << "#      (for example advertising on /checkout/**); see examples/policy.yaml;\n"
      << "#   3. run 'tagwarden check-policy' on it and scan with --policy.\n"
      << "version: 1\n\n"
      << "# First-party domains besides the scanned site (CDNs and subdomains you run):\n"
      << "# site:\n#   domains: [static.example.com]\n";
  bool any_custom = false;
  for (const auto& [category, vendors] : by_category) {
    for (const auto& [name, vendor] : vendors) any_custom = any_custom || vendor.custom;
  }
  if (any_custom) {
    out << "\n# Hosts the catalogue does not know. Name them properly and pick a category.\n"
        << "custom_vendors:\n";
    for (const auto& [category, vendors] : by_category) {
      for (const auto& [name, vendor] : vendors) {
        if (!vendor.custom) continue;
        out << "  - name: " << yaml_quoted(name)
            << "\n    category: other\n    domains: " << flow_list(vendor.hosts) << "\n";
      }
    }
  }
  out << "\nvendors:\n";
  if (by_category.empty()) out << "  []  # the scan found no third-party tags\n";
  for (const auto& [category, vendors] : by_category) {
    out << "  # --- " << category << " ---\n";
    for (const auto& [name, vendor] : vendors) {
      out << "  - name: " << yaml_quoted(name) << "\n"
          << "    # owner: who answers for it\n"
          << "    # purpose: why it is on the site\n";
      if (!vendor.ids.empty()) out << "    ids: " << flow_list(vendor.ids) << "\n";
      if (vendor.paths.size() < page_count && vendor.paths.size() <= 8) {
        out << "    paths: " << flow_list(vendor.paths) << "\n";
      } else if (vendor.paths.size() < page_count) {
        out << "    # seen on " << vendor.paths.size() << " of " << page_count << " pages\n";
      }
    }
  }
  out << "\n# required:\n#   - vendor: ...   # tags every page must carry (tag manager, consent)\n"
      << "# forbidden:\n#   - category: advertising\n#     paths: [/checkout/**, /account/**]\n"
      << "#     reason: no ad pixels where customers pay\n";
  return out.str();
}

struct InitFlags {
  std::vector<std::string> targets;
  std::string db = kDefaultDb;
  std::string scan;
  std::string out = "tagwarden-policy.yaml";
  bool force = false;
  CrawlFlags crawl;
  CommonFlags common;
};

po::options_description init_options(InitFlags& flags) {
  po::options_description options(
      "tagwarden init [TARGET...] [options]\n\n"
      "Writes a starter policy that sanctions what a scan found, grouped by category, owners\n"
      "left to fill in. Either scans TARGETs (URLs or a directory of built HTML) now, or reads\n"
      "a stored scan with --scan ID|latest from --db.\n\n"
      "Init options");
  // clang-format off
  options.add_options()
    ("target", po::value(&flags.targets)->value_name("TARGET"), "URL or directory to scan (repeatable)")
    ("scan", po::value(&flags.scan)->value_name("ID|latest|FILE"), "the stored scan to read (from --db), or a JSON report")
    ("out,o", po::value(&flags.out)->value_name("FILE"), "where to write the policy (default tagwarden-policy.yaml; - for stdout)")
    ("force", po::bool_switch(&flags.force), "overwrite an existing file");
  // clang-format on
  add_db_option(options, flags.db);
  options.add(crawl_options(flags.crawl)).add(common_options(flags.common));
  return options;
}

// Parses and checks the command line; the exit code when the command is already done.
std::optional<int> read_flags(const Args& args, InitFlags& flags) {
  po::positional_options_description positional;
  positional.add("target", -1);
  if (std::optional<int> done = parse_command_line("init", args, init_options(flags), positional)) {
    return done;
  }
  bool from_store = !flags.scan.empty();
  if (from_store == !flags.targets.empty() ||
      (from_store && flags.db.empty() && names_stored_scan(flags.scan))) {
    std::cerr << "tagwarden init: give either TARGETs to scan, or --scan ID|latest (read from "
                 "--db) or --scan REPORT.json\n";
    return kExitUsage;
  }
  if (Status valid = check_crawl_flags(flags.crawl); !valid) {
    std::cerr << "tagwarden init: " << valid.error() << "\n";
    return kExitUsage;
  }
  if (flags.out != "-" && !flags.force && std::filesystem::exists(flags.out)) {
    std::cerr << "tagwarden init: " << flags.out << " exists (use --force to overwrite)\n";
    return kExitUsage;
  }
  return std::nullopt;
}

// The stored scan (or JSON report) --scan names; `source` says where it came from.
std::optional<int> read_scan(const InitFlags& flags, ScanReport& report, std::string& source) {
  std::optional<ScanStore> store;
  Result<ScanReport> loaded = load_named_scan(flags.scan, flags.db, store);
  if (!loaded) {
    std::cerr << "tagwarden init: " << loaded.error() << "\n";
    return kExitUsage;
  }
  report = std::move(loaded).value();
  source = names_stored_scan(flags.scan)
               ? "scan " + std::to_string(report.scan.id) + " in " + sql::display_name(flags.db)
               : "report " + flags.scan;
  return std::nullopt;
}

// A new scan of the targets, not stored, every page kept with its tags.
std::optional<int> scan_targets(const InitFlags& flags, ScanReport& report, std::string& source) {
  ScanSettings settings = scan_settings(flags.targets, flags.crawl, flags.common);
  Result<ScanOutcome> outcome = run_interruptible_scan(settings);
  if (!outcome) {
    print_error("init", outcome.error());
    return kExitUsage;
  }
  if (!outcome->could_not_run.empty()) {
    print_error("init", outcome->could_not_run);
    return kExitScanFailed;
  }
  report = std::move(outcome->report);
  source = "a scan of " + join(flags.targets, " ");
  return std::nullopt;
}

// Validates the policy (what init writes must load: a broken one would be a bug, not bad input)
// and writes it to --out.
int write_policy(const InitFlags& flags, const std::string& policy) {
  const std::string& out = flags.out;
  Result<SanctionedStack> check = load_policy_text(policy, out == "-" ? "<stdout>" : out, rule_ids());
  if (!check) {
    std::cerr << "tagwarden init: the generated policy does not validate (a bug):\n"
              << check.error() << "\n";
    return kExitScanFailed;
  }
  if (out == "-") {
    std::cout << policy;
    return kExitOk;
  }
  std::ofstream file(out, std::ios::binary | std::ios::trunc);
  file << policy;
  file.close();
  if (!file) {
    std::cerr << "tagwarden init: cannot write " << out << "\n";
    return kExitScanFailed;
  }
  if (!flags.common.quiet) {
    std::cerr << "wrote " << out << ": " << check->vendors.size()
              << " sanctioned vendors; fill in owners and purposes, then tighten it\n";
  }
  return kExitOk;
}

}  // namespace

int run_init(const Args& args) {
  InitFlags flags;
  // The flags, checked: either targets or a stored scan, and an --out not to clobber.
  if (std::optional<int> done = read_flags(args, flags)) return *done;
  // The scan to sanction: read from the history, or run now over the targets.
  ScanReport report;
  std::string source;
  std::optional<int> failed =
      flags.scan.empty() ? scan_targets(flags, report, source) : read_scan(flags, report, source);
  if (failed) return *failed;
  source += " on " + (report.scan.started.empty() ? std::string("an unknown date")
                                                  : report.scan.started.substr(0, 10));
  // The starter policy, validated and written.
  return write_policy(flags, starter_policy(report, source));
}

}  // namespace tw::cli
