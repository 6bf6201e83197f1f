// A fast path for the URL resolution that dominates extraction cost on link-heavy pages: plain
// absolute http(s) URLs and plain relative paths against an http(s) base are joined by string
// operations; anything unusual (escapes, dot segments, userinfo, odd characters) returns nullopt
// and the caller falls back to model/url.h resolve_url, which the fast path must agree with.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tw {

class FastResolver {
 public:
  // `base` is the absolute base URL (page URL or <base href>), as resolve_url returns it.
  explicit FastResolver(std::string_view base);

  // The resolved URL, fragment dropped; nullopt when the fast path does not apply.
  std::optional<std::string> resolve(std::string_view reference) const;

 private:
  bool usable_ = false;
  std::string scheme_;     // "http" or "https"
  std::string origin_;     // "https://host[:port]"
  std::string directory_;  // base path up to and including its last '/'
};

}  // namespace tw
