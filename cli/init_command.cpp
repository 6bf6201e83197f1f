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
#include "cli/options.h"
#include "pipeline/scan_pipeline.h"
#include "cli/stored_scans.h"
#include "model/url.h"
#include "rules/catalogue.h"
#include "rules/policy.h"
#include "store/scan_store.h"

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

std::string path_of(std::string_view url) {
  std::string path = url_path(url);
  return path.substr(0, path.find('?'));
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
        path_of(page.page.final_url.empty() ? page.page.requested_url : page.page.final_url);
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

}  // namespace

int run_init(const Args& args) {
  po::options_description options(
      "tagwarden init [TARGET...] [options]\n\n"
      "Writes a starter policy that sanctions what a scan found, grouped by category, owners\n"
      "left to fill in. Either scans TARGETs (URLs or a directory of built HTML) now, or reads\n"
      "a stored scan with --db FILE --scan ID|latest.\n\n"
      "Options");
  std::vector<std::string> targets;
  std::string db, scan, out = "tagwarden-policy.yaml", base_url = "http://localhost/";
  bool force = false, ignore_robots = false, insecure = false;
  CrawlOptions crawl;
  int threads = 0;
  // clang-format off
  options.add_options()
    ("help,h", "show this help")
    ("target", po::value(&targets)->value_name("TARGET"), "URL or directory to scan (repeatable)")
    ("db", po::value(&db)->value_name("FILE"), "read a stored scan from this history")
    ("scan", po::value(&scan)->value_name("ID|latest|FILE"), "the stored scan to read (with --db), or a JSON report")
    ("out,o", po::value(&out)->value_name("FILE"), "where to write the policy (default tagwarden-policy.yaml; - for stdout)")
    ("force", po::bool_switch(&force), "overwrite an existing file")
    ("base-url", po::value(&base_url)->value_name("URL"), "directory mode: origin the files are served from")
    ("max-pages", po::value(&crawl.max_pages)->value_name("N"), "stop after N pages (default 1000)")
    ("max-depth", po::value(&crawl.max_depth)->value_name("N"), "link hops from a start URL (default 10)")
    ("resolve", po::value(&crawl.resolve)->value_name("HOST:PORT:ADDR"), "map a host to an address (repeatable)")
    ("header", po::value(&crawl.headers)->value_name("'K: V'"), "extra request header (repeatable)")
    ("cookie", po::value(&crawl.cookie)->value_name("COOKIES"), "Cookie header for every request")
    ("user", po::value(&crawl.user)->value_name("USER:PASS"), "HTTP basic auth")
    ("ignore-robots", po::bool_switch(&ignore_robots), "do not honour robots.txt (your own sites only)")
    ("insecure", po::bool_switch(&insecure), "do not verify TLS certificates")
    ("threads", po::value(&threads)->value_name("N"), "analysis threads (default: cores)");
  // clang-format on
  po::positional_options_description positional;
  positional.add("target", -1);
  po::variables_map vm;
  if (Status parsed = parse_command_line(args, options, positional, vm); !parsed) {
    std::cerr << "tagwarden init: " << parsed.error() << "\n";
    return kExitUsage;
  }
  if (vm.count("help")) {
    std::cout << options << "\n";
    return kExitOk;
  }
  bool from_store = !scan.empty();
  if (from_store == !targets.empty() || (from_store && db.empty() && names_stored_scan(scan))) {
    std::cerr << "tagwarden init: give either TARGETs to scan, or --db FILE --scan ID|latest "
                 "(or --scan REPORT.json)\n";
    return kExitUsage;
  }
  if (out != "-" && !force && std::filesystem::exists(out)) {
    std::cerr << "tagwarden init: " << out << " exists (use --force to overwrite)\n";
    return kExitUsage;
  }

  ScanReport report;
  std::string source;
  if (from_store) {
    std::optional<ScanStore> store;
    Result<ScanReport> loaded = load_named_scan(scan, db, store);
    if (!loaded) {
      std::cerr << "tagwarden init: " << loaded.error() << "\n";
      return kExitUsage;
    }
    report = std::move(loaded).value();
    source = names_stored_scan(scan) ? "scan " + std::to_string(report.scan.id) + " in " + db
                                     : "report " + scan;
  } else {
    ScanSettings settings;
    settings.targets = targets;
    crawl.respect_robots = !ignore_robots;
    crawl.insecure = insecure;
    settings.crawl = crawl;
    settings.base_url = base_url;
    settings.threads = threads;
    settings.quiet = true;
    settings.keep_pages = true;
    settings.fetch_third_party = std::any_of(targets.begin(), targets.end(),
                                             [](const std::string& t) { return is_http_url(t); });
    Result<ScanOutcome> outcome = run_scan_pipeline(settings, std::cerr);
    if (!outcome) {
      std::cerr << "tagwarden init: " << outcome.error() << "\n";
      return kExitUsage;
    }
    if (!outcome->could_not_run.empty()) {
      std::cerr << "tagwarden init: " << outcome->could_not_run << "\n";
      return kExitScanFailed;
    }
    report = std::move(outcome->report);
    std::string joined;
    for (const std::string& t : targets) joined += (joined.empty() ? "" : " ") + t;
    source = "a scan of " + joined;
  }
  source += " on " + (report.scan.started.empty() ? std::string("an unknown date")
                                                  : report.scan.started.substr(0, 10));

  std::string policy = starter_policy(report, source);
  // What init writes must load: a broken starter policy would be a bug, not bad input.
  Result<SanctionedStack> check = load_policy_text(policy, out == "-" ? "<stdout>" : out);
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
  std::cerr << "wrote " << out << ": " << check->vendors.size()
            << " sanctioned vendors; fill in owners and purposes, then tighten it\n";
  return kExitOk;
}

}  // namespace tw::cli
