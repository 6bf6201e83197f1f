// JSON text written by hand where building a nlohmann::json value per item costs more than the
// storing itself (every tag of every page). The output is always valid JSON and valid UTF-8:
// page-controlled text may hold invalid UTF-8, which becomes U+FFFD.
#pragma once

#include <string>
#include <string_view>

namespace tw {

// Appends `text` as a JSON string literal (quotes included).
void append_json_string(std::string& out, std::string_view text);

}  // namespace tw
