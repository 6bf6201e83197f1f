// The store writer: one thread that takes analysed pages as the workers finish them, counts them,
// gathers the site facts, lets the third-party stage plan its fetches, and every batch (or half
// second) stores them, so SQLite is only ever touched from this thread. Then it keeps the pages
// for the file reports, or only their totals when the scan streams.
//
// Threads: construct, start() and join() on the driver's thread. Between start() and join() the
// writer owns the scan's outcome (counts, kept pages, totals), its site facts and store error;
// the driver reads them only after join().
#pragma once

#include <string>
#include <thread>
#include <vector>

#include "model/analysis.h"
#include "pipeline/scan_passes.h"
#include "pipeline/work_queue.h"

namespace tw {

// Pages per store transaction, when writing and when reading the pages back.
inline constexpr std::size_t kStoreBatch = 64;

class StoreWriter {
 public:
  explicit StoreWriter(ScanState& scan) : scan_(scan) {}
  ~StoreWriter() { join(); }
  StoreWriter(const StoreWriter&) = delete;
  StoreWriter& operator=(const StoreWriter&) = delete;

  // Starts the thread; it pops `results` until the queue is closed and drained.
  void start(WorkQueue<PageAnalysis>& results);
  void join();  // after the last flush

 private:
  void take(PageAnalysis analysis);  // counts it and adds it to the batch
  void flush();                      // stores the batch, then keeps or totals its pages

  ScanState& scan_;
  std::vector<PageAnalysis> batch_;
  std::thread thread_;
};

// Puts `page` into `slot` for the file reports: without its links (stored, not reported), and
// without its tags when no report lists them (only counted in report.tags_not_kept).
void keep_page(ScanReport& report, PageAnalysis& slot, PageAnalysis page, bool keep_tags);

}  // namespace tw
