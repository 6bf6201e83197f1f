// Small text primitives every stage needs. Pure functions; any thread may call them.
#pragma once

#include <string>
#include <string_view>

namespace tw {

// ASCII letters lower-cased, every other byte unchanged (hosts, header names, rule names).
std::string to_lower_ascii(std::string_view text);

}  // namespace tw
