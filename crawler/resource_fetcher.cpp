// The third-party fetch loop: one CURLM, our own queue so the per-host cap and delay hold
// (libcurl's own queueing would start the timeouts while a transfer waits), redirects followed by
// hand so every hop is checked for http(s), counted against max_redirects and its Set-Cookie
// headers kept.
#include "crawler/resource_fetcher.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <deque>
#include <unordered_map>
#include <unordered_set>

#include "crawler/address_policy.h"
#include "crawler/curl_handles.h"
#include "model/text.h"
#include "model/url.h"
#include "model/version.h"

namespace tw {
namespace {

using Clock = std::chrono::steady_clock;

// Headers a site's credentials travel in: they are for the site, never for its vendors.
bool is_credential_header(std::string_view header) {
  auto colon = header.find(':');
  std::string name = lower_ascii(trim(header.substr(0, colon)));
  return name == "authorization" || name == "cookie" || name == "proxy-authorization";
}

PageError classify(CURLcode code, bool truncated) {
  switch (code) {
    case CURLE_OK:
      return PageError::none;
    case CURLE_COULDNT_RESOLVE_HOST:
      return PageError::dns;
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
      return PageError::connect;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
      return PageError::tls;
    case CURLE_OPERATION_TIMEDOUT:
      return PageError::timeout;
    case CURLE_FILESIZE_EXCEEDED:
      return PageError::too_large;
    case CURLE_UNSUPPORTED_PROTOCOL:
      return PageError::scheme;
    case CURLE_WRITE_ERROR:
      return truncated ? PageError::too_large : PageError::other;
    default:
      return PageError::other;
  }
}

// One resource, possibly over several redirect hops.
struct Job {
  std::string key;          // the URL as requested (cache key)
  std::string current_url;  // the hop being fetched
  bool resolve_only = false;
  bool done = false;  // handed to the completion callback
  FetchedResource result;
};

// One hop in flight: the easy handle and what its callbacks collect.
struct Transfer {
  Job* job = nullptr;
  EasyHandle easy;
  std::string host;
  std::vector<Header> headers;
  std::string body;
  std::uint64_t cap = 0;
  bool truncated = false;
  bool keep_start = false;  // the body up to the cap is kept when it is cut
  ConnectionGuard guard;
  StringList connect_to;  // the host's pinned address, when the scan's resolver gave one
};

// Why a host's URLs are not fetched.
struct Unreachable {
  PageError error = PageError::dns;
  std::string detail;
};

size_t write_body(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  size_t bytes = size * count;
  // libcurl 7.88 checks MAXFILESIZE only against Content-Length; decoded bytes are capped here,
  // which also stops compression bombs. A short count aborts the transfer.
  if (transfer->body.size() + bytes > transfer->cap) {
    if (transfer->keep_start) transfer->body.append(data, transfer->cap - transfer->body.size());
    transfer->truncated = true;
    return 0;
  }
  transfer->body.append(data, bytes);
  return bytes;
}

size_t write_header(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  size_t bytes = size * count;
  std::string_view line(data, bytes);
  if (line.starts_with("HTTP/")) {
    transfer->headers.clear();  // a new response (after 100 Continue and the like)
    return bytes;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos || transfer->headers.size() >= 500) return bytes;
  transfer->headers.push_back(
      Header{lower_ascii(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1)))});
  return bytes;
}

std::string header_value(const std::vector<Header>& headers, std::string_view name) {
  for (const auto& header : headers) {
    if (header.name == name) return header.value;
  }
  return {};
}

}  // namespace

struct ResourceFetcher::Impl {
  ResourceFetchOptions options;
  // A proxy connects for us, so only its own policy applies.
  AddressPolicy address_policy{options.request.resolve,
                               options.allow_private_addresses || !options.request.proxy.empty()};
  std::unordered_map<std::string, FetchedResource> cache;
  int fetched = 0;
  int requested = 0;
  StringList resolve_list;
  StringList header_list;
  std::string user_agent;
  std::unordered_map<std::string, std::string> pinned;  // host -> address
  std::unordered_map<std::string, Unreachable> unreachable;

  explicit Impl(ResourceFetchOptions opts) : options(std::move(opts)) {
    if (options.max_resource_bytes == 0) options.max_resource_bytes = options.limits.max_page_bytes;
    if (options.max_resource_bytes == 0) options.max_resource_bytes = 10ull << 20;
    const auto& request = options.request;
    for (const auto& entry : request.resolve) {
      resolve_list.reset(curl_slist_append(resolve_list.release(), entry.c_str()));
    }
    for (const auto& header : request.headers) {
      if (is_credential_header(header)) continue;
      header_list.reset(curl_slist_append(header_list.release(), header.c_str()));
    }
    user_agent = request.user_agent.empty() ? std::string(kToolName) + "/" + kToolVersion +
                                                  " (+https://github.com/tagwarden/tagwarden)"
                                            : request.user_agent;
  }

  bool stop_requested() const {
    return options.stop != nullptr && options.stop->load(std::memory_order_relaxed);
  }

  EasyHandle make_handle(Transfer& transfer) const {
    const auto& limits = options.limits;
    EasyHandle easy(curl_easy_init());
    if (!easy) return easy;
    CURL* h = easy.get();
    curl_easy_setopt(h, CURLOPT_URL, transfer.job->current_url.c_str());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");  // every encoding libcurl can decode
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, static_cast<long>(limits.connect_timeout_s));
    curl_easy_setopt(h, CURLOPT_TIMEOUT, static_cast<long>(limits.timeout_s));
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1024L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, static_cast<long>(limits.low_speed_time_s));
    if (!options.keep_body_start) {
      curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE,
                       static_cast<curl_off_t>(options.max_resource_bytes));
    }
    curl_easy_setopt(h, CURLOPT_USERAGENT, user_agent.c_str());
    if (header_list) curl_easy_setopt(h, CURLOPT_HTTPHEADER, header_list.get());
    if (resolve_list) curl_easy_setopt(h, CURLOPT_RESOLVE, resolve_list.get());
    pin_address(h, transfer);
    if (!options.request.proxy.empty()) {
      curl_easy_setopt(h, CURLOPT_PROXY, options.request.proxy.c_str());
    }
    if (options.request.insecure) {
      curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (transfer.job->resolve_only) curl_easy_setopt(h, CURLOPT_CONNECT_ONLY, 1L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, write_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &transfer);
    curl_easy_setopt(h, CURLOPT_PRIVATE, &transfer);
    guard_connections(h, address_policy, transfer.host, transfer.guard);
    return easy;
  }

  // "host::address:" connects to the pinned address on whatever port the URL names. The
  // connection guard still sees that address, so a name DNS points at a private address is
  // refused like any other.
  void pin_address(CURL* h, Transfer& transfer) const {
    auto pin = pinned.find(transfer.host);
    if (pin == pinned.end()) return;
    transfer.connect_to.reset(
        curl_slist_append(nullptr, (pin->first + "::" + pin->second + ":").c_str()));
    curl_easy_setopt(h, CURLOPT_CONNECT_TO, transfer.connect_to.get());
  }

  // A host that failed to resolve, refused a connection or never answered the connection attempt
  // (a network that drops outside traffic) is not tried again this scan.
  void learn(const Transfer& transfer, CURLcode code) {
    curl_off_t connect_us = 0;
    curl_easy_getinfo(transfer.easy.get(), CURLINFO_CONNECT_TIME_T, &connect_us);
    const bool never_connected = code == CURLE_OPERATION_TIMEDOUT && connect_us == 0;
    if (code != CURLE_COULDNT_RESOLVE_HOST && code != CURLE_COULDNT_CONNECT && !never_connected) {
      return;
    }
    const Page& response = transfer.job->result.response;
    unreachable.try_emplace(
        transfer.host,
        Unreachable{response.error,
                    transfer.host + " failed earlier in this scan: " + response.error_detail});
  }

  // Answers a job of an unreachable host without a transfer; false when the host is not known so.
  bool answer_unreachable(Job& job, const std::string& host) const {
    auto known = unreachable.find(host);
    if (known == unreachable.end()) return false;
    job.result.response.error = known->second.error;
    job.result.response.error_detail = known->second.detail;
    return true;
  }

  // Records a finished hop into its job. Returns the next hop's URL when the answer is a redirect
  // to follow, empty when the job is complete.
  std::string finish_hop(Transfer& transfer, CURLcode code) {
    Job& job = *transfer.job;
    FetchedResource& result = job.result;
    Page& response = result.response;
    CURL* h = transfer.easy.get();
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_off_t total_us = 0, first_byte_us = 0, downloaded = 0;
    curl_easy_getinfo(h, CURLINFO_TOTAL_TIME_T, &total_us);
    curl_easy_getinfo(h, CURLINFO_STARTTRANSFER_TIME_T, &first_byte_us);
    curl_easy_getinfo(h, CURLINFO_SIZE_DOWNLOAD_T, &downloaded);
    response.fetch_ms += static_cast<double>(total_us) / 1000.0;
    result.ttfb_ms = static_cast<double>(first_byte_us) / 1000.0;
    result.transfer_bytes = static_cast<std::uint64_t>(downloaded);
    response.status = static_cast<int>(status);
    response.final_url = job.current_url;
    // Set-Cookie headers of every hop count (redirecting pixels set cookies too); the rest of
    // the headers are the final answer's.
    std::vector<Header> cookies;
    for (auto& header : response.headers) {
      if (header.name == "set-cookie") cookies.push_back(std::move(header));
    }
    response.headers = std::move(cookies);
    for (auto& header : transfer.headers) {
      if (header.name == "set-cookie" || !job.resolve_only) response.headers.push_back(header);
    }
    response.content_type = header_value(transfer.headers, "content-type");
    // The transfer was ended at the cap on purpose: its start is the answer.
    if (options.keep_body_start && transfer.truncated && code == CURLE_WRITE_ERROR) code = CURLE_OK;
    response.error = classify(code, transfer.truncated);
    result.truncated = transfer.truncated;
    if (code != CURLE_OK && !transfer.guard.refused_address.empty()) {
      response.error = PageError::off_scope;
      response.error_detail = refused_connection_message(transfer.guard);
      return {};
    }
    if (code != CURLE_OK) {
      response.error_detail =
          transfer.truncated
              ? "body over " + std::to_string(options.max_resource_bytes) + " bytes (decoded)"
              : std::string(curl_easy_strerror(code));
      response.body.clear();
      response.body_bytes = transfer.body.size();
      return {};
    }
    if (job.resolve_only) return {};
    if (status >= 300 && status < 400) {
      std::string location = header_value(transfer.headers, "location");
      if (!location.empty()) {
        auto next = resolve_url(job.current_url, location);
        if (!next || !is_http_url(*next)) {
          response.error = PageError::scheme;
          response.error_detail = "redirect to a non-http(s) location: " + location.substr(0, 200);
          return {};
        }
        if (static_cast<int>(response.redirect_chain.size()) >= options.limits.max_redirects) {
          response.error = PageError::redirect;
          response.error_detail =
              "more than " + std::to_string(options.limits.max_redirects) + " redirects";
          return {};
        }
        response.redirect_chain.push_back(job.current_url);
        return *next;
      }
    }
    if (status >= 400) {
      response.error = PageError::http_status;
      response.error_detail = "HTTP " + std::to_string(status);
    }
    response.body = std::move(transfer.body);
    response.body_bytes = response.body.size();
    return {};
  }

  void run(std::deque<Job*> pending, const ResourceCompletion& on_complete) {
    MultiHandle multi(curl_multi_init());
    if (!multi) {
      for (Job* job : pending) {
        job->result.response.error = PageError::other;
        job->result.response.error_detail = "could not start libcurl";
      }
      return;
    }
    const int concurrency = std::max(1, options.limits.concurrency);
    const int per_host = std::max(1, options.limits.per_host);
    std::unordered_map<std::string, int> host_in_flight;
    std::unordered_map<std::string, Clock::time_point> host_next_start;
    std::unordered_map<CURL*, std::unique_ptr<Transfer>> in_flight;

    auto start_ready = [&] {
      auto now = Clock::now();
      for (auto it = pending.begin();
           it != pending.end() && static_cast<int>(in_flight.size()) < concurrency;) {
        Job* job = *it;
        std::string host = url_host(job->current_url);
        if (answer_unreachable(*job, host)) {  // learned while this job waited
          it = pending.erase(it);
          job->done = true;
          if (on_complete) on_complete(job->key, job->result);
          continue;
        }
        auto next = host_next_start.find(host);
        if (host_in_flight[host] >= per_host ||
            (next != host_next_start.end() && now < next->second)) {
          ++it;
          continue;
        }
        auto transfer = std::make_unique<Transfer>();
        transfer->job = job;
        transfer->host = host;
        transfer->cap = options.max_resource_bytes;
        transfer->keep_start = options.keep_body_start;
        transfer->easy = make_handle(*transfer);
        it = pending.erase(it);
        if (!transfer->easy ||
            curl_multi_add_handle(multi.get(), transfer->easy.get()) != CURLM_OK) {
          job->result.response.error = PageError::other;
          job->result.response.error_detail = "could not start the transfer";
          continue;
        }
        ++fetched;
        ++host_in_flight[host];
        host_next_start[host] = now + std::chrono::milliseconds(options.limits.delay_ms);
        CURL* key = transfer->easy.get();
        in_flight.emplace(key, std::move(transfer));
      }
    };

    start_ready();
    while (!in_flight.empty() || !pending.empty()) {
      if (stop_requested()) break;
      int running = 0;
      curl_multi_perform(multi.get(), &running);
      int left = 0;
      while (CURLMsg* message = curl_multi_info_read(multi.get(), &left)) {
        if (message->msg != CURLMSG_DONE) continue;
        CURL* easy = message->easy_handle;
        CURLcode code = message->data.result;
        auto found = in_flight.find(easy);
        if (found == in_flight.end()) continue;
        std::unique_ptr<Transfer> transfer = std::move(found->second);
        in_flight.erase(found);
        curl_multi_remove_handle(multi.get(), easy);
        --host_in_flight[transfer->host];
        std::string next = finish_hop(*transfer, code);
        learn(*transfer, code);
        if (!next.empty()) {
          transfer->job->current_url = std::move(next);
          pending.push_front(transfer->job);
        } else {
          transfer->job->done = true;
          if (on_complete) on_complete(transfer->job->key, transfer->job->result);
        }
      }
      start_ready();
      if (in_flight.empty() && !pending.empty()) {
        // Only delayed hosts are waiting: sleep a little rather than spin.
        curl_multi_poll(multi.get(), nullptr, 0, 20, nullptr);
        continue;
      }
      // Done: waiting here first stalled every fetch for the full 100 ms with no socket left to
      // wake it (each first-party file, fetched one at a time, paid it).
      if (in_flight.empty() && pending.empty()) break;
      curl_multi_poll(multi.get(), nullptr, 0, 100, nullptr);
    }
    // Stopped: abandon what is in flight and what never started.
    for (auto& [easy, transfer] : in_flight) {
      curl_multi_remove_handle(multi.get(), easy);
      transfer->job->result.response.error = PageError::other;
      transfer->job->result.response.error_detail = "scan stopped";
    }
    for (Job* job : pending) {
      job->result.response.error = PageError::other;
      job->result.response.error_detail = "scan stopped";
    }
  }
};

ResourceFetcher::ResourceFetcher(ResourceFetchOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

ResourceFetcher::~ResourceFetcher() = default;

void ResourceFetcher::fetch(const std::vector<ResourceRequest>& requests,
                            const ResourceCompletion& on_complete) {
  std::vector<std::unique_ptr<Job>> jobs;
  std::deque<Job*> pending;
  std::unordered_set<std::string> seen;
  for (const auto& request : requests) {
    if (impl_->cache.contains(request.url) || !seen.insert(request.url).second) continue;
    auto job = std::make_unique<Job>();
    job->key = request.url;
    job->current_url = request.url;
    job->resolve_only = request.resolve_only;
    job->result.resolve_only = request.resolve_only;
    job->result.response.requested_url = request.url;
    job->result.response.final_url = request.url;
    if (!is_http_url(request.url)) {
      job->result.response.error = PageError::scheme;
      job->result.response.error_detail = "only http and https are fetched";
    } else if (impl_->answer_unreachable(*job, url_host(request.url))) {
      // answered from what the scan learned of the host: no transfer, no place under the cap
    } else if (impl_->requested >= impl_->options.max_resources) {
      job->result.response.error = PageError::other;
      job->result.response.error_detail =
          "resource limit reached (" + std::to_string(impl_->options.max_resources) + ")";
    } else {
      ++impl_->requested;
      pending.push_back(job.get());
    }
    jobs.push_back(std::move(job));
  }
  if (!pending.empty()) impl_->run(std::move(pending), on_complete);
  for (auto& job : jobs) {
    if (!job->done && on_complete) on_complete(job->key, job->result);
    impl_->cache.emplace(job->key, std::move(job->result));
  }
}

void ResourceFetcher::pin_host(const std::string& host, const std::vector<std::string>& addresses) {
  if (!addresses.empty()) impl_->pinned[host] = addresses.front();
}

void ResourceFetcher::mark_unreachable(const std::string& host, PageError error,
                                       const std::string& detail) {
  impl_->unreachable[host] = Unreachable{error, detail};
}

const FetchedResource* ResourceFetcher::find(const std::string& url) const {
  auto it = impl_->cache.find(url);
  return it == impl_->cache.end() ? nullptr : &it->second;
}

int ResourceFetcher::fetched_count() const {
  return impl_->fetched;
}

}  // namespace tw
