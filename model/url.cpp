#include "model/url.h"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <memory>

#include "model/text.h"

namespace tw {
namespace {

struct CurlUrlDeleter {
  void operator()(CURLU* handle) const { curl_url_cleanup(handle); }
};
using CurlUrlHandle = std::unique_ptr<CURLU, CurlUrlDeleter>;

struct CurlStringDeleter {
  void operator()(char* text) const { curl_free(text); }
};
using CurlString = std::unique_ptr<char, CurlStringDeleter>;

std::string get_part(CURLU* handle, CURLUPart part, unsigned flags = 0) {
  char* raw = nullptr;
  if (curl_url_get(handle, part, &raw, flags) != CURLUE_OK || raw == nullptr) return {};
  CurlString owned(raw);
  return owned.get();
}

// HTML's URL attribute rule: strip leading/trailing ASCII whitespace and drop tabs and newlines.
std::string clean_reference(std::string_view text) {
  text = trim(text, kHtmlSpace);
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c != '\t' && c != '\n' && c != '\r') out.push_back(c);
  }
  return out;
}

CurlUrlHandle parse_handle(std::string_view text) {
  std::string cleaned = clean_reference(text);
  if (cleaned.empty() || cleaned.find('\0') != std::string::npos) return nullptr;
  CurlUrlHandle handle(curl_url());
  if (!handle) return nullptr;
  if (curl_url_set(handle.get(), CURLUPART_URL, cleaned.c_str(),
                   CURLU_NON_SUPPORT_SCHEME | CURLU_URLENCODE) != CURLUE_OK) {
    return nullptr;
  }
  return handle;
}

// Upper-cases the two hex digits after every '%'.
std::string upper_percent_escapes(std::string text) {
  for (std::size_t i = 0; i + 2 < text.size(); ++i) {
    if (text[i] == '%') {
      for (std::size_t j = i + 1; j <= i + 2; ++j) {
        if (text[j] >= 'a' && text[j] <= 'f') text[j] = static_cast<char>(text[j] - 32);
      }
    }
  }
  return text;
}

bool fetchable_scheme(std::string_view scheme) {
  return scheme == "http" || scheme == "https" || scheme == "ws" || scheme == "wss" ||
         scheme == "ftp";
}

// A table, not a chain of comparisons: every character of every tag and link URL passes here.
constexpr std::array<bool, 256> kPlainUrlChars = [] {
  std::array<bool, 256> table{};
  for (int c = 'a'; c <= 'z'; ++c) table[static_cast<std::size_t>(c)] = true;
  for (int c = 'A'; c <= 'Z'; ++c) table[static_cast<std::size_t>(c)] = true;
  for (int c = '0'; c <= '9'; ++c) table[static_cast<std::size_t>(c)] = true;
  for (char c : std::string_view("/-_.~?=&+,;:!*()$@")) {
    table[static_cast<unsigned char>(c)] = true;
  }
  return table;
}();

bool is_plain_url_char(char c) {
  return kPlainUrlChars[static_cast<unsigned char>(c)];
}

}  // namespace

bool is_plain_url_text(std::string_view path_and_query) {
  std::string_view before_fragment = path_and_query.substr(0, path_and_query.find('#'));
  if (before_fragment.ends_with('?')) return false;  // curl drops an empty query
  return std::all_of(before_fragment.begin(), before_fragment.end(), is_plain_url_char);
}

bool has_dot_segments(std::string_view path) {
  std::size_t at = 0;
  while (at <= path.size()) {
    std::size_t end = path.find('/', at);
    if (end == std::string_view::npos) end = path.size();
    std::string_view segment = path.substr(at, end - at);
    if (segment == "." || segment == "..") return true;
    at = end + 1;
  }
  return false;
}

bool is_plain_host(std::string_view host) {
  if (host.empty() || host.front() == '.' || host.back() == '.' ||
      (host.back() >= '0' && host.back() <= '9')) {
    return false;
  }
  return std::all_of(host.begin(), host.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
  });
}

// A decimal number of 1 to `digits` digits without a leading zero, as curl writes it back; -1 when
// the text is anything else.
int plain_number(std::string_view text, std::size_t digits) {
  if (text.empty() || text.size() > digits || (text.size() > 1 && text.front() == '0')) return -1;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return -1;
    value = value * 10 + (c - '0');
  }
  return value;
}

// An IPv4 address in the dotted-quad form curl keeps as it is (not 127.1, 0x7f.1 or 010.0.0.1).
bool is_dotted_quad(std::string_view host) {
  for (int part = 0; part < 4; ++part) {
    std::size_t dot = part < 3 ? host.find('.') : host.size();
    if (dot == std::string_view::npos) return false;
    int value = plain_number(host.substr(0, dot), 3);
    if (value < 0 || value > 255) return false;
    host.remove_prefix(std::min(dot + 1, host.size()));
  }
  return host.empty();
}

std::optional<Url> parse_plain_url(std::string_view text) {
  std::size_t host_start = text.starts_with("https://") ? 8 : text.starts_with("http://") ? 7 : 0;
  if (host_start == 0) return std::nullopt;
  std::size_t host_end = text.find_first_of("/?#", host_start);
  if (host_end == std::string_view::npos) host_end = text.size();
  if (host_end < text.size() && text[host_end] != '/') return std::nullopt;
  std::string_view host = text.substr(host_start, host_end - host_start);
  int port = 0;
  if (std::size_t colon = host.find(':'); colon != std::string_view::npos) {
    port = plain_number(host.substr(colon + 1), 5);
    if (port <= 0 || port > 65535) return std::nullopt;
    host = host.substr(0, colon);
  }
  std::string_view rest = text.substr(host_end);
  std::string_view path_and_query = rest.substr(0, rest.find('#'));
  std::string_view path = path_and_query.substr(0, path_and_query.find('?'));
  if (!(is_plain_host(host) || is_dotted_quad(host)) || !is_plain_url_text(rest) ||
      has_dot_segments(path)) {
    return std::nullopt;
  }
  Url url;
  url.scheme = std::string(text.substr(0, host_start - 3));
  url.port = port == (url.scheme == "https" ? 443 : 80) ? 0 : port;
  url.host = std::string(host);
  url.path = path.empty() ? "/" : std::string(path);
  if (path.size() < path_and_query.size()) url.query = path_and_query.substr(path.size() + 1);
  return url;
}

std::optional<Url> parse_url(std::string_view text) {
  if (std::optional<Url> plain = parse_plain_url(text)) return plain;
  return parse_url_with_curl(text);
}

std::optional<Url> parse_url_with_curl(std::string_view text) {
  CurlUrlHandle handle = parse_handle(text);
  if (!handle) return std::nullopt;
  Url url;
  url.scheme = lower_ascii(get_part(handle.get(), CURLUPART_SCHEME));
  url.host = lower_ascii(get_part(handle.get(), CURLUPART_HOST));
  if (url.host.size() >= 2 && url.host.front() == '[' && url.host.back() == ']') {
    url.host = url.host.substr(1, url.host.size() - 2);
  }
  std::string port = get_part(handle.get(), CURLUPART_PORT, CURLU_NO_DEFAULT_PORT);
  url.port = port.empty() ? 0 : std::atoi(port.c_str());
  url.path = get_part(handle.get(), CURLUPART_PATH);
  if (url.path.empty()) url.path = "/";
  url.query = get_part(handle.get(), CURLUPART_QUERY);
  if (url.scheme.empty()) return std::nullopt;
  return url;
}

bool has_inert_scheme(std::string_view reference) {
  std::size_t colon = reference.find(':');
  if (colon == std::string_view::npos || colon > 10) return false;  // "javascript" is the longest
  std::string scheme = lower_ascii(reference.substr(0, colon));
  return scheme == "javascript" || scheme == "data" || scheme == "mailto" || scheme == "tel" ||
         scheme == "about" || scheme == "blob";
}

std::optional<std::string> resolve_url(std::string_view base, std::string_view reference) {
  std::string ref = clean_reference(reference);
  if (ref.empty() || ref.find('\0') != std::string::npos) return std::nullopt;
  if (has_inert_scheme(ref)) return std::nullopt;
  CurlUrlHandle handle = parse_handle(base);
  if (!handle) return std::nullopt;
  if (curl_url_set(handle.get(), CURLUPART_URL, ref.c_str(),
                   CURLU_NON_SUPPORT_SCHEME | CURLU_URLENCODE) != CURLUE_OK) {
    return std::nullopt;
  }
  std::string scheme = lower_ascii(get_part(handle.get(), CURLUPART_SCHEME));
  if (!fetchable_scheme(scheme)) return std::nullopt;
  std::string host = get_part(handle.get(), CURLUPART_HOST);
  std::string lower_host = lower_ascii(host);
  if (host != lower_host) curl_url_set(handle.get(), CURLUPART_HOST, lower_host.c_str(), 0);
  std::string out = get_part(handle.get(), CURLUPART_URL);
  if (out.empty()) return std::nullopt;
  return out;
}

std::optional<std::string> normalize_url(std::string_view text) {
  std::optional<Url> url = parse_url(text);
  if (!url || url->host.empty()) return std::nullopt;
  std::string out = url->scheme + "://";
  out += url->host.find(':') != std::string::npos ? "[" + url->host + "]" : url->host;
  bool default_port =
      (url->scheme == "http" && url->port == 80) || (url->scheme == "https" && url->port == 443);
  if (url->port != 0 && !default_port) out += ":" + std::to_string(url->port);
  out += upper_percent_escapes(url->path);
  if (!url->query.empty()) out += "?" + upper_percent_escapes(url->query);
  return out;
}

bool is_http_url(std::string_view text) {
  std::string head = lower_ascii(text.substr(0, 8));
  return head.starts_with("http://") || head.starts_with("https://");
}

std::string url_host(std::string_view text) {
  std::optional<Url> url = parse_url(text);
  return url ? url->host : std::string{};
}

std::string url_path(std::string_view text) {
  std::optional<Url> url = parse_url(text);
  if (!url) return "/";
  return url->query.empty() ? url->path : url->path + "?" + url->query;
}

namespace {
std::size_t path_start(std::string_view url) {
  std::size_t scheme_end = url.find("://");
  return url.find('/', scheme_end == std::string_view::npos ? 0 : scheme_end + 3);
}
}  // namespace

std::string_view url_origin_text(std::string_view url) {
  return url.substr(0, path_start(url));
}

std::string_view url_path_text(std::string_view url) {
  std::size_t start = path_start(url);
  return start == std::string_view::npos ? std::string_view("/") : url.substr(start);
}

std::string url_path_without_query(std::string_view text) {
  std::string path = url_path(text);
  return path.substr(0, path.find('?'));
}

}  // namespace tw
