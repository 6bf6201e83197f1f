// TEMPORARY: the scan command is being written; this file is deleted by its owner.
#include <iostream>

#include "cli/commands.h"

namespace tw::cli {
int run_scan(const Args&) {
  std::cerr << "tagwarden: this command is not available yet\n";
  return kExitUsage;
}
}  // namespace tw::cli
