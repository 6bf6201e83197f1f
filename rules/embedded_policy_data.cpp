// The rule engine's shipped data, compiled into the binary with the assembler's .incbin so the
// tool runs from any directory. TW_RULES_DATA_DIR is set by rules/CMakeLists.txt.
#include "rules/compromised_domains.h"

__asm__(
    ".section .rodata\n"
    ".balign 16\n"
    ".global tw_compromised_domains_json\n"
    "tw_compromised_domains_json:\n"
    ".incbin \"" TW_RULES_DATA_DIR
    "/compromised-domains.json\"\n"
    ".global tw_compromised_domains_json_end\n"
    "tw_compromised_domains_json_end:\n"
    ".byte 0\n"
    ".previous\n");

extern "C" const char tw_compromised_domains_json[];
extern "C" const char tw_compromised_domains_json_end[];

namespace tw {

std::string_view embedded_compromised_domains_json() {
  return {tw_compromised_domains_json,
          static_cast<std::size_t>(tw_compromised_domains_json_end - tw_compromised_domains_json)};
}

}  // namespace tw
