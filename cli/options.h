// Command-line parsing shared by the subcommands: the option groups every subcommand declares
// the same way (--help, --quiet, --no-color; --db where scans are stored or read), and one parse
// that turns Boost.Program_options errors into one line and prints --help.
#pragma once

#include <boost/program_options.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "cli/commands.h"
#include "model/result.h"

namespace tw::cli {

// The flags every subcommand takes, with one meaning everywhere.
struct CommonFlags {
  bool quiet = false;     // no progress line and no notes on stderr; results and errors stay
  bool no_color = false;  // no colour on the terminal (NO_COLOR is honoured too)
};

// "Common options": --help/-h, --quiet/-q, --no-color.
boost::program_options::options_description common_options(CommonFlags& flags);

// --db FILE|URL: the scan history, a SQLite file (default tagwarden.db) or a postgresql:// URL
// (binds `db`, which keeps its value when the flag is absent).
void add_db_option(boost::program_options::options_description& options, std::string& db);

inline constexpr const char* kDefaultDb = "tagwarden.db";

// Whether to colour what goes to stdout: not with --no-color, a non-empty NO_COLOR, or no tty.
bool use_color(const CommonFlags& flags);

// One subcommand's command line: `visible` is what --help prints, `hidden` the positionals'
// targets. Returns the exit code when the command is already done (--help printed: kExitOk; a
// usage error printed as one line naming the flag: kExitUsage), nullopt to go on.
std::optional<int> parse_command_line(
    std::string_view command, const Args& args,
    const boost::program_options::options_description& visible,
    const boost::program_options::positional_options_description& positional = {},
    const boost::program_options::options_description& hidden = {});

}  // namespace tw::cli
