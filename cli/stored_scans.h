// What history, diff and report share: opening an existing scan database (they never create
// one) and naming a scan on the command line ("latest", an id, or a tagwarden JSON report).
#pragma once

#include <optional>
#include <string>

#include "model/analysis.h"
#include "model/result.h"
#include "store/scan_store.h"

namespace tw::cli {

// Opens `path` if it exists; a missing file is an error that says to run a scan first.
Result<ScanStore> open_existing_store(const std::string& path);

// Loads the scan named by `spec`: "latest" (newest scan), a scan id, or the path of a JSON
// report. `store` is opened on first need from `db_path`.
Result<ScanReport> load_named_scan(const std::string& spec, const std::string& db_path,
                                   std::optional<ScanStore>& store);

// As load_named_scan, but a stored scan comes back streamed (ScanStore::stream_scan: its pages
// are read from `store` whenever a report walks them), for writing reports of any size.
Result<ScanReport> stream_named_scan(const std::string& spec, const std::string& db_path,
                                     std::optional<ScanStore>& store);

// Whether `spec` names a stored scan rather than a report file.
bool names_stored_scan(const std::string& spec);

}  // namespace tw::cli
