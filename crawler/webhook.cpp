#include "crawler/webhook.h"

#include <chrono>
#include <thread>

#include "crawler/curl_handles.h"

namespace tw {
namespace {

std::size_t discard(char*, std::size_t size, std::size_t count, void*) {
  return size * count;
}

struct Attempt {
  bool delivered = false;
  bool worth_retrying = false;
  std::string failure;  // never the URL
};

Attempt attempt_post(const std::string& url, const std::string& body,
                     const WebhookOptions& options) {
  EasyHandle handle(curl_easy_init());
  if (!handle) return {false, false, "could not start an HTTP request"};
  StringList headers(curl_slist_append(nullptr, "Content-Type: application/json"));
  CURL* h = handle.get();
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_POST, 1L);
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout_ms));
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
  CURLcode code = curl_easy_perform(h);
  if (code != CURLE_OK) {
    // curl_easy_strerror names the kind of failure only; the error buffer would name the host.
    bool retry = code != CURLE_UNSUPPORTED_PROTOCOL && code != CURLE_URL_MALFORMAT;
    return {false, retry, curl_easy_strerror(code)};
  }
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  if (status >= 200 && status < 300) return {true, false, {}};
  bool retry = status == 429 || status >= 500;
  return {false, retry, "the receiver answered HTTP " + std::to_string(status)};
}

}  // namespace

Status post_json(const std::string& url, const std::string& body, const WebhookOptions& options) {
  Attempt attempt = attempt_post(url, body, options);
  std::size_t attempts = 1;
  for (int wait_ms : options.backoff_ms) {
    if (attempt.delivered || !attempt.worth_retrying) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
    attempt = attempt_post(url, body, options);
    ++attempts;
  }
  if (attempt.delivered) return Ok{};
  return Error{attempt.failure + " (" + std::to_string(attempts) +
               (attempts == 1 ? " attempt)" : " attempts)")};
}

}  // namespace tw
