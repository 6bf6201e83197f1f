// What inventory, approve and evidence share: the payment pages of a stored scan named on the
// command line, and writing one document into the --out directory.
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "model/result.h"
#include "reports/integrity_reports.h"
#include "store/scan_store.h"

namespace tw::cli {

// The scan named by `spec` ("latest" or an id) with its payment pages.
Result<InventoryReport> load_inventory(const std::string& spec, ScanStore& store);

// The stored scan's row (targets, times, status); an error naming the id when there is none.
Result<ScanInfo> find_scan_info(ScanStore& store, std::int64_t id);

// The names of a comma-separated --format list, trimmed, each once, in order.
std::vector<std::string> split_list(std::string_view comma_list);

// Writes `dir`/`name` with `write` (creating `dir`); the error names the file.
Result<std::string> write_document(const std::string& dir, const std::string& name,
                                   const std::function<void(std::ostream&)>& write);

}  // namespace tw::cli
