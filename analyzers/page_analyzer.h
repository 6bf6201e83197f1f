// Turns one fetched Page into a PageAnalysis: parse (Gumbo), extract third-party tags and links,
// attribute vendors. Facts only: the scan pipeline runs the page rules on the result
// (run_page_rules). A pure function of the page and the read-only context, safe to call from many
// threads at once.
#pragma once

#include <string>
#include <vector>

#include "model/analysis.h"
#include "rules/rule_engine.h"

namespace tw {

struct AnalysisContext {
  RuleContext rules;
  // Registrable domains that count as first party, besides each page's own site domain.
  std::vector<std::string> first_party_domains;
  // Keep PageAnalysis::site_host_references (the third-party stage checks their CNAMEs).
  bool keep_site_host_references = false;
};

// Consumes the page; the returned analysis holds it with the body dropped.
PageAnalysis analyze_page(Page page, const AnalysisContext& context);

}  // namespace tw
