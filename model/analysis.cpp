#include "model/analysis.h"

namespace tw {

std::string_view to_string(ScanStatus status) {
  switch (status) {
    case ScanStatus::running:
      return "running";
    case ScanStatus::complete:
      return "complete";
    case ScanStatus::partial:
      return "partial";
    case ScanStatus::failed:
      return "failed";
  }
  return "failed";
}

std::vector<const Finding*> ScanReport::all_findings() const {
  std::vector<const Finding*> out;
  for (const PageAnalysis& page : pages) {
    for (const Finding& f : page.findings) out.push_back(&f);
  }
  for (const Finding& f : site_findings) out.push_back(&f);
  return out;
}

bool drop_browser_results(PageAnalysis& page) {
  bool dropped = !page.browser.empty();
  page.browser.clear();
  dropped |= std::erase_if(page.tags,
                           [](const Tag& tag) { return tag.initiator == Initiator::runtime; }) > 0;
  for (Tag& tag : page.tags) {
    dropped |= tag.seen_by_browser;
    tag.seen_by_browser = false;
    std::erase_if(tag.attributes,
                  [](const auto& attribute) { return attribute.first.starts_with("browser-"); });
  }
  return dropped;
}

void StreamedTotals::add(const PageAnalysis& page) {
  if (page.page.error == PageError::none) {
    ++pages_analysed;
  } else {
    ++pages_failed;
  }
  tags += static_cast<int>(page.tags.size()) + page.unread_tags;
  for (const Finding& finding : page.findings) {
    ++findings;
    issues.add(finding, page.page.depth);
    if (!finding.baseline_state.empty()) ++baseline_marked;
    if (finding.suppressed) {
      ++suppressed;
    } else {
      ++by_rule_severity[{finding.rule, finding.severity}];
    }
  }
}

void ScanReport::for_each_page(const PageStream::Visit& visit, PageParts parts) const {
  for (const PageAnalysis& page : pages) {
    if (!visit(page)) return;
  }
  if (!page_stream) return;
  if (Status walked = page_stream->walk(visit, parts); !walked && walk_error.empty()) {
    walk_error = walked.error();
  }
}

void ScanReport::for_each_finding(const std::function<bool(const Finding&)>& visit) const {
  bool going = true;
  for_each_page(
      [&](const PageAnalysis& page) {
        for (const Finding& finding : page.findings) {
          if (!(going = visit(finding))) break;
        }
        return going;
      },
      PageParts::findings);
  for (const Finding& finding : site_findings) {
    if (!going || !(going = visit(finding))) return;
  }
}

}  // namespace tw
