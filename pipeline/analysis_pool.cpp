#include "pipeline/analysis_pool.h"

#include <pthread.h>

#include "model/url.h"
#include "policy/policy_model.h"
#include "rules/rule_engine.h"

namespace tw {
namespace {

// A page that failed to fetch is not parsed; it still travels the pipeline to be stored and
// counted.
PageAnalysis failed_page(Page page) {
  PageAnalysis analysis;
  page.body = std::string();  // frees the buffer; clear() would keep its capacity
  analysis.page = std::move(page);
  return analysis;
}

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
  drop_browser_results(previous);  // this scan's browser pass, if any, renders the page anew
  run_page_rules(previous, context.rules);
  return previous;
}

}  // namespace

bool is_payment_url(const AnalysisContext& context, const std::string& url) {
  const SanctionedStack* policy = context.rules.policy;
  return policy != nullptr && is_payment_page(*policy, url_path_without_query(url));
}

PageAnalysis AnalysisPool::analyse(Page page) const {
  if (page.error != PageError::none) return failed_page(std::move(page));
  // A payment page's scripts are hashed afresh every scan (PCI DSS 11.6.1), never reused.
  if (incremental_ && !is_payment_url(context_, page.requested_url)) {
    if (std::optional<PageAnalysis> previous = incremental_->unchanged(page)) {
      return reuse_analysis(std::move(*previous), std::move(page), context_);
    }
  }
  if (page.status == 304) {
    page.error = PageError::other;
    page.error_detail = "304 Not Modified, but no stored analysis to reuse";
    return failed_page(std::move(page));
  }
  PageAnalysis analysis = analyze_page(std::move(page), context_);
  // The scan runs the page rules, not the analyser (replaces any findings analyze_page made).
  run_page_rules(analysis, context_.rules);
  return analysis;
}

void AnalysisPool::start(unsigned threads, WorkQueue<Page>& pages,
                         WorkQueue<PageAnalysis>& results) {
  for (unsigned i = 0; i < threads; ++i) {
    workers_.emplace_back([this, &pages, &results] {
      pthread_setname_np(pthread_self(), "tw-analyze");
      while (std::optional<Page> page = pages.pop()) {
        if (stop_->load()) continue;  // drained unparsed; the scan reads as partial
        std::string url = page->requested_url;
        int depth = page->depth;
        PageAnalysis analysis = analyse(std::move(*page));
        // Links are stored too: an unchanged page's links keep the next re-scan crawling.
        if (crawler_) crawler_->report_links(url, depth, analysis.links);
        results.push(std::move(analysis));
      }
    });
  }
}

void AnalysisPool::join() {
  for (std::thread& worker : workers_) {
    if (worker.joinable()) worker.join();
  }
  workers_.clear();
}

}  // namespace tw
