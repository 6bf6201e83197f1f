// retire.js's known-vulnerable library data (rules/data/retirejs/jsrepository.json, Apache-2.0,
// converted by rules/data/update-retire.sh), compiled into the binary. Read-only; any thread.
#pragma once

#include <string_view>

namespace tw {

// The JSON text, valid for the program's lifetime.
std::string_view embedded_retire_repository();

}  // namespace tw
