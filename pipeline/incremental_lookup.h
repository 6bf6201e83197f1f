// Incremental re-scans: a second connection to the store, shared by the fetch loop (validators
// for conditional requests) and the analysis workers (the stored analysis of an unchanged page).
// Thread-safe: every call takes the lookup's mutex.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

#include "model/analysis.h"
#include "store/scan_store.h"

namespace tw {

class IncrementalLookup {
 public:
  explicit IncrementalLookup(ScanStore store) : store_(std::move(store)) {}

  // Called by the fetch loop before each request; the answer is kept for unchanged().
  std::pair<std::string, std::string> validators(const std::string& url);

  // The stored analysis when the server said 304 or the body hashes as before; nullopt when the
  // page must be analysed afresh.
  std::optional<PageAnalysis> unchanged(const Page& page);

 private:
  std::mutex mutex_;
  ScanStore store_;
  // previous_page answers for URLs requested but not yet analysed (one query per page, not two)
  std::unordered_map<std::string, std::optional<ScanStore::PreviousPage>> looked_up_;
};

}  // namespace tw
