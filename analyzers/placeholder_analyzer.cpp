// TEMPORARY: lets the CLI link while extraction is written; deleted by its owner.
#include "analyzers/page_analyzer.h"

namespace tw {
PageAnalysis analyze_page(Page page, const AnalysisContext&) {
  PageAnalysis a;
  page.body.clear();
  a.page = std::move(page);
  return a;
}
}  // namespace tw
