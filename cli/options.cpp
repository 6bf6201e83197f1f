#include "cli/options.h"

#include <unistd.h>

#include <cstdlib>
#include <iostream>

namespace tw::cli {

namespace po = boost::program_options;

po::options_description common_options(CommonFlags& flags) {
  po::options_description options("Common options");
  // clang-format off
  options.add_options()
    ("help,h", "show this help")
    ("quiet,q", po::bool_switch(&flags.quiet), "no progress line and no notes (results and errors stay)")
    ("no-color", po::bool_switch(&flags.no_color), "no colour (NO_COLOR is honoured too)");
  // clang-format on
  return options;
}

void add_db_option(po::options_description& options, std::string& db) {
  options.add_options()("db", po::value(&db)->value_name("FILE|URL"),
                        "scan history: a SQLite file (default tagwarden.db) or a PostgreSQL URL "
                        "(postgresql://user:password@host/database)");
}

bool use_color(const CommonFlags& flags) {
  if (flags.no_color) return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') return false;
  return isatty(STDOUT_FILENO) == 1;
}

std::optional<int> parse_command_line(std::string_view command, const Args& args,
                                      const po::options_description& visible,
                                      const po::positional_options_description& positional,
                                      const po::options_description& hidden) {
  po::options_description all;
  all.add(visible).add(hidden);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "tagwarden " << command << ": " << e.what() << " (see 'tagwarden " << command
              << " --help')\n";
    return kExitUsage;
  }
  if (vm.count("help")) {
    std::cout << visible << "\n";
    return kExitOk;
  }
  return std::nullopt;
}

}  // namespace tw::cli
