#include "cli/stored_scans.h"

#include <algorithm>
#include <filesystem>

#include "store/baseline.h"

namespace tw::cli {

Result<ScanStore> open_existing_store(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return Error{path + ": no scan database here (run 'tagwarden scan' first, or pass --db)"};
  }
  return ScanStore::open(path);
}

bool names_stored_scan(const std::string& spec) {
  if (spec == "latest") return true;
  return !spec.empty() && spec.size() < 19 &&
         std::all_of(spec.begin(), spec.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Result<ScanReport> load_named_scan(const std::string& spec, const std::string& db_path,
                                   std::optional<ScanStore>& store) {
  if (!names_stored_scan(spec)) return read_json_report(spec);
  if (!store) {
    Result<ScanStore> opened = open_existing_store(db_path);
    if (!opened) return Error{opened.error()};
    store.emplace(std::move(opened).value());
  }
  std::int64_t id = 0;
  if (spec == "latest") {
    Result<std::int64_t> latest = store->latest_scan_id();
    if (!latest) return Error{latest.error()};
    id = *latest;
  } else {
    id = std::stoll(spec);
  }
  return store->load_scan(id);
}

}  // namespace tw::cli
