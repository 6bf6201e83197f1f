// Data files shipped in catalogue/data/, compiled into the binary (assembler .incbin) so tagwarden
// works from any directory without installing data beside it. Read-only; any thread may read.
#pragma once

#include <string_view>

namespace tw {

// Bytes of a shipped file by its path under catalogue/data/ ("tagwarden-vendors.json",
// "third-party-web/entities.json", "compromised-domains.json", "retirejs/jsrepository.json",
// "cname-cloaking/cname-cloaking.json"); empty
// when no such file is embedded. Valid for the program's lifetime.
std::string_view embedded_file(std::string_view name);

}  // namespace tw
