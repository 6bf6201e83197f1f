// Command-line parsing shared by the subcommands: Boost.Program_options errors become one line.
#pragma once

#include <boost/program_options.hpp>

#include "cli/commands.h"
#include "model/result.h"

namespace tw::cli {

// Parses `args` into `vm` (and notifies bound variables); unknown flags, missing or bad values
// come back as an error message naming the flag.
Status parse_command_line(const Args& args, const boost::program_options::options_description& all,
                          const boost::program_options::positional_options_description& positional,
                          boost::program_options::variables_map& vm);

}  // namespace tw::cli
