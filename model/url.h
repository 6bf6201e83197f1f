// URL parsing, resolution and normalisation (RFC 3986 via libcurl's URL API). Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tw {

struct Url {
  std::string scheme;  // lower case
  std::string host;    // lower case, no brackets for IPv6
  int port = 0;        // explicit port, 0 when default
  std::string path;    // starts with '/'
  std::string query;   // without '?'
};

// Parses an absolute URL; nullopt when it is not one. Plain http(s) URLs (lower-case host of
// letters, digits, dots and dashes, or a dotted-quad IPv4 address; a plain port or none; plain
// path characters; no dot segments) are split
// without curl: they are most tag and link URLs, and curl's parse was a tenth of analysis CPU.
std::optional<Url> parse_url(std::string_view text);
// The same through curl's URL API for every input: the reference parse_url's fast path agrees
// with (tests hold them equal).
std::optional<Url> parse_url_with_curl(std::string_view text);
// parse_url's curl-free half: nullopt when `text` is not a plain http(s) URL (ask curl then).
std::optional<Url> parse_plain_url(std::string_view text);

// The characters curl's URL API leaves unchanged in a path and query: letters, digits and
// -._~/?=&+,;:!*()$@ ('#' ends the text checked; an empty query does not count as plain).
bool is_plain_url_text(std::string_view path_and_query);
// Whether a path has "." or ".." segments, which resolution removes.
bool has_dot_segments(std::string_view path);
// Lower-case letters, digits, dots and dashes, not starting or ending with a dot, and not ending
// with a digit (curl normalises numeric hosts such as "127.1").
bool is_plain_host(std::string_view host);

// Resolves `reference` against absolute `base`. Returns nullopt for references that do not name
// a fetchable resource (javascript:, data:, mailto:, unparsable) unless the result is http(s),
// ftp, ws or similar; callers check the scheme they accept.
std::optional<std::string> resolve_url(std::string_view base, std::string_view reference);

// Whether `reference` names a scheme that loads nothing from a server (javascript:, data:,
// mailto:, tel:, about:, blob:, any case): neither a tag nor a link.
bool has_inert_scheme(std::string_view reference);

// Canonical form for de-duplication: scheme and host lower case, default port dropped, fragment
// dropped, dot segments removed, percent-escapes upper case, empty path -> "/".
std::optional<std::string> normalize_url(std::string_view text);

// True for http:// and https:// URLs, the only ones tagwarden ever fetches.
bool is_http_url(std::string_view text);

// Host of an absolute URL, lower case; empty when it has none.
std::string url_host(std::string_view text);

// Path (and query) of an absolute URL, "/" when empty.
std::string url_path(std::string_view text);
// The same without the query: what page globs and suppressions match.
std::string url_path_without_query(std::string_view text);

// The origin ("https://h:8443") and the path with its query ("/a/b?q") of an absolute URL, cut
// from its text at the first '/' after "://" (no parse): cheap, and exact for normalised URLs
// (normalize_url), which is what callers pass. Without a '/' there the path is "/". Views into
// `url` (the path's "/" fallback is static).
std::string_view url_origin_text(std::string_view url);
std::string_view url_path_text(std::string_view url);

}  // namespace tw
