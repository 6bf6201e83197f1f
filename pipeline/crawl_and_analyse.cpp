// Pass 2: crawl and analyse (see scan_passes.h). The driver's thread runs the fetch loop or reads
// the directories; the analysis pool and the store writer run on their own threads meanwhile.
#include <algorithm>
#include <thread>

#include "crawler/directory_source.h"
#include "pipeline/analysis_pool.h"
#include "pipeline/scan_passes.h"
#include "pipeline/store_writer.h"

namespace tw {
namespace {

void read_directories(ScanState& scan, WorkQueue<Page>& pages) {
  for (const std::string& directory : scan.targets.directories) {
    if (scan.stop.requested()) break;
    DirectoryOptions options;
    options.root = directory;
    options.base_url = scan.settings.base_url;
    options.max_pages = scan.crawl.max_pages;
    options.max_page_bytes = scan.crawl.max_page_bytes;
    Result<DirectoryRead> read = read_directory_site(options, [&](Page&& page) {
      if (!scan.stop.requested()) pages.push(std::move(page));
    });
    if (!read) {
      scan.missing_directories.push_back(read.error());
      scan.note(read.error());
      continue;
    }
    for (const std::string& note : read->notes) scan.note(note);
  }
}

void run_crawler(ScanState& scan, Crawler& crawler, WorkQueue<Page>& pages) {
  if (scan.stop.requested()) return;
  CrawlSummary summary = crawler.run([&pages](Page&& page) { pages.push(std::move(page)); });
  scan.info().settings["queued_left"] = std::to_string(summary.queued_left);
  for (const std::string& note : summary.notes) scan.note(note);
  if (summary.queued_left > 0) {
    scan.note(std::to_string(summary.queued_left) +
              " URLs were left unvisited by --max-pages / --max-depth");
  }
}

}  // namespace

void crawl_and_analyse(ScanState& scan) {
  unsigned threads = scan.settings.threads > 0 ? static_cast<unsigned>(scan.settings.threads)
                                               : std::max(1u, std::thread::hardware_concurrency());
  // Never blocks the fetch loop: the crawler keeps at most max_pending_analysis pages out.
  WorkQueue<Page> pages(static_cast<std::size_t>(std::max(scan.crawl.max_pending_analysis, 1)) +
                        2 * threads);
  WorkQueue<PageAnalysis> results(4 * threads + 16);

  std::optional<Crawler> crawler;
  if (!scan.crawl.start_urls.empty()) crawler.emplace(scan.crawl);
  Crawler* crawling = crawler ? &*crawler : nullptr;
  scan.stop.attach(crawling);
  AnalysisPool pool(scan.context, scan.incremental ? &*scan.incremental : nullptr, crawling,
                    scan.stop.flag());
  pool.start(threads, pages, results);
  StoreWriter writer(scan);
  writer.start(results);

  read_directories(scan, pages);
  if (crawler) run_crawler(scan, *crawler, pages);

  pages.close();
  pool.join();
  results.close();
  writer.join();
  scan.stop.attach(nullptr);
  scan.outcome.interrupted = scan.stop.interrupted();
}

}  // namespace tw
