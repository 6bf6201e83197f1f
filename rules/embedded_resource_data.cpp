// Embeds rules/data/retirejs/jsrepository.json with the assembler's .incbin (TW_RULES_DATA_DIR
// comes from rules/CMakeLists.txt), so vulnerable-library checks need no file beside the binary.
#include "rules/embedded_resource_data.h"

#include <cstddef>

__asm__(
    ".section .rodata\n"
    ".global tw_data_retire_repository_begin\n"
    ".balign 16\n"
    "tw_data_retire_repository_begin:\n"
    ".incbin \"" TW_RULES_DATA_DIR
    "/retirejs/jsrepository.json\"\n"
    ".global tw_data_retire_repository_end\n"
    "tw_data_retire_repository_end:\n"
    ".byte 0\n"
    ".previous\n");
extern "C" const char tw_data_retire_repository_begin[];
extern "C" const char tw_data_retire_repository_end[];

namespace tw {

std::string_view embedded_retire_repository() {
  return {
      tw_data_retire_repository_begin,
      static_cast<std::size_t>(tw_data_retire_repository_end - tw_data_retire_repository_begin)};
}

}  // namespace tw
