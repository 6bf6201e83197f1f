// TEMPORARY: lets the CLI link while the store is written; deleted by its owner.
#include "store/scan_store.h"

namespace tw {
struct ScanStore::Impl {};
ScanStore::ScanStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ScanStore::~ScanStore() = default;
ScanStore::ScanStore(ScanStore&&) noexcept = default;
ScanStore& ScanStore::operator=(ScanStore&&) noexcept = default;
Result<ScanStore> ScanStore::open(const std::string&) { return ScanStore(std::make_unique<Impl>()); }
Result<std::int64_t> ScanStore::begin_scan(const ScanInfo&) { return std::int64_t{1}; }
Status ScanStore::add_pages(std::int64_t, std::span<const PageAnalysis>) { return Ok{}; }
Status ScanStore::finish_scan(std::int64_t, const ScanInfo&, const std::vector<Finding>&, const std::vector<VendorSummary>&) { return Ok{}; }
Result<ScanReport> ScanStore::load_scan(std::int64_t) { return Error{"store: not built yet"}; }
Result<std::int64_t> ScanStore::latest_scan_id(const std::string&) { return Error{"store: not built yet"}; }
Result<std::vector<ScanListEntry>> ScanStore::list_scans(const std::string&) { return Error{"store: not built yet"}; }
std::optional<ScanStore::PreviousPage> ScanStore::previous_page(const std::string&) { return std::nullopt; }
}  // namespace tw
