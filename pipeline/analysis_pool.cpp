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

// Carries the stored tags, links and facts of an unchanged page over to this scan, with its
// stored findings when they were made under this scan's analyser, policy and catalogue; else the
// page rules run again, against the current policy.
PageAnalysis reuse_analysis(ReusedPage reused, Page page, const AnalysisContext& context,
                            FirstPartyFiles* first_party) {
  PageAnalysis& previous = reused.analysis;
  if (page.status == 304) {
    page.status = previous.page.status;
    page.content_type = previous.page.content_type;
    page.content_hash = previous.page.content_hash;
    page.body_bytes = previous.page.body_bytes;
  } else if (std::string_view csp = page.header("content-security-policy");
             csp != previous.csp.header) {
    // Same body, another CSP header: the CSP rules judge it afresh.
    previous.csp.header = std::string(csp);
    reused.findings_reused = false;
  }
  page.body = std::string();  // frees the buffer; clear() would keep its capacity
  previous.page = std::move(page);
  previous.reused = true;
  // This scan's browser pass, if any, renders the page anew: what an earlier pass saw is dropped,
  // and with it the stored rows (they hold that pass's results).
  if (drop_browser_results(previous)) {
    reused.findings_reused = false;
    previous.stored_rows.reset();
  }
  // The page is the same; the site's files it includes may not be. An unchanged file's
  // references come from this scan's or the store's cache, not from reading the file again.
  if (first_party != nullptr && first_party->apply(previous, context)) {
    reused.findings_reused = false;
    previous.stored_rows.reset();
  }
  if (!reused.findings_reused) {
    previous.findings.clear();
    if (previous.stored_rows) previous.stored_rows->finding_set_id.reset();
    run_page_rules(previous, context.rules);
  }
  return std::move(previous);
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
    if (std::optional<ReusedPage> previous = incremental_->unchanged(page)) {
      return reuse_analysis(std::move(*previous), std::move(page), context_, first_party_);
    }
  }
  if (page.status == 304) {
    page.error = PageError::other;
    page.error_detail = "304 Not Modified, but no stored analysis to reuse";
    return failed_page(std::move(page));
  }
  PageAnalysis analysis = analyze_page(std::move(page), context_);
  if (first_party_ != nullptr && !analysis.first_party_assets.empty()) {
    first_party_->apply(analysis, context_);
  }
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
