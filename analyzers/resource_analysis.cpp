// TEMPORARY stub so the pipeline can wire the stage; the real stage lands next.
#include "analyzers/resource_analysis.h"

namespace tw {

ThirdPartySummary analyze_third_party_resources(ScanReport&, const ResourceFetchOptions&,
                                                const AnalysisContext&) {
  return {};
}

}  // namespace tw
