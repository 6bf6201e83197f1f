// Incremental re-scans: a second connection to the store, shared by the fetch loop (validators
// for conditional requests) and the analysis workers (the stored analysis of an unchanged page,
// and its stored findings when they were computed under the current scan's analyser, policy and
// catalogue). Thread-safe: every call takes the lookup's mutex.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

#include "model/analysis.h"
#include "store/scan_store.h"

namespace tw {

// What a page's findings are computed under: stored findings are reused only when all of it is
// the same as when they were stored.
struct FindingsKey {
  std::string analyser_version;
  std::string policy_digest;
  std::string catalogue_digest;
};

// An unchanged page's stored analysis. With `findings_reused` its findings are the stored ones and
// no page rule needs to run; else they are empty and the page rules run again.
struct ReusedPage {
  PageAnalysis analysis;
  bool findings_reused = false;
};

class IncrementalLookup {
 public:
  // `current`: what this scan computes findings under. Stored findings are reused only with
  // `reuse_findings` (false when the scan changes a page's findings later, as the third-party
  // stage does).
  IncrementalLookup(ScanStore store, FindingsKey current, bool reuse_findings)
      : store_(std::move(store)), current_(std::move(current)), reuse_findings_(reuse_findings) {}

  // Called by the fetch loop before each request; the answer is kept for unchanged(). None for a
  // page whose stored analysis another analyser version made: its body is needed whole.
  std::pair<std::string, std::string> validators(const std::string& url);

  // The stored analysis when the server said 304 or the body hashes as before, and this analyser
  // version made it; nullopt when the page must be analysed afresh. Its stored findings are kept
  // only when they were made under the same key.
  std::optional<ReusedPage> unchanged(const Page& page);

 private:
  bool findings_reusable(const ScanStore::PreviousPage& previous) const;

  std::mutex mutex_;
  ScanStore store_;
  FindingsKey current_;
  bool reuse_findings_;
  // previous_page answers for URLs requested but not yet analysed (one query per page, not two)
  std::unordered_map<std::string, std::optional<ScanStore::PreviousPage>> looked_up_;
};

}  // namespace tw
