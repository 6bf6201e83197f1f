#include "cli/options.h"

namespace tw::cli {

namespace po = boost::program_options;

Status parse_command_line(const Args& args, const po::options_description& all,
                          const po::positional_options_description& positional,
                          po::variables_map& vm) {
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return Error{e.what()};
  }
  return Ok{};
}

}  // namespace tw::cli
