// Pass 2: crawl and analyse (see scan_passes.h). The driver's thread runs the fetch loop or reads
// the directories; the analysis pool and the store writer run on their own threads meanwhile.
#include <algorithm>
#include <thread>

#include "crawler/directory_source.h"
#include "model/version.h"
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

// What the first-party files cost and gave, in the scan row and its notes; the contents analysed
// in this scan go to the store for the next one.
void record_first_party(ScanState& scan, FirstPartyFiles& files) {
  FirstPartySummary summary = files.summary();
  std::map<std::string, std::string>& settings = scan.info().settings;
  settings["first_party_files_read"] = std::to_string(summary.files_read);
  settings["first_party_contents_analysed"] = std::to_string(summary.contents_analysed);
  settings["first_party_contents_from_store"] = std::to_string(summary.contents_from_store);
  if (summary.files_not_read > 0) {
    settings["first_party_files_not_read"] = std::to_string(summary.files_not_read);
    scan.note(std::to_string(summary.files_not_read) + " first-party files past the first " +
              std::to_string(scan.settings.max_first_party_files) +
              " were not read (--max-first-party-assets)");
  }
  if (summary.files_cut > 0) {
    scan.note(std::to_string(summary.files_cut) + " first-party files were larger than " +
              std::to_string(scan.settings.max_first_party_bytes) +
              " bytes; only their start was read (--max-first-party-bytes)");
  }
  std::vector<std::pair<std::string, AssetScan>> contents = files.take_new_contents();
  if (contents.empty() || !scan.storing() || scan.settings.db_is_temporary) return;
  if (Status stored = scan.store->add_first_party_files(contents, kAnalyserVersion); !stored) {
    scan.note("first-party files were not stored for the next scan: " + stored.error());
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
                    scan.stop.flag(), scan.first_party ? &*scan.first_party : nullptr);
  pool.start(threads, pages, results);
  StoreWriter writer(scan);
  writer.start(results);

  read_directories(scan, pages);
  if (crawler) run_crawler(scan, *crawler, pages);

  pages.close();
  pool.join();
  results.close();
  writer.join();
  if (scan.first_party) record_first_party(scan, *scan.first_party);
  scan.stop.attach(nullptr);
  scan.outcome.interrupted = scan.stop.interrupted();
}

}  // namespace tw
