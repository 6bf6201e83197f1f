// See fast_url.h. The accepted character set is deliberately narrow: every byte accepted here is
// one curl's URL API leaves unchanged, so the output equals resolve_url's.
#include "analyzers/fast_url.h"

#include "model/url.h"

namespace tw {
namespace {

std::string drop_fragment(std::string url) {
  if (std::size_t hash = url.find('#'); hash != std::string::npos) url.resize(hash);
  return url;
}

// Path and query with plain characters and no dot segments ("/./", "/../", trailing "/." or
// "/..").
bool plain_path(std::string_view text) {
  return is_plain_url_text(text) && !has_dot_segments(text.substr(0, text.find_first_of("?#")));
}

// RFC 3986 section 5.2.4 on an absolute path (starts with '/'), as curl's URL API applies it
// when it joins a relative reference ("../x" is common in links).
std::string remove_dot_segments(std::string_view input) {
  std::string output;
  output.reserve(input.size());
  auto drop_last_segment = [&] {
    std::size_t slash = output.rfind('/');
    output.resize(slash == std::string::npos ? 0 : slash);
  };
  while (!input.empty()) {
    if (input.starts_with("/./")) {
      input.remove_prefix(2);
    } else if (input == "/.") {
      input = "/";
    } else if (input.starts_with("/../")) {
      input.remove_prefix(3);
      drop_last_segment();
    } else if (input == "/..") {
      input = "/";
      drop_last_segment();
    } else {
      std::size_t next = input.find('/', 1);
      if (next == std::string_view::npos) next = input.size();
      output.append(input.substr(0, next));
      input.remove_prefix(next);
    }
  }
  return output;
}

// origin + path (dot segments removed) + the rest (query), fragment dropped.
std::string join(const std::string& origin, std::string path_and_query) {
  std::size_t end = path_and_query.find_first_of("?#");
  std::string_view path = std::string_view(path_and_query).substr(0, end);
  if (!has_dot_segments(path)) return drop_fragment(origin + path_and_query);
  std::string rest = end == std::string::npos ? std::string() : path_and_query.substr(end);
  return drop_fragment(origin + remove_dot_segments(path) + rest);
}

}  // namespace

FastResolver::FastResolver(std::string_view base) {
  std::size_t colon = base.find("://");
  if (colon == std::string_view::npos) return;
  scheme_ = std::string(base.substr(0, colon));
  if (scheme_ != "http" && scheme_ != "https") return;
  std::size_t path_start = base.find('/', colon + 3);
  if (path_start == std::string_view::npos) return;
  std::string_view authority = base.substr(colon + 3, path_start - colon - 3);
  // Host and port as curl writes them back: lower case, no userinfo.
  for (char c : authority) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == ':';
    if (!ok) return;
  }
  origin_ = std::string(base.substr(0, path_start));
  std::string_view path = base.substr(path_start);
  path = path.substr(0, path.find_first_of("?#"));
  directory_ = std::string(path.substr(0, path.rfind('/') + 1));
  usable_ = plain_path(directory_);
}

namespace {
// Whether the authority of an absolute URL names a port or ends in a digit (an address).
bool has_port_or_address(std::string_view url) {
  std::size_t start = url.find("//") + 2;
  std::string_view authority = url.substr(start, url.find_first_of("/?#", start) - start);
  return authority.find(':') != std::string_view::npos ||
         (!authority.empty() && authority.back() >= '0' && authority.back() <= '9');
}
}  // namespace

std::optional<std::string> FastResolver::resolve(std::string_view reference) const {
  if (!usable_ || reference.empty()) return std::nullopt;
  if (reference.starts_with("https://") || reference.starts_with("http://")) {
    // Upper case, ports, userinfo, numeric hosts, escapes, dot segments: curl's slow path (it
    // writes a port back as given, ":443" too, which parse_plain_url's port does not keep).
    std::optional<Url> url = parse_plain_url(reference);
    if (!url || has_port_or_address(reference)) return std::nullopt;
    return url->scheme + "://" + url->host + url->path + (url->query.empty() ? "" : "?") +
           url->query;
  }
  char first = reference.front();
  if (first == '/' && reference.size() > 1 && reference[1] == '/') {
    return resolve(scheme_ + ":" + std::string(reference));  // protocol-relative
  }
  if (first == '?' || first == '#') return std::nullopt;  // rare; keep the base's own path rules
  if (!is_plain_url_text(reference)) return std::nullopt;
  if (first == '/') return join(origin_, std::string(reference));
  // A relative path: no scheme may hide before the first '/'.
  std::size_t colon = reference.find(':');
  if (colon != std::string_view::npos && colon < reference.find_first_of("/?#")) {
    return std::nullopt;
  }
  return join(origin_, directory_ + std::string(reference));
}

}  // namespace tw
