// Re-walking a scan's pages after the crawl (see final_pages.h).
#include "pipeline/final_pages.h"

#include "pipeline/store_writer.h"

namespace tw {

Status StoredPages::for_each(const std::function<bool(PageAnalysis&)>& visit) {
  return store_.for_each_page_batch(scan_id_, kStoreBatch,
                                    [&](std::vector<PageAnalysis>& pages) -> Status {
                                      std::vector<PageAnalysis> changed;
                                      for (PageAnalysis& page : pages) {
                                        if (visit(page)) changed.push_back(std::move(page));
                                      }
                                      if (changed.empty()) return Ok{};
                                      return store_.add_pages(scan_id_, changed);
                                    });
}

void FinalPages::add(const PageAnalysis& page) {
  if (!rebuilding_) start_rebuild();
  scan_.facts.add_page(page);
  add_fourth_party_scripts(scan_, page);
  if (totals_) totals_->add(page);
  if (kept_index_.empty()) return;
  auto kept = kept_index_.find(stored_page_key(page.page));
  if (kept == kept_index_.end()) return;
  keep_page(report_, report_.pages[kept->second], PageAnalysis(page), scan_.settings.keep_tags);
}

void FinalPages::commit_totals() {
  if (totals_) report_.streamed = std::move(totals_);
}

// At the first page handed back the crawl's facts are dropped, so two copies never coexist (if
// the pass fails the scan is partial anyway).
void FinalPages::start_rebuild() {
  rebuilding_ = true;
  scan_.facts = SiteFacts();
  if (report_.streamed) totals_.emplace();
  if (!scan_.storing()) return;
  for (std::size_t i = 0; i < report_.pages.size(); ++i) {
    kept_index_.emplace(stored_page_key(report_.pages[i].page), i);
  }
  report_.tags_not_kept = 0;
}

}  // namespace tw
