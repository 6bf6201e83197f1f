// Which URLs belong to a crawl: the scope (the start URLs' hosts or registrable domains) and the
// --include / --exclude regexes. Built once from the options; const methods are thread-safe, so
// analysis workers can filter links before handing them back.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "crawler/crawler.h"
#include "model/bounded_regex.h"
#include "model/result.h"

namespace tw {

// Longer URLs are never crawled (nor matched against the user's patterns).
inline constexpr std::size_t kMaxUrlLength = 4096;

class CrawlScopeFilter {
 public:
  // Fails with a message naming the bad regex or start URL.
  static Result<CrawlScopeFilter> build(const CrawlOptions& options);

  // Same host (scope host) or same registrable domain (scope domain) as a start URL. `url` is
  // absolute and normalised.
  bool in_scope(std::string_view url) const;

  // In scope, at most kMaxUrlLength long, matching an --include (when there are any) and no
  // --exclude. A pattern too costly to match against the URL (PCRE2's match limit) counts as
  // matching for --exclude and not matching for --include: the URL is left out either way.
  bool wanted(std::string_view url) const;

 private:
  CrawlScope scope_ = CrawlScope::domain;
  std::set<std::string, std::less<>> hosts_;  // start hosts, or their registrable domains
  std::vector<BoundedRegex> include_;
  std::vector<BoundedRegex> exclude_;
};

}  // namespace tw
