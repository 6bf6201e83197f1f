// `tagwarden vendors QUERY`: what the vendor catalogue (plus a policy's custom vendors) knows about
// a host, a URL or a vendor name.
#include <boost/program_options.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/options.h"
#include "model/text.h"
#include "model/domain.h"
#include "model/url.h"
#include "catalogue/catalogue.h"
#include "policy/policy.h"
#include "rules/rule_catalogue.h"

namespace tw::cli {
namespace {

namespace po = boost::program_options;

// A query that looks like a host: no spaces, at least one dot, only host characters.
bool looks_like_host(std::string_view query) {
  if (query.find('.') == std::string_view::npos) return false;
  for (char c : query) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

void print_vendor(const VendorEntry& vendor, std::string_view matched_host) {
  std::cout << vendor.name << "\n"
            << "  company:  " << vendor.company << "\n"
            << "  category: " << vendor.category << "\n"
            << "  domains:  " << join(vendor.domains, ", ") << "\n";
  if (!vendor.homepage.empty()) std::cout << "  homepage: " << vendor.homepage << "\n";
  std::cout << "  source:   " << vendor.source << "\n";
  if (!matched_host.empty()) std::cout << "  matched:  " << matched_host << "\n";
}

nlohmann::json vendor_json(const VendorEntry& vendor) {
  return {{"name", vendor.name},         {"company", vendor.company}, {"category", vendor.category},
          {"homepage", vendor.homepage}, {"domains", vendor.domains}, {"source", vendor.source}};
}

// The catalogue entries `query` names: by host (a URL's or a bare host), else by name, exactly
// or as a part. `host` is the host the query named, if any. An error says why nothing matched.
Result<std::vector<const VendorEntry*>> look_up(const std::string& query,
                                                const Catalogue& catalogue, std::string& host) {
  std::vector<const VendorEntry*> matches;
  if (query.find("://") != std::string::npos || query.starts_with("//")) {
    std::optional<std::string> absolute = resolve_url("https://example.invalid/", query);
    host = absolute ? url_host(*absolute) : std::string{};
    if (host.empty()) {
      return Error{"\"" + query + "\" is not a URL with a host"};
    }
  } else if (looks_like_host(query)) {
    host = lower_ascii(query);
  }
  if (!host.empty()) {
    if (const VendorEntry* vendor = catalogue.find_by_host(host)) matches.push_back(vendor);
  }
  if (matches.empty()) {
    if (const VendorEntry* vendor = catalogue.find_by_name(query)) {
      matches.push_back(vendor);
    } else {
      std::string wanted = lower_ascii(query);
      for (const VendorEntry& vendor : catalogue.vendors()) {
        if (lower_ascii(vendor.name).find(wanted) != std::string::npos) matches.push_back(&vendor);
      }
    }
  }

  if (!matches.empty()) return matches;
  if (!host.empty()) {
    return Error{"no catalogue entry explains host " + host + " (registrable domain " +
                 registrable_domain(host) + ")"};
  }
  std::string why = "no vendor matches \"" + query + "\"";
  std::vector<std::string> suggestions = catalogue.closest_names(query);
  if (!suggestions.empty()) why += "; did you mean " + join(suggestions, ", ") + "?";
  return Error{why};
}

}  // namespace

int run_vendors(const Args& args) {
  po::options_description options(
      "tagwarden vendors QUERY [--policy FILE] [--json]\n\n"
      "Looks up the vendor catalogue (third-party-web, tagwarden's refinements and, with "
      "--policy,\n"
      "the policy's custom vendors). QUERY is a host (static.hotjar.com), a URL or a vendor name;\n"
      "a name matches exactly or as a part (\"google\" lists every Google vendor).\n"
      "Exit 0 when something matched, 2 when nothing did.\n\n"
      "Options");
  std::string query, policy_path;
  bool json = false;
  CommonFlags common;
  options.add_options()("policy", po::value(&policy_path)->value_name("FILE"),
                        "also look in this policy's vendors")("json", po::bool_switch(&json),
                                                              "print the matches as JSON");
  options.add(common_options(common));
  po::options_description hidden;
  hidden.add_options()("query", po::value(&query), "host, URL or vendor name");
  po::positional_options_description positional;
  positional.add("query", 1);
  if (std::optional<int> done = parse_command_line("vendors", args, options, positional, hidden)) {
    return *done;
  }
  if (query.empty()) {
    std::cerr << "tagwarden vendors: give a host, URL or vendor name (see --help)\n";
    return kExitUsage;
  }

  std::optional<SanctionedStack> policy;
  if (!policy_path.empty()) {
    Result<SanctionedStack> loaded = load_policy_file(policy_path, rule_ids());
    if (!loaded) {
      std::cerr << "tagwarden vendors: " << loaded.error() << "\n";
      return kExitUsage;
    }
    policy = std::move(*loaded);
  }
  const Catalogue& catalogue = policy ? policy->catalogue : Catalogue::builtin();

  std::string host;
  Result<std::vector<const VendorEntry*>> matches = look_up(query, catalogue, host);
  if (!matches) {
    std::cerr << "tagwarden vendors: " << matches.error() << "\n";
    return kExitUsage;
  }
  if (json) {
    nlohmann::json out = nlohmann::json::array();
    for (const VendorEntry* vendor : *matches) out.push_back(vendor_json(*vendor));
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  for (std::size_t i = 0; i < matches->size(); ++i) {
    if (i > 0) std::cout << "\n";
    print_vendor(*(*matches)[i], host);
  }
  return kExitOk;
}

}  // namespace tw::cli
