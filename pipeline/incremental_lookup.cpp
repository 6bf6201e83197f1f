#include "pipeline/incremental_lookup.h"

#include <algorithm>

#include "model/resource_facts.h"

namespace tw {
namespace {

// What the third-party stage adds to a page (tags found inside vendors' scripts, facts about the
// fetched resources, the findings made from them): findings made with them are not what this
// scan's page rules would make.
bool carries_third_party_stage(const PageAnalysis& analysis) {
  return std::any_of(analysis.tags.begin(), analysis.tags.end(), [](const Tag& tag) {
    return tag.initiator == Initiator::tag_manager ||
           tag.initiator == Initiator::third_party_script ||
           ResourceFacts::read_from(tag).has_value();
  });
}

// Baseline states belong to the scan that compared with a baseline, not to the content: the list
// is stored again without them.
void clear_baseline_states(PageAnalysis& analysis) {
  bool had_states = false;
  for (Finding& finding : analysis.findings) {
    had_states = had_states || !finding.baseline_state.empty();
    finding.baseline_state.clear();
  }
  if (had_states) analysis.stored_rows->finding_set_id.reset();
}

}  // namespace

std::pair<std::string, std::string> IncrementalLookup::validators(const std::string& url) {
  std::lock_guard lock(mutex_);
  std::optional<ScanStore::PreviousPage> previous = store_.previous_page(url);
  looked_up_[url] = previous;
  // An analysis another build made is not reused: the body is fetched whole, to analyse again.
  if (!previous || previous->analyser_version != current_.analyser_version) return {};
  return {previous->etag, previous->last_modified};
}

// Only asked of a page this analyser version analysed (unchanged() refuses the others).
bool IncrementalLookup::findings_reusable(const ScanStore::PreviousPage& previous) const {
  return reuse_findings_ && !current_.catalogue_digest.empty() &&
         previous.policy_digest == current_.policy_digest &&
         previous.catalogue_digest == current_.catalogue_digest;
}

std::optional<ReusedPage> IncrementalLookup::unchanged(const Page& page) {
  bool not_modified = page.status == 304;
  if (!not_modified && page.content_hash.empty()) return std::nullopt;
  std::optional<ScanStore::PreviousPage> previous;
  ReusedPage reused;
  {
    std::lock_guard lock(mutex_);
    if (auto known = looked_up_.find(page.requested_url); known != looked_up_.end()) {
      previous = std::move(known->second);
      looked_up_.erase(known);
    } else {
      previous = store_.previous_page(page.requested_url);
    }
    if (!previous || (!not_modified && previous->content_hash != page.content_hash) ||
        previous->analyser_version != current_.analyser_version) {
      return std::nullopt;
    }
    reused.findings_reused = findings_reusable(*previous);
    std::optional<PageAnalysis> stored = store_.stored_analysis(*previous, reused.findings_reused);
    if (!stored) return std::nullopt;
    reused.analysis = std::move(*stored);
  }
  PageAnalysis& analysis = reused.analysis;
  if (!reused.findings_reused || carries_third_party_stage(analysis)) {
    reused.findings_reused = false;
    analysis.findings.clear();
    analysis.stored_rows->finding_set_id.reset();
  } else {
    clear_baseline_states(analysis);
  }
  return reused;
}

}  // namespace tw
