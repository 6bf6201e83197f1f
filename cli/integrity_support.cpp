#include "cli/integrity_support.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "cli/stored_scans.h"
#include "model/text.h"

namespace tw::cli {

Result<ScanInfo> find_scan_info(ScanStore& store, std::int64_t id) {
  Result<std::vector<ScanListEntry>> scans = store.list_scans();
  if (!scans) return Error{scans.error()};
  for (const ScanListEntry& entry : *scans) {
    if (entry.info.id == id) return entry.info;
  }
  return Error{"no scan " + std::to_string(id) + " is stored"};
}

Result<InventoryReport> load_inventory(const std::string& spec, ScanStore& store) {
  if (spec != "latest" && !names_stored_scan(spec)) {
    return Error{"--scan takes a stored scan id or 'latest', not '" + spec + "'"};
  }
  Result<std::int64_t> id = spec == "latest" ? store.latest_scan_id() : std::stoll(spec);
  if (!id) return Error{id.error()};
  Result<ScanInfo> info = find_scan_info(store, *id);
  if (!info) return Error{info.error()};
  Result<std::vector<PaymentPage>> pages = store.payment_pages(*id);
  if (!pages) return Error{pages.error()};
  return InventoryReport{std::move(info).value(), std::move(pages).value()};
}

std::vector<std::string> split_list(std::string_view comma_list) {
  std::vector<std::string> names;
  for (;;) {
    std::size_t comma = comma_list.find(',');
    std::string name(trim(comma_list.substr(0, comma), " \t"));
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    if (comma == std::string_view::npos) return names;
    comma_list.remove_prefix(comma + 1);
  }
}

Result<std::string> write_document(const std::string& dir, const std::string& name,
                                   const std::function<void(std::ostream&)>& write) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::string path = (std::filesystem::path(dir) / name).string();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Error{path + ": cannot write (" + std::strerror(errno) + ")"};
  write(out);
  out.flush();
  if (!out) return Error{path + ": error while writing"};
  return path;
}

}  // namespace tw::cli
