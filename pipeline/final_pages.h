// Shared by the passes that re-walk a scan's pages after the crawl (the third-party stage, the
// browser pass): the stored pages read back in batches and written when changed (StoredPages), and
// what a pass's last look at each page rebuilds (FinalPages). Driver thread only.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>

#include "pipeline/scan_passes.h"
#include "pipeline/third_party_stage.h"

namespace tw {

// A scan's stored pages, read back from the store a batch at a time; the pages a walk changed
// are stored again batch by batch.
class StoredPages final : public PageSet {
 public:
  StoredPages(ScanStore& store, std::int64_t scan_id) : store_(store), scan_id_(scan_id) {}
  Status for_each(const std::function<bool(PageAnalysis&)>& visit) override;

 private:
  ScanStore& store_;
  std::int64_t scan_id_;
};

// What a pass's last look at each page rebuilds: the site facts and totals (tags a pass added
// count for the site rules, the inventory and the totals too) and, when the pass walks the store,
// the pages kept for the reports, replaced by their final state. A pass that hands back no page
// leaves the crawl's facts and totals as they stand.
class FinalPages {
 public:
  explicit FinalPages(ScanState& scan) : scan_(scan), report_(scan.outcome.report) {}

  void add(const PageAnalysis& page);
  // The rebuilt totals replace the crawl's once the pass has succeeded.
  void commit_totals();

 private:
  void start_rebuild();

  ScanState& scan_;
  ScanReport& report_;
  std::optional<StreamedTotals> totals_;
  std::unordered_map<std::string, std::size_t> kept_index_;
  bool rebuilding_ = false;
};

}  // namespace tw
