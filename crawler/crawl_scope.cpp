#include "crawler/crawl_scope.h"

#include "model/domain.h"
#include "model/url.h"

namespace tw {
namespace {

Result<std::vector<BoundedRegex>> compile(const std::vector<std::string>& patterns,
                                          std::string_view flag) {
  std::vector<BoundedRegex> out;
  for (const std::string& pattern : patterns) {
    auto regex = BoundedRegex::compile(pattern);
    if (!regex) return Error{std::string(flag) + ": " + regex.error()};
    out.push_back(std::move(*regex));
  }
  return out;
}

// Whether some regex matches, or matching was too costly to tell.
bool any_match_or_too_costly(const std::vector<BoundedRegex>& regexes, std::string_view url) {
  for (const BoundedRegex& regex : regexes) {
    if (regex.search(url) != BoundedRegex::Outcome::no_match) return true;
  }
  return false;
}

bool any_match(const std::vector<BoundedRegex>& regexes, std::string_view url) {
  for (const BoundedRegex& regex : regexes) {
    if (regex.search(url) == BoundedRegex::Outcome::match) return true;
  }
  return false;
}

// The host of a normalize_url() result without a second URL parse: it sits between "://" and the
// port or path, already lower case.
std::string host_of_normalized(std::string_view url) {
  std::size_t begin = url.find("://");
  if (begin == std::string_view::npos) return {};
  begin += 3;
  if (begin < url.size() && url[begin] == '[') {
    std::size_t close = url.find(']', begin);
    return close == std::string_view::npos ? std::string{}
                                           : std::string(url.substr(begin + 1, close - begin - 1));
  }
  std::size_t end = url.find_first_of(":/?#", begin);
  if (end == std::string_view::npos) end = url.size();
  return std::string(url.substr(begin, end - begin));
}

}  // namespace

Result<CrawlScopeFilter> CrawlScopeFilter::build(const CrawlOptions& options) {
  CrawlScopeFilter filter;
  filter.scope_ = options.scope;
  for (const std::string& start : options.start_urls) {
    if (!is_http_url(start)) {
      return Error{"start URL '" + start + "': only http and https URLs can be crawled"};
    }
    std::string host = url_host(start);
    if (host.empty()) return Error{"start URL '" + start + "' is not a valid URL"};
    filter.hosts_.insert(options.scope == CrawlScope::host ? host : registrable_domain(host));
  }
  auto include = compile(options.include, "--include");
  if (!include) return Error{include.error()};
  auto exclude = compile(options.exclude, "--exclude");
  if (!exclude) return Error{exclude.error()};
  filter.include_ = std::move(*include);
  filter.exclude_ = std::move(*exclude);
  return filter;
}

bool CrawlScopeFilter::in_scope(std::string_view url) const {
  if (!is_http_url(url)) return false;
  std::string host = host_of_normalized(url);
  if (host.empty()) return false;
  if (scope_ == CrawlScope::host) return hosts_.contains(host);
  return hosts_.contains(registrable_domain(host));
}

bool CrawlScopeFilter::wanted(std::string_view url) const {
  if (url.size() > kMaxUrlLength || !in_scope(url)) return false;
  if (!include_.empty() && !any_match(include_, url)) return false;
  return !any_match_or_too_costly(exclude_, url);
}

}  // namespace tw
