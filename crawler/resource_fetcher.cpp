// TEMPORARY stub; the libcurl multi loop lands next.
#include "crawler/resource_fetcher.h"

namespace tw {

struct ResourceFetcher::Impl {
  ResourceFetchOptions options;
  std::map<std::string, FetchedResource> cache;
  int fetched = 0;
};

ResourceFetcher::ResourceFetcher(ResourceFetchOptions options)
    : impl_(std::make_unique<Impl>(Impl{std::move(options), {}, 0})) {}
ResourceFetcher::~ResourceFetcher() = default;
void ResourceFetcher::fetch(const std::vector<ResourceRequest>&) {}
const FetchedResource* ResourceFetcher::find(const std::string& url) const {
  auto it = impl_->cache.find(url);
  return it == impl_->cache.end() ? nullptr : &it->second;
}
int ResourceFetcher::fetched_count() const {
  return impl_->fetched;
}

}  // namespace tw
