// The scan pipeline (see scan_pipeline.h). Threads: the calling thread runs the fetch loop or
// reads the directory; `threads` workers analyse pages; one writer gathers site facts and stores
// batches, so SQLite is only ever touched from one thread.
#include "pipeline/scan_pipeline.h"
#include "model/clock.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include <pthread.h>

#include "analyzers/page_analyzer.h"
#include "pipeline/third_party_stage.h"
#include "cli/interrupt_watcher.h"
#include "pipeline/work_queue.h"
#include "crawler/directory_source.h"
#include "model/domain.h"
#include "model/url.h"
#include "model/version.h"
#include "rules/rule_engine.h"
#include "store/baseline.h"
#include "store/scan_store.h"

namespace tw::cli {
namespace {

constexpr std::size_t kStoreBatch = 64;
constexpr auto kStoreFlushInterval = std::chrono::milliseconds(500);

bool has_scheme(const std::string& target) {
  std::size_t colon = target.find("://");
  return colon != std::string::npos && colon > 0;
}

// A page that failed to fetch is not parsed; it still travels the pipeline to be stored and
// counted.
PageAnalysis failed_page(Page page) {
  PageAnalysis analysis;
  page.body = std::string();  // frees the buffer; clear() would keep its capacity
  analysis.page = std::move(page);
  return analysis;
}

// Pages come back from the workers in whatever order they finish; reports list them in a stable
// order so two scans of the same site read alike.
void sort_pages(std::vector<PageAnalysis>& pages) {
  std::sort(pages.begin(), pages.end(), [](const PageAnalysis& a, const PageAnalysis& b) {
    if (a.page.depth != b.page.depth) return a.page.depth < b.page.depth;
    return a.page.final_url < b.page.final_url;
  });
}

// Incremental re-scans: a second connection to the store, shared by the fetch loop (validators
// for conditional requests) and the workers (the stored analysis of an unchanged page).
class IncrementalLookup {
 public:
  explicit IncrementalLookup(ScanStore store) : store_(std::move(store)) {}

  // Called by the fetch loop before each request; the answer is kept for unchanged().
  std::pair<std::string, std::string> validators(const std::string& url) {
    std::lock_guard lock(mutex_);
    std::optional<ScanStore::PreviousPage> previous = store_.previous_page(url);
    looked_up_[url] = previous;
    if (!previous) return {};
    return {previous->etag, previous->last_modified};
  }

  // The stored analysis when the server said 304 or the body hashes as before; nullopt when the
  // page must be analysed afresh.
  std::optional<PageAnalysis> unchanged(const Page& page) {
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

 private:
  std::mutex mutex_;
  ScanStore store_;
  // previous_page answers for URLs requested but not yet analysed (one query per page, not two)
  std::unordered_map<std::string, std::optional<ScanStore::PreviousPage>> looked_up_;
};

// Carries the stored tags, links and facts of an unchanged page over to this scan; the findings
// are evaluated again, against the current policy.
PageAnalysis reuse_analysis(PageAnalysis previous, Page page, const AnalysisContext& context) {
  if (page.status == 304) {
    page.status = previous.page.status;
    page.content_type = previous.page.content_type;
    page.content_hash = previous.page.content_hash;
    page.body_bytes = previous.page.body_bytes;
  }
  page.body = std::string();  // frees the buffer; clear() would keep its capacity
  previous.page = std::move(page);
  previous.findings.clear();
  previous.reused = true;
  run_page_rules(previous, context.rules);
  return previous;
}

// Keeps the counts and the worst few findings of a page that is not kept in memory.
void add_to_totals(StreamedTotals& totals, const PageAnalysis& page) {
  constexpr std::size_t kWorstKept = 10;
  if (page.page.error == PageError::none) {
    ++totals.pages_analysed;
  } else {
    ++totals.pages_failed;
  }
  totals.tags += static_cast<int>(page.tags.size());
  for (const Finding& finding : page.findings) {
    ++totals.findings;
    if (finding.suppressed) {
      ++totals.suppressed;
      continue;
    }
    ++totals.by_rule_severity[{finding.rule, finding.severity}];
    auto worse = [](const Finding& a, const Finding& b) { return a.severity > b.severity; };
    auto at = std::upper_bound(totals.worst.begin(), totals.worst.end(), finding, worse);
    if (static_cast<std::size_t>(at - totals.worst.begin()) < kWorstKept) {
      totals.worst.insert(at, finding);
      if (totals.worst.size() > kWorstKept) totals.worst.pop_back();
    }
  }
}

// Puts `page` into `slot` for the file reports: without its links (stored, not reported), and
// without its tags when no report lists them (only counted).
void keep_page(ScanReport& report, PageAnalysis& slot, PageAnalysis page, bool keep_tags) {
  page.links = {};
  if (!keep_tags) {
    report.tags_not_kept += static_cast<int>(page.tags.size());
    page.tags = {};
  }
  slot = std::move(page);
}

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

struct Targets {
  std::vector<std::string> urls;
  std::vector<std::string> directories;
};

Result<Targets> classify_targets(const std::vector<std::string>& targets) {
  Targets out;
  for (const std::string& target : targets) {
    if (is_http_url(target)) {
      if (!normalize_url(target)) return Error{"target '" + target + "' is not a valid URL"};
      out.urls.push_back(target);
    } else if (has_scheme(target)) {
      return Error{"target '" + target +
                   "' has an unsupported scheme: only http:// and https:// are fetched"};
    } else {
      out.directories.push_back(target);
    }
  }
  if (out.urls.empty() && out.directories.empty()) return Error{"no target given"};
  return out;
}

}  // namespace

Result<ScanOutcome> run_scan_pipeline(const ScanSettings& settings, std::ostream& notes) {
  Result<Targets> targets = classify_targets(settings.targets);
  if (!targets) return Error{targets.error()};

  CrawlOptions crawl = settings.crawl;
  crawl.start_urls = targets->urls;
  if (!crawl.start_urls.empty()) {
    Status valid = Crawler::validate(crawl);
    if (!valid) return Error{valid.error()};
  }

  ScanOutcome outcome;
  ScanInfo& info = outcome.report.scan;
  info.targets = settings.targets;
  info.started = utc_now_iso8601();
  info.tool_version = kToolVersion;
  if (settings.policy) {
    info.policy_path = settings.policy->path;
    info.policy_digest = settings.policy->digest;
  }
  info.settings["concurrency"] = std::to_string(crawl.concurrency);
  info.settings["max_pages"] = std::to_string(crawl.max_pages);
  info.settings["max_depth"] = std::to_string(crawl.max_depth);
  info.settings["scope"] = crawl.scope == CrawlScope::host ? "host" : "domain";
  info.settings["robots"] = crawl.respect_robots ? "respected" : "ignored";
  if (!targets->directories.empty()) info.settings["base_url"] = settings.base_url;

  std::optional<ScanStore> store;
  if (!settings.db_path.empty()) {
    Result<ScanStore> opened = ScanStore::open(settings.db_path);
    if (!opened) return Error{opened.error()};
    store.emplace(std::move(opened).value());
  }
  // Everything that can be wrong with the inputs is found before a scan row exists.
  std::optional<Baseline> baseline;
  if (!settings.baseline.empty()) {
    Result<Baseline> loaded = load_baseline(settings.baseline, store ? &*store : nullptr);
    if (!loaded) return Error{"--baseline: " + loaded.error()};
    baseline.emplace(std::move(loaded).value());
  }
  std::optional<IncrementalLookup> incremental;
  // A database without an earlier scan has nothing to reuse: no lookups at all.
  if (store && settings.incremental && store->has_reusable_pages()) {
    Result<ScanStore> second = ScanStore::open(settings.db_path);
    if (!second) return Error{second.error()};
    incremental.emplace(std::move(second).value());
    crawl.validators = [&incremental](const std::string& url) {
      return incremental->validators(url);
    };
  }
  if (store) {
    Result<std::int64_t> id = store->begin_scan(info);
    if (!id) return Error{id.error()};
    info.id = *id;
  }

  AnalysisContext context;
  context.rules.catalogue = settings.policy ? &settings.policy->catalogue : &Catalogue::builtin();
  context.rules.policy = settings.policy;
  if (!targets->directories.empty()) {
    context.first_party_domains.push_back(registrable_domain(url_host(settings.base_url)));
  }

  unsigned threads = settings.threads > 0 ? static_cast<unsigned>(settings.threads)
                                          : std::max(1u, std::thread::hardware_concurrency());
  // Never blocks the fetch loop: the crawler keeps at most max_pending_analysis pages out.
  WorkQueue<Page> pages(static_cast<std::size_t>(std::max(crawl.max_pending_analysis, 1)) +
                        2 * threads);
  WorkQueue<PageAnalysis> results(4 * threads + 16);

  auto analyze = [&](Page page) {
    if (page.error != PageError::none) return failed_page(std::move(page));
    if (incremental) {
      if (std::optional<PageAnalysis> previous = incremental->unchanged(page)) {
        return reuse_analysis(std::move(*previous), std::move(page), context);
      }
    }
    if (page.status == 304) {
      page.error = PageError::other;
      page.error_detail = "304 Not Modified, but no stored analysis to reuse";
      return failed_page(std::move(page));
    }
    return analyze_page(std::move(page), context);
  };

  std::optional<Crawler> crawler;
  if (!crawl.start_urls.empty()) crawler.emplace(crawl);
  std::atomic<bool> stop_requested{false};
  InterruptWatcher watcher([&] {
    stop_requested = true;
    if (crawler) crawler->request_stop();
  });

  // The third-party stage plans its fetches from each page as it passes to the store, so it
  // need not read every page back for that.
  std::optional<ThirdPartyStage> third_party_stage;
  ResourceFetchOptions resource_options;
  resource_options.limits = crawl;
  resource_options.stop = &stop_requested;
  resource_options.max_resources = settings.max_third_party;
  if (settings.fetch_third_party && (settings.keep_pages || store)) {
    third_party_stage.emplace(resource_options, context);
  }

  std::vector<std::thread> workers;
  for (unsigned i = 0; i < threads; ++i) {
    workers.emplace_back([&] {
      pthread_setname_np(pthread_self(), "tw-analyze");
      while (std::optional<Page> page = pages.pop()) {
        std::string url = page->requested_url;
        int depth = page->depth;
        PageAnalysis analysis = analyze(std::move(*page));
        // Links are stored too: an unchanged page's links keep the next re-scan crawling.
        if (crawler) crawler->report_links(url, depth, analysis.links);
        results.push(std::move(analysis));
      }
    });
  }

  SiteFacts facts;
  std::string store_error;
  if (!settings.keep_pages) outcome.report.streamed.emplace();
  std::thread writer([&] {
    pthread_setname_np(pthread_self(), "tw-store");
    std::vector<PageAnalysis> batch;
    auto flush = [&] {
      if (batch.empty()) return;
      if (store && store_error.empty()) {
        Status stored = store->add_pages(info.id, batch);
        if (!stored) {
          store_error = stored.error();
          stop_requested = true;
          if (crawler) crawler->request_stop();
        }
      }
      if (settings.keep_pages) {
        for (PageAnalysis& page : batch) {
          keep_page(outcome.report, outcome.report.pages.emplace_back(), std::move(page),
                    settings.keep_tags);
        }
      } else {
        for (const PageAnalysis& page : batch) add_to_totals(*outcome.report.streamed, page);
      }
      batch.clear();
    };
    auto next_flush = std::chrono::steady_clock::now() + kStoreFlushInterval;
    while (!results.closed_and_empty()) {
      std::optional<PageAnalysis> analysis = results.pop_until(next_flush);
      if (analysis) {
        if (analysis->page.error == PageError::none) {
          ++outcome.pages_analysed;
          if (analysis->reused) ++outcome.pages_reused;
        } else {
          ++outcome.pages_failed;
          ++info.error_counts[std::string(to_string(analysis->page.error))];
        }
        facts.add_page(*analysis);
        if (third_party_stage) third_party_stage->plan(*analysis);
        batch.push_back(std::move(*analysis));
      }
      if (batch.size() >= kStoreBatch || std::chrono::steady_clock::now() >= next_flush) {
        flush();
        next_flush = std::chrono::steady_clock::now() + kStoreFlushInterval;
      }
    }
    flush();
  });

  std::vector<std::string> missing_directories;
  auto deliver = [&](Page&& page) { pages.push(std::move(page)); };
  for (const std::string& directory : targets->directories) {
    if (stop_requested) break;
    DirectoryOptions options;
    options.root = directory;
    options.base_url = settings.base_url;
    options.max_pages = crawl.max_pages;
    options.max_page_bytes = crawl.max_page_bytes;
    Result<int> read = read_directory_site(options, [&](Page&& page) {
      if (!stop_requested) deliver(std::move(page));
    });
    if (!read) {
      missing_directories.push_back(read.error());
      if (!settings.quiet) notes << "tagwarden: " << read.error() << "\n";
    }
  }
  if (crawler && !stop_requested) {
    CrawlSummary summary = crawler->run(deliver);
    info.settings["queued_left"] = std::to_string(summary.queued_left);
    if (!settings.quiet) {
      for (const std::string& note : summary.notes) notes << "tagwarden: " << note << "\n";
      if (summary.queued_left > 0) {
        notes << "tagwarden: " << summary.queued_left
              << " URLs were left unvisited by --max-pages / --max-depth\n";
      }
    }
  }

  pages.close();
  for (std::thread& worker : workers) worker.join();
  results.close();
  writer.join();
  outcome.interrupted = watcher.interrupted();

  const bool walk_store = store && store_error.empty();
  if (third_party_stage && !stop_requested && outcome.pages_analysed > 0 &&
      (walk_store || settings.keep_tags)) {
    // Tags found inside containers count for the site rules, the inventory and the totals too:
    // both are rebuilt from every page as the stage leaves it (the crawl's are dropped first, so
    // two copies never coexist; if the stage fails the scan is partial anyway).
    facts = SiteFacts();
    std::optional<StreamedTotals> totals;
    if (outcome.report.streamed) totals.emplace();
    // With a store the stage walks the stored pages, and the pages kept for the reports are
    // replaced by their final state (without tags when no report lists them).
    std::unordered_map<std::string, std::size_t> kept_index;
    if (walk_store) {
      for (std::size_t i = 0; i < outcome.report.pages.size(); ++i) {
        kept_index.emplace(stored_page_key(outcome.report.pages[i].page), i);
      }
      outcome.report.tags_not_kept = 0;
    }
    auto each_final = [&](const PageAnalysis& page) {
      facts.add_page(page);
      if (totals) add_to_totals(*totals, page);
      if (!walk_store) return;
      auto kept = kept_index.find(stored_page_key(page.page));
      if (kept == kept_index.end()) return;
      keep_page(outcome.report, outcome.report.pages[kept->second], PageAnalysis(page),
                settings.keep_tags);
    };
    Result<ThirdPartySummary> third_party = Error{""};
    if (walk_store) {
      StoredPages pages(*store, info.id);
      third_party = third_party_stage->run(pages, each_final);
    } else {
      PagesInMemory pages(outcome.report.pages);
      third_party = third_party_stage->run(pages, each_final);
    }
    if (third_party) {
      info.settings["third_party_fetched"] = std::to_string(third_party->resources_fetched);
      if (int skipped = third_party->references_not_fetched; skipped > 0) {
        info.settings["third_party_not_fetched"] = std::to_string(skipped);
        if (!settings.quiet) {
          notes << "tagwarden: " << skipped << " references to third-party URLs past the first "
                << settings.max_third_party
                << " distinct ones were not fetched (--max-third-party)\n";
        }
      }
      if (totals) outcome.report.streamed = std::move(totals);
    } else if (store_error.empty()) {
      store_error = third_party.error();
    }
    outcome.interrupted = watcher.interrupted();
  }

  std::vector<Finding> site_findings = run_site_rules(facts, context.rules);
  outcome.report.vendors = summarize_vendors(facts, context.rules);
  outcome.report.site_findings = std::move(site_findings);
  sort_pages(outcome.report.pages);
  if (baseline) {
    apply_baseline(outcome.report, *baseline, context.rules);
    if (store && store_error.empty()) {
      Status recorded = store->record_baseline_states(info.id, outcome.report.all_findings());
      if (!recorded) store_error = recorded.error();
    }
  }

  if (outcome.pages_analysed == 0) {
    if (!missing_directories.empty()) {
      outcome.could_not_run = missing_directories.front();
    } else if (outcome.pages_failed > 0 && !outcome.interrupted) {
      outcome.could_not_run = "no page could be analysed";
      for (const PageAnalysis& page : outcome.report.pages) {
        if (page.page.error != PageError::none) {
          outcome.could_not_run += ": " + page.page.final_url + ": " + page.page.error_detail;
          break;
        }
      }
    } else if (!outcome.interrupted) {
      outcome.could_not_run = "no HTML page found in the target";
    }
  }
  if (!store_error.empty()) outcome.could_not_run = "storing the scan failed: " + store_error;

  info.finished = utc_now_iso8601();
  info.status = outcome.interrupted || !store_error.empty() ? ScanStatus::partial
                : outcome.could_not_run.empty()             ? ScanStatus::complete
                                                            : ScanStatus::failed;
  if (store && store_error.empty()) {
    Status finished =
        store->finish_scan(info.id, info, outcome.report.site_findings, outcome.report.vendors);
    if (!finished) outcome.could_not_run = "storing the scan failed: " + finished.error();
  } else if (store) {
    (void)store->mark_partial(info.id);  // best effort; the store's error is the one reported
  }
  return outcome;
}

}  // namespace tw::cli
