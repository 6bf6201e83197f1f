// Embeds catalogue/data/ files with the assembler's .incbin (TW_CATALOGUE_DATA_DIR comes from
// catalogue/CMakeLists.txt, which also rebuilds this file when the data changes).
#include "catalogue/embedded_data.h"

#include <cstddef>

// Each file becomes `<symbol>_begin` .. `<symbol>_end` in .rodata.
#define TW_EMBED(symbol, file)                    \
  __asm__(                                        \
      ".section .rodata\n"                        \
      ".global " #symbol                          \
      "_begin\n"                                  \
      ".balign 16\n" #symbol                      \
      "_begin:\n"                                 \
      ".incbin \"" TW_CATALOGUE_DATA_DIR "/" file \
      "\"\n"                                      \
      ".global " #symbol "_end\n" #symbol         \
      "_end:\n"                                   \
      ".byte 0\n"                                 \
      ".previous\n");                             \
  extern "C" const char symbol##_begin[];         \
  extern "C" const char symbol##_end[];

TW_EMBED(tw_data_third_party_web, "third-party-web/entities.json")
TW_EMBED(tw_data_tagwarden_vendors, "tagwarden-vendors.json")
TW_EMBED(tw_data_compromised_domains, "compromised-domains.json")
TW_EMBED(tw_data_retire_repository, "retirejs/jsrepository.json")
TW_EMBED(tw_data_cname_cloaking, "cname-cloaking/cname-cloaking.json")

namespace tw {

std::string_view embedded_file(std::string_view name) {
  struct File {
    std::string_view name;
    const char* begin;
    const char* end;
  };
  static const File files[] = {
      {"third-party-web/entities.json", tw_data_third_party_web_begin, tw_data_third_party_web_end},
      {"tagwarden-vendors.json", tw_data_tagwarden_vendors_begin, tw_data_tagwarden_vendors_end},
      {"compromised-domains.json", tw_data_compromised_domains_begin,
       tw_data_compromised_domains_end},
      {"retirejs/jsrepository.json", tw_data_retire_repository_begin,
       tw_data_retire_repository_end},
      {"cname-cloaking/cname-cloaking.json", tw_data_cname_cloaking_begin,
       tw_data_cname_cloaking_end},
  };
  for (const File& file : files) {
    if (file.name == name) {
      return {file.begin, static_cast<std::size_t>(file.end - file.begin)};
    }
  }
  return {};
}

}  // namespace tw
