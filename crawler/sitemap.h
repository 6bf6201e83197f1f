// Sitemaps (sitemaps.org 0.9) as crawl seeds: a <urlset> lists pages, a <sitemapindex> lists more
// sitemaps; either may be gzipped. Hostile input: sizes are capped, anything unparsable yields
// fewer locations, never an error that stops the crawl. Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "model/result.h"

namespace tw {

struct SitemapContents {
  bool is_index = false;               // <sitemapindex>: locations are sitemaps, not pages
  std::vector<std::string> locations;  // every <loc>, entities decoded, whitespace trimmed
};

// At most `max_locations` are returned (the protocol allows 50,000 per file).
SitemapContents parse_sitemap(std::string_view xml, std::size_t max_locations = 50000);

bool is_gzip(std::string_view data);

// Inflates gzip data; an error when it is corrupt or would exceed `max_bytes` (a gzip bomb).
Result<std::string> gunzip_capped(std::string_view data, std::size_t max_bytes);

}  // namespace tw
