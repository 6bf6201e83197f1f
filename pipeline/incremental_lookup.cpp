#include "pipeline/incremental_lookup.h"

namespace tw {

std::pair<std::string, std::string> IncrementalLookup::validators(const std::string& url) {
  std::lock_guard lock(mutex_);
  std::optional<ScanStore::PreviousPage> previous = store_.previous_page(url);
  looked_up_[url] = previous;
  if (!previous) return {};
  return {previous->etag, previous->last_modified};
}

std::optional<PageAnalysis> IncrementalLookup::unchanged(const Page& page) {
  bool not_modified = page.status == 304;
  if (!not_modified && page.content_hash.empty()) return std::nullopt;
  std::lock_guard lock(mutex_);
  std::optional<ScanStore::PreviousPage> previous;
  if (auto known = looked_up_.find(page.requested_url); known != looked_up_.end()) {
    previous = std::move(known->second);
    looked_up_.erase(known);
  } else {
    previous = store_.previous_page(page.requested_url);
  }
  if (!previous || (!not_modified && previous->content_hash != page.content_hash)) {
    return std::nullopt;
  }
  return store_.previous_analysis(page.requested_url);
}

}  // namespace tw
