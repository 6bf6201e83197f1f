#include "cli/stored_scans.h"

#include <algorithm>
#include <filesystem>

#include "store/baseline.h"
#include "store/sql.h"

namespace tw::cli {

Result<ScanStore> open_existing_store(const std::string& path) {
  std::error_code ec;
  if (!sql::is_postgres_url(path) && !std::filesystem::exists(path, ec)) {
    return Error{path + ": no scan database here (run 'tagwarden scan' first, or pass --db)"};
  }
  return ScanStore::open(path);
}

bool names_stored_scan(const std::string& spec) {
  if (spec == "latest") return true;
  return !spec.empty() && spec.size() < 19 &&
         std::all_of(spec.begin(), spec.end(), [](char c) { return c >= '0' && c <= '9'; });
}

namespace {

// The id `spec` ("latest" or digits) names in the database at `db_path`, opening it on first need.
Result<std::int64_t> named_scan_id(const std::string& spec, const std::string& db_path,
                                   std::optional<ScanStore>& store) {
  if (!store) {
    Result<ScanStore> opened = open_existing_store(db_path);
    if (!opened) return Error{opened.error()};
    store.emplace(std::move(opened).value());
  }
  if (spec == "latest") return store->latest_scan_id();
  return std::stoll(spec);
}

}  // namespace

Result<ScanReport> load_named_scan(const std::string& spec, const std::string& db_path,
                                   std::optional<ScanStore>& store) {
  if (!names_stored_scan(spec)) return read_json_report(spec);
  Result<std::int64_t> id = named_scan_id(spec, db_path, store);
  if (!id) return Error{id.error()};
  return store->load_scan(*id);
}

Result<ScanReport> stream_named_scan(const std::string& spec, const std::string& db_path,
                                     std::optional<ScanStore>& store) {
  if (!names_stored_scan(spec)) return read_json_report(spec);
  Result<std::int64_t> id = named_scan_id(spec, db_path, store);
  if (!id) return Error{id.error()};
  return store->stream_scan(*id);
}

}  // namespace tw::cli
