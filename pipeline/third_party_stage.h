// The third-party stage (--fetch-third-party): after the crawl, fetch every distinct third-party
// resource of the scan once, record what it is (status, bytes, compression, caching, timing,
// cookies, integrity, library and version), open tag-manager containers (GTM, Adobe Launch,
// Tealium) into the tags they configure, note the fourth parties scripts reference, and run the
// resource rules (TW203, TW301, TW304, TW308, TW403-405) on the pages that carry them. The site's
// own hosts other than the pages' are asked for their CNAME chains: one that leads to a tracker
// turns the pages' references to it into that tracker's tags, marked cloaked (rule TW206).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "analyzers/page_analyzer.h"
#include "crawler/resource_fetcher.h"
#include "model/analysis.h"
#include "model/result.h"

namespace tw {

struct ThirdPartySummary {
  int resources_requested = 0;  // distinct URLs asked for (including resolve-only checks)
  int resources_fetched = 0;    // transfers made
  int resources_failed = 0;     // no usable answer (dns, connect, timeout, too large...)
  int containers_opened = 0;    // tag-manager containers parsed
  int tags_added = 0;           // tag-manager and fourth-party tags appended to pages
  int findings_added = 0;
  int references_not_fetched = 0;       // tag references to URLs past max_resources distinct ones
  bool stopped = false;                 // the stop flag was raised part-way
  int hosts_missing = 0;                // hosts DNS proved missing (NXDOMAIN)
  int site_hosts_checked = 0;           // the site's own hosts whose CNAME chain DNS was asked for
  int site_hosts_cloaked = 0;           // of those, aliases of a tracker
  int site_references_not_checked = 0;  // references to site hosts past the scan's bound
  // Why the third-party checks were skipped (DNS answered for no host at all), else empty.
  std::string skipped;
};

// The pages the stage reads and augments. It walks them up to twice (plan the scripts the
// containers load, augment), so they may be held in memory or read back from the store in batches,
// which keeps a large scan from being held whole.
class PageSet {
 public:
  virtual ~PageSet() = default;
  // Calls `visit` on every page, in the same order each time. A page for which `visit` returns
  // true changed and is kept (written back). A failure to read or write stops the walk.
  virtual Status for_each(const std::function<bool(PageAnalysis&)>& visit) = 0;
};

// The pages of a report, in memory: changed in place, nothing to write back.
class PagesInMemory final : public PageSet {
 public:
  explicit PagesInMemory(std::vector<PageAnalysis>& pages) : pages_(pages) {}
  Status for_each(const std::function<bool(PageAnalysis&)>& visit) override;

 private:
  std::vector<PageAnalysis>& pages_;
};

// The stage itself. Made before the crawl: plan() sees each page as the crawl delivers it (the
// URLs the pages name), run() asks DNS about their hosts all at once (options.dns_server, except
// hosts mapped with --resolve; see third_party_hosts.h), fetches from the hosts that resolve and
// walks the pages twice more. A host DNS proved missing is reported once, on the first page that
// names it; when DNS answers for no host at all the checks are skipped and the summary says why.
// run() augments the pages: resource facts on existing tags (attributes "resource-*", see
// model/resource_facts.h), new tags with initiator tag_manager / third_party_script and their
// parent, new findings, and page notes for containers that could not be read. `each_final` sees
// every page once more after its last change (for the site facts and totals), or none when the
// stage changes no page (it learned nothing, and no page carries tags derived in an earlier
// scan): then none is walked. The network I/O runs on the calling thread; hostile responses are
// bounded and recorded, never thrown.
class ThirdPartyStage {
 public:
  ThirdPartyStage(const ResourceFetchOptions& options, const AnalysisContext& context);
  ~ThirdPartyStage();
  ThirdPartyStage(const ThirdPartyStage&) = delete;
  ThirdPartyStage& operator=(const ThirdPartyStage&) = delete;

  void plan(const PageAnalysis& page);  // every page once, before run(); one thread at a time
  Result<ThirdPartySummary> run(PageSet& pages,
                                const std::function<void(const PageAnalysis&)>& each_final = {});

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tw
