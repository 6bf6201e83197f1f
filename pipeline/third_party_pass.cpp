// Pass 3: the third-party stage over the crawled pages (see scan_passes.h and
// third_party_stage.h).
#include <unordered_map>

#include "pipeline/scan_passes.h"
#include "pipeline/store_writer.h"

namespace tw {
namespace {

// The third-party stage's pages, read back from the store a batch at a time; the pages a walk
// changed are stored again batch by batch.
class StoredPages final : public PageSet {
 public:
  StoredPages(ScanStore& store, std::int64_t scan_id) : store_(store), scan_id_(scan_id) {}

  Status for_each(const std::function<bool(PageAnalysis&)>& visit) override {
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

 private:
  ScanStore& store_;
  std::int64_t scan_id_;
};

// What the stage's last look at each page rebuilds: the site facts and totals (tags found inside
// containers count for the site rules, the inventory and the totals too) and, when the stage
// walks the store, the pages kept for the reports, replaced by their final state. A stage that
// changes no page hands back none: the crawl's facts and totals stand.
class FinalPages {
 public:
  explicit FinalPages(ScanState& scan) : scan_(scan), report_(scan.outcome.report) {}

  void add(const PageAnalysis& page) {
    if (!rebuilding_) start_rebuild();
    scan_.facts.add_page(page);
    add_fourth_party_scripts(scan_, page);
    if (totals_) totals_->add(page);
    if (kept_index_.empty()) return;
    auto kept = kept_index_.find(stored_page_key(page.page));
    if (kept == kept_index_.end()) return;
    keep_page(report_, report_.pages[kept->second], PageAnalysis(page), scan_.settings.keep_tags);
  }

  // The rebuilt totals replace the crawl's once the stage has succeeded.
  void commit_totals() {
    if (totals_) report_.streamed = std::move(totals_);
  }

 private:
  // At the first page handed back the crawl's facts are dropped, so two copies never coexist (if
  // the stage fails the scan is partial anyway).
  void start_rebuild() {
    rebuilding_ = true;
    scan_.facts = SiteFacts();
    if (report_.streamed) totals_.emplace();
    if (!scan_.storing()) return;
    for (std::size_t i = 0; i < report_.pages.size(); ++i) {
      kept_index_.emplace(stored_page_key(report_.pages[i].page), i);
    }
    report_.tags_not_kept = 0;
  }

  ScanState& scan_;
  ScanReport& report_;
  std::optional<StreamedTotals> totals_;
  std::unordered_map<std::string, std::size_t> kept_index_;
  bool rebuilding_ = false;
};

void record_summary(ScanState& scan, const ThirdPartySummary& summary) {
  ScanInfo& info = scan.info();
  info.settings["third_party_fetched"] = std::to_string(summary.resources_fetched);
  if (int skipped = summary.references_not_fetched; skipped > 0) {
    info.settings["third_party_not_fetched"] = std::to_string(skipped);
    scan.note(std::to_string(skipped) + " references to third-party URLs past the first " +
              std::to_string(scan.settings.max_third_party) +
              " distinct ones were not fetched (--max-third-party)");
  }
  if (!summary.skipped.empty()) {
    info.settings["third_party_skipped"] = summary.skipped;
    scan.note("third-party checks skipped: " + summary.skipped);
  }
}

}  // namespace

void run_third_party_stage(ScanState& scan) {
  const bool walk_store = scan.storing();
  if (!scan.third_party || scan.stop.requested() || scan.outcome.pages_analysed == 0 ||
      !(walk_store || scan.settings.keep_tags)) {
    return;
  }
  // With a store the stage walks the stored pages; without one, the pages kept in memory.
  FinalPages final_pages(scan);
  auto each_final = [&final_pages](const PageAnalysis& page) { final_pages.add(page); };
  Result<ThirdPartySummary> summary = Error{""};
  if (walk_store) {
    StoredPages pages(*scan.store, scan.info().id);
    summary = scan.third_party->run(pages, each_final);
  } else {
    PagesInMemory pages(scan.outcome.report.pages);
    summary = scan.third_party->run(pages, each_final);
  }
  if (summary) {
    record_summary(scan, *summary);
    final_pages.commit_totals();
  } else if (scan.store_error.empty()) {
    scan.store_error = summary.error();
  }
  scan.outcome.interrupted = scan.stop.interrupted();
}

}  // namespace tw
