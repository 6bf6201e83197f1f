#include "crawler/crawl_scope.h"

#include "model/domain.h"
#include "model/url.h"

namespace tw {
namespace {

Result<std::vector<std::regex>> compile(const std::vector<std::string>& patterns,
                                        std::string_view flag) {
  std::vector<std::regex> out;
  for (const std::string& pattern : patterns) {
    try {
      out.emplace_back(pattern, std::regex::ECMAScript | std::regex::optimize);
    } catch (const std::regex_error& error) {
      return Error{std::string(flag) + " '" + pattern + "' is not a valid regular expression (" +
                   error.what() + ")"};
    }
  }
  return out;
}

bool any_match(const std::vector<std::regex>& regexes, std::string_view url) {
  for (const std::regex& regex : regexes) {
    // std::regex recurses per character; the caller bounds URL length so this cannot overflow.
    if (std::regex_search(url.begin(), url.end(), regex)) return true;
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
  if (!in_scope(url)) return false;
  if (!include_.empty() && !any_match(include_, url)) return false;
  return !any_match(exclude_, url);
}

}  // namespace tw
