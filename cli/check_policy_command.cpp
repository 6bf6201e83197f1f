// `tagwarden check-policy FILE`: validates a policy exactly as `scan --policy` would and prints
// every problem as file:line:column: message (exit 2), or a short summary of what it says.
#include <boost/program_options.hpp>
#include <iostream>

#include "cli/commands.h"
#include "cli/options.h"
#include "policy/policy.h"
#include "policy/policy_model.h"
#include "rules/rule_catalogue.h"

namespace tw::cli {

namespace po = boost::program_options;

int run_check_policy(const Args& args) {
  po::options_description options(
      "tagwarden check-policy FILE\n\n"
      "Validates a sanctioned-stack policy: unknown keys, wrong types, bad path globs and\n"
      "regular expressions, duplicate keys, unknown vendors and contradictions are reported as\n"
      "file:line:column: message, and the exit code is 2. Expired suppressions are warnings.\n\n"
      "Options");
  std::string file;
  CommonFlags common;
  options.add(common_options(common));
  po::options_description hidden;
  hidden.add_options()("file", po::value(&file)->value_name("FILE"), "policy file (YAML)");
  po::positional_options_description positional;
  positional.add("file", 1);
  if (std::optional<int> done =
          parse_command_line("check-policy", args, options, positional, hidden)) {
    return *done;
  }
  if (file.empty()) {
    std::cerr << "tagwarden check-policy: name the policy file (tagwarden check-policy FILE)\n";
    return kExitUsage;
  }
  Result<SanctionedStack> policy = load_policy_file(file, rule_ids());
  if (!policy) {
    std::cerr << policy.error() << "\n";
    return kExitUsage;
  }
  for (const std::string& warning : policy_warnings(*policy)) {
    std::cerr << warning << " (warning)\n";
  }
  if (!common.quiet) {
    const SanctionedStack::Details& details = *policy->details;
    std::cout << file << ": ok: " << policy->vendors.size() << " sanctioned vendors, "
              << details.custom_vendors.size() << " custom vendors, " << details.required.size()
              << " required tags, " << details.forbidden.size() << " forbidden entries, "
              << details.suppressions.size() << " suppressions\n";
  }
  return kExitOk;
}

}  // namespace tw::cli
