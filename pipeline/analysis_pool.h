// The analysis pool: worker threads that take fetched pages, analyse them (or reuse the stored
// analysis of an unchanged page), report each page's links back to the crawler and pass the
// analysis on to the store writer. Threads: start() and join() on the driver's thread; the
// queues, the lookup and the crawler are thread-safe, the context is read-only.
#pragma once

#include <atomic>
#include <thread>
#include <vector>

#include "analyzers/page_analyzer.h"
#include "crawler/crawler.h"
#include "pipeline/first_party_files.h"
#include "pipeline/incremental_lookup.h"
#include "pipeline/work_queue.h"

namespace tw {

// Whether the policy names the page at `url` a payment page (its scripts are never reused from an
// earlier scan, nor its fetch made conditional).
bool is_payment_url(const AnalysisContext& context, const std::string& url);

class AnalysisPool {
 public:
  // Borrows everything; `incremental` and `crawler` may be null (no reuse; directory mode). Once
  // `*stop` is true, queued pages are dropped unanalysed: one parse can take a good part of a
  // second, and an interrupt must not wait for every page in the queue.
  // `first_party` (may be null) adds the tags of the site's own files each page includes.
  AnalysisPool(const AnalysisContext& context, IncrementalLookup* incremental, Crawler* crawler,
               const std::atomic<bool>* stop, FirstPartyFiles* first_party = nullptr)
      : context_(context),
        incremental_(incremental),
        crawler_(crawler),
        stop_(stop),
        first_party_(first_party) {}
  ~AnalysisPool() { join(); }
  AnalysisPool(const AnalysisPool&) = delete;
  AnalysisPool& operator=(const AnalysisPool&) = delete;

  // Starts `threads` workers that pop `pages` until it is closed and drained.
  void start(unsigned threads, WorkQueue<Page>& pages, WorkQueue<PageAnalysis>& results);
  void join();

  // One page's analysis, as the workers make it (any thread).
  PageAnalysis analyse(Page page) const;

 private:
  const AnalysisContext& context_;
  IncrementalLookup* incremental_;
  Crawler* crawler_;
  const std::atomic<bool>* stop_;
  FirstPartyFiles* first_party_;
  std::vector<std::thread> workers_;
};

}  // namespace tw
