// `tagwarden rules`: the rule catalogue as a table, or one rule's full documentation.
#include <boost/program_options.hpp>
#include <iostream>

#include "cli/commands.h"
#include "cli/options.h"
#include "rules/rule_catalogue.h"

namespace tw::cli {
namespace {

namespace po = boost::program_options;

// Wraps `text` at `width` columns with `indent` spaces in front of every line.
void print_wrapped(std::ostream& out, std::string_view text, std::size_t indent,
                   std::size_t width = 78) {
  std::string line;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(' ', start);
    std::string_view word = text.substr(start, end == text.npos ? text.npos : end - start);
    if (!line.empty() && indent + line.size() + 1 + word.size() > width) {
      out << std::string(indent, ' ') << line << "\n";
      line.clear();
    }
    if (!line.empty()) line += ' ';
    line += word;
    if (end == text.npos) break;
    start = end + 1;
  }
  if (!line.empty()) out << std::string(indent, ' ') << line << "\n";
}

std::string upper(std::string text) {
  for (char& c : text) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  }
  return text;
}

}  // namespace

int run_rules(const Args& args) {
  po::options_description options(
      "tagwarden rules [RULE]\n\n"
      "Lists every rule with its id, default severity and title; with a rule id (TW104) or name\n"
      "(forbidden-vendor), prints what it checks and what to do about it.\n\n"
      "Options");
  std::string wanted;
  CommonFlags common;
  options.add(common_options(common));
  po::options_description hidden;
  hidden.add_options()("rule", po::value(&wanted)->value_name("RULE"), "rule id or name");
  po::positional_options_description positional;
  positional.add("rule", 1);
  if (std::optional<int> done = parse_command_line("rules", args, options, positional, hidden)) {
    return *done;
  }
  if (wanted.empty()) {
    std::cout << "ID     SEVERITY  AREA         TITLE\n";
    for (const RuleInfo& rule : all_rules()) {
      std::string severity(to_string(rule.default_severity));
      std::string area(rule.area);
      std::cout << rule.id << "  " << severity << std::string(10 - severity.size(), ' ') << area
                << std::string(13 - std::min<std::size_t>(area.size(), 12), ' ') << rule.title
                << (rule.needs_policy ? " [policy]" : "") << "\n";
    }
    std::cout << "\n[policy]: only checked when a policy is given. "
                 "'tagwarden rules TW104' explains one rule.\n";
    return kExitOk;
  }
  const RuleInfo* rule = find_rule(upper(wanted));
  if (rule == nullptr) {
    for (const RuleInfo& candidate : all_rules()) {
      if (candidate.name == wanted) rule = &candidate;
    }
  }
  if (rule == nullptr) {
    std::cerr << "tagwarden rules: unknown rule '" << wanted
              << "' (run 'tagwarden rules' for the list)\n";
    return kExitUsage;
  }
  std::cout << rule->id << " " << rule->name << ": " << rule->title << "\n\n"
            << "  area:             " << rule->area << "\n"
            << "  default severity: " << to_string(rule->default_severity) << "\n"
            << "  needs a policy:   " << (rule->needs_policy ? "yes" : "no") << "\n"
            << "  checked on:       " << rule_scope(rule->id) << "\n\n"
            << "What it checks\n";
  print_wrapped(std::cout, rule->description, 2);
  std::cout << "\nWhat to do\n";
  print_wrapped(std::cout, rule->remediation, 2);
  std::cout << "\nIn the policy: rules: {" << rule->id
            << ": off | info..critical}, or a "
               "suppression with rule: "
            << rule->id << ", a page or host pattern and a reason.\n";
  return kExitOk;
}

}  // namespace tw::cli
