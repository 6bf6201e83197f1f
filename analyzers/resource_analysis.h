// The third-party stage (--fetch-third-party): after the crawl, fetch every distinct third-party
// resource of the scan once, record what it is (status, bytes, compression, caching, timing,
// cookies, integrity, library and version), open tag-manager containers (GTM, Adobe Launch,
// Tealium) into the tags they configure, note the fourth parties scripts reference, and run the
// resource rules (TW203, TW301, TW304, TW308, TW403-405) on the pages that carry them.
#pragma once

#include <cstddef>
#include <vector>

#include "analyzers/page_analyzer.h"
#include "crawler/resource_fetcher.h"
#include "model/analysis.h"

namespace tw {

struct ThirdPartySummary {
  int resources_requested = 0;  // distinct URLs asked for (including resolve-only checks)
  int resources_fetched = 0;    // transfers made
  int resources_failed = 0;     // no usable answer (dns, connect, timeout, too large...)
  int containers_opened = 0;    // tag-manager containers parsed
  int tags_added = 0;           // tag-manager and fourth-party tags appended to pages
  int findings_added = 0;
  bool stopped = false;                    // the stop flag was raised part-way
  std::vector<std::size_t> changed_pages;  // indices into report.pages to store again
};

// Augments `report.pages` in place: resource facts on existing tags (attributes "resource-*",
// see model/resource_facts.h), new tags with initiator tag_manager / third_party_script and their
// parent, new findings, and page notes for containers that could not be read. The caller
// refreshes the site facts and vendor inventory from the changed pages. Runs the network I/O on
// the calling thread; hostile responses are bounded and recorded, never thrown.
ThirdPartySummary analyze_third_party_resources(ScanReport& report,
                                                const ResourceFetchOptions& options,
                                                const AnalysisContext& context);

}  // namespace tw
