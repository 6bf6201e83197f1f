// Scan history in SQLite: every scan, its pages, tags, vendors and findings. WAL mode, a busy
// timeout, versioned schema with forward migrations applied on open (in one transaction, so a
// database is never left half-migrated). One ScanStore per thread; SQLite handles the locking
// between processes, so two scans may write to one file at once.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "model/analysis.h"
#include "model/result.h"

namespace tw {

struct ScanListEntry {
  ScanInfo info;
  int pages = 0;
  int vendors = 0;
  std::map<std::string, int> findings_by_severity;
};

class ScanStore {
 public:
  ~ScanStore();
  ScanStore(ScanStore&&) noexcept;
  ScanStore& operator=(ScanStore&&) noexcept;

  // Opens or creates the database and migrates it. Errors say what is wrong with the file (not
  // SQLite, newer schema, read-only, disk full).
  static Result<ScanStore> open(const std::string& path);

  // Records a new scan as running; returns its id.
  Result<std::int64_t> begin_scan(const ScanInfo& info);
  // Stores a batch of analysed pages (with their tags and findings) in one transaction.
  Status add_pages(std::int64_t scan_id, std::span<const PageAnalysis> pages);
  // Marks the scan finished with its status, site-level findings and vendor inventory.
  Status finish_scan(std::int64_t scan_id, const ScanInfo& info,
                     const std::vector<Finding>& site_findings,
                     const std::vector<VendorSummary>& vendors);

  // The whole stored scan, ready for any report. `latest` picks the newest scan.
  Result<ScanReport> load_scan(std::int64_t scan_id);
  Result<std::int64_t> latest_scan_id(const std::string& target = {});
  Result<std::vector<ScanListEntry>> list_scans(const std::string& target_filter = {});

  // For incremental re-scans: the last stored analysis of `url` for `target`, if any.
  struct PreviousPage {
    std::string etag;
    std::string last_modified;
    std::string content_hash;
  };
  std::optional<PreviousPage> previous_page(const std::string& url);

 private:
  struct Impl;
  explicit ScanStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tw
