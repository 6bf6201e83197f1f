// The JSON the store keeps a first-party file's references in (first_party_files.references,
// store/README.md). Internal to store/.
#pragma once

#include <string>

#include "analyzers/first_party_code.h"

namespace tw {

std::string asset_scan_json(const AssetScan& scan);
// Entries that are not what asset_scan_json writes are skipped.
AssetScan asset_scan_from_json(const std::string& text);

}  // namespace tw
