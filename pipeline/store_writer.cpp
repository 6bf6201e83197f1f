#include "pipeline/store_writer.h"

#include <pthread.h>

#include <chrono>

namespace tw {
namespace {

constexpr auto kStoreFlushInterval = std::chrono::milliseconds(500);

}  // namespace

void StoreWriter::start(WorkQueue<PageAnalysis>& results) {
  thread_ = std::thread([this, &results] {
    pthread_setname_np(pthread_self(), "tw-store");
    auto next_flush = std::chrono::steady_clock::now() + kStoreFlushInterval;
    while (!results.closed_and_empty()) {
      if (std::optional<PageAnalysis> analysis = results.pop_until(next_flush)) {
        take(std::move(*analysis));
      }
      if (batch_.size() >= kStoreBatch || std::chrono::steady_clock::now() >= next_flush) {
        flush();
        next_flush = std::chrono::steady_clock::now() + kStoreFlushInterval;
      }
    }
    flush();
  });
}

void StoreWriter::join() {
  if (thread_.joinable()) thread_.join();
}

void StoreWriter::take(PageAnalysis analysis) {
  ScanOutcome& outcome = scan_.outcome;
  if (analysis.page.error == PageError::none) {
    ++outcome.pages_analysed;
    if (analysis.reused) ++outcome.pages_reused;
  } else {
    ++outcome.pages_failed;
    ++scan_.info().error_counts[std::string(to_string(analysis.page.error))];
    if (scan_.first_page_error.empty()) {
      scan_.first_page_error = analysis.page.final_url + ": " + analysis.page.error_detail;
    }
  }
  scan_.facts.add_page(analysis);
  if (analysis.payment_page) add_payment_page(scan_, analysis);
  if (scan_.third_party) scan_.third_party->plan(analysis);
  batch_.push_back(std::move(analysis));
}

void StoreWriter::flush() {
  if (batch_.empty()) return;
  if (scan_.storing()) {
    Status stored = scan_.store->add_pages(scan_.info().id, batch_);
    if (!stored) {
      scan_.store_error = stored.error();
      scan_.stop.request();
    }
  }
  ScanReport& report = scan_.outcome.report;
  if (scan_.settings.keep_pages) {
    for (PageAnalysis& page : batch_) {
      keep_page(report, report.pages.emplace_back(), std::move(page), scan_.settings.keep_tags);
    }
  } else {
    for (const PageAnalysis& page : batch_) report.streamed->add(page);
  }
  batch_.clear();
}

void keep_page(ScanReport& report, PageAnalysis& slot, PageAnalysis page, bool keep_tags) {
  page.links = {};
  if (!keep_tags) {
    report.tags_not_kept += static_cast<int>(page.tags.size());
    page.tags = {};
  }
  slot = std::move(page);
}

}  // namespace tw
