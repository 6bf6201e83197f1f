#include "crawler/http_outcome.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <ctime>

#include "model/text.h"

namespace tw {
namespace {

std::string with_detail(std::string head, std::string_view curl_message) {
  if (!curl_message.empty()) head += ": " + std::string(curl_message);
  return head;
}

std::uint64_t load64(const char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

std::uint64_t mix(std::uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

}  // namespace

TransferFailure classify_curl_error(CURLcode code, std::string_view curl_message,
                                    int connect_timeout_s, int timeout_s, int low_speed_time_s) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
      return {PageError::dns, with_detail("DNS lookup failed", curl_message), false};
    case CURLE_COULDNT_RESOLVE_PROXY:
      return {PageError::dns, with_detail("proxy host did not resolve", curl_message), false};
    case CURLE_COULDNT_CONNECT:
      return {PageError::connect, with_detail("connection failed", curl_message), true};
    case CURLE_OPERATION_TIMEDOUT: {
      std::string message(curl_message);
      std::string head;
      if (message.find("too slow") != std::string::npos) {
        head = "timeout: under 1 KB/s for " + std::to_string(low_speed_time_s) + " s";
      } else if (message.find("onnection timed out") != std::string::npos ||
                 message.find("Connection timeout") != std::string::npos) {
        head = "timeout: no connection within " + std::to_string(connect_timeout_s) + " s";
      } else {
        head = "timeout: transfer not complete within " + std::to_string(timeout_s) + " s";
      }
      return {PageError::timeout, with_detail(head, curl_message), false};
    }
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_USE_SSL_FAILED:
      return {PageError::tls,
              with_detail("TLS error (use --insecure only for hosts you trust)", curl_message),
              false};
    case CURLE_GOT_NOTHING:
      return {PageError::connect,
              with_detail("the server closed the connection without an answer", curl_message),
              true};
    case CURLE_OUT_OF_MEMORY:
      // libcurl 7.88 reports a single header over its 100 KB limit as "Out of memory".
      return {PageError::other,
              with_detail("a response header over libcurl's 100 KB limit (or out of memory)",
                          curl_message),
              false};
    case CURLE_RECV_ERROR:
      if (curl_message.find("response headers") != std::string_view::npos) {
        // "Too large response headers": the same answer again would be as large.
        return {PageError::other, with_detail("response headers too large", curl_message), false};
      }
      [[fallthrough]];
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return {PageError::connect, with_detail("connection broken mid-transfer", curl_message),
              true};
    case CURLE_FILESIZE_EXCEEDED:
      return {PageError::too_large, with_detail("body larger than --max-page-bytes", curl_message),
              false};
    case CURLE_TOO_MANY_REDIRECTS:
      return {PageError::redirect, with_detail("too many redirects", curl_message), false};
    case CURLE_UNSUPPORTED_PROTOCOL:
      // Also what libcurl says for an answer without a status line ("Received HTTP/0.9 when not
      // allowed"): only a URL's scheme makes it a scheme error.
      if (curl_message.find("HTTP/0.9") != std::string_view::npos) {
        return {PageError::other,
                with_detail("malformed HTTP answer (no status line)", curl_message), false};
      }
      return {PageError::scheme, with_detail("only http and https are fetched", curl_message),
              false};
    case CURLE_BAD_CONTENT_ENCODING:
      return {PageError::other,
              with_detail("the body's Content-Encoding could not be decoded", curl_message), false};
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_HTTP_RETURNED_ERROR:
      return {PageError::other, with_detail("malformed HTTP answer", curl_message), false};
    default:
      return {PageError::other,
              with_detail(std::string("transfer failed (") + curl_easy_strerror(code) + ")",
                          curl_message),
              false};
  }
}

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value,
                                                      std::chrono::system_clock::time_point now) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\r')) value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (value.size() > 9) return std::chrono::seconds(999999999);
    return std::chrono::seconds(std::stol(std::string(value)));
  }
  // IMF-fixdate, e.g. "Wed, 21 Oct 2015 07:28:00 GMT"; curl_getdate also takes the obsolete forms.
  std::string text(value);
  time_t when = curl_getdate(text.c_str(), nullptr);
  if (when < 0) return std::nullopt;
  auto delta = std::chrono::system_clock::from_time_t(when) - now;
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(delta);
  return seconds.count() < 0 ? std::chrono::seconds(0) : seconds;
}

bool is_html_content_type(std::string_view content_type) {
  std::string type = lower_ascii(content_type.substr(0, content_type.find(';')));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.pop_back();
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.erase(0, 1);
  return type == "text/html" || type == "application/xhtml+xml";
}

bool looks_like_html(std::string_view body) {
  std::string_view head = body.substr(0, 512);
  if (head.find('\0') != std::string_view::npos) return false;
  if (head.starts_with("\xEF\xBB\xBF")) head.remove_prefix(3);
  while (!head.empty() && std::isspace(static_cast<unsigned char>(head.front()))) {
    head.remove_prefix(1);
  }
  return !head.empty() && head.front() == '<';
}

std::string body_digest(std::string_view body) {
  // Eight bytes a step through a multiply-xorshift mix: ~several GB/s, plenty for change detection
  // (this is not a security hash).
  std::uint64_t h = 0x9E3779B97F4A7C15ULL ^ (body.size() * 0xff51afd7ed558ccdULL);
  std::size_t i = 0;
  for (; i + 8 <= body.size(); i += 8) {
    h = (h ^ mix(load64(body.data() + i))) * 0x9E3779B97F4A7C15ULL;
    h ^= h >> 29;
  }
  std::uint64_t tail = 0;
  if (i < body.size()) std::memcpy(&tail, body.data() + i, body.size() - i);
  h = mix(h ^ mix(tail ^ (body.size() - i)));
  char out[17];
  static constexpr char kHex[] = "0123456789abcdef";
  for (int k = 15; k >= 0; --k) {
    out[k] = kHex[h & 15];
    h >>= 4;
  }
  out[16] = '\0';
  return out;
}

std::string describe_status(int status) {
  const char* reason = "";
  switch (status) {
    case 400:
      reason = " Bad Request";
      break;
    case 401:
      reason = " Unauthorized";
      break;
    case 403:
      reason = " Forbidden";
      break;
    case 404:
      reason = " Not Found";
      break;
    case 405:
      reason = " Method Not Allowed";
      break;
    case 408:
      reason = " Request Timeout";
      break;
    case 410:
      reason = " Gone";
      break;
    case 429:
      reason = " Too Many Requests";
      break;
    case 500:
      reason = " Internal Server Error";
      break;
    case 502:
      reason = " Bad Gateway";
      break;
    case 503:
      reason = " Service Unavailable";
      break;
    case 504:
      reason = " Gateway Timeout";
      break;
    default:
      break;
  }
  return "HTTP " + std::to_string(status) + reason;
}

}  // namespace tw
