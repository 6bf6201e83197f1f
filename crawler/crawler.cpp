// The fetch loop: one libcurl multi handle drives every transfer (pages, robots.txt, sitemaps);
// per-origin queues hold only URLs and depths. Callbacks copy bytes out and return; everything
// else happens in the loop after curl_multi_info_read, as in curl's multi examples.
#include "crawler/crawler.h"

#include <curl/curl.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "crawler/crawl_scope.h"
#include "crawler/curl_handles.h"
#include "crawler/http_outcome.h"
#include "crawler/robots.h"
#include "crawler/sitemap.h"
#include "model/text.h"
#include "model/url.h"
#include "model/version.h"

namespace tw {
namespace {

using Clock = std::chrono::steady_clock;

StringList make_slist(const std::vector<std::string>& items) {
  curl_slist* list = nullptr;
  for (const std::string& item : items) {
    curl_slist* grown = curl_slist_append(list, item.c_str());
    if (grown == nullptr) break;
    list = grown;
  }
  return StringList(list);
}

constexpr std::size_t kMaxRobotsBytes = 512 * 1024;   // RFC 9309 asks for at least 500 KiB
constexpr std::size_t kMaxSitemapBytes = 50u << 20;   // the sitemap protocol's own limit
constexpr std::size_t kMaxDiscardedBytes = 1u << 20;  // body of a redirect or error answer
constexpr std::size_t kMaxHeaderBytes = 64 * 1024;
constexpr int kMaxSitemaps = 100;
constexpr int kMaxSitemapNesting = 2;
constexpr const char* kRobotsToken = "tagwarden";

// One URL waiting to be fetched; redirect hops and retries carry their history with them.
struct Job {
  std::string url;            // the hop to fetch now (normalised)
  std::string requested_url;  // the frontier URL; empty while equal to url
  std::vector<std::string> chain;
  int depth = 0;
  int attempt = 0;
  double fetch_ms = 0;  // summed over hops and attempts
  const std::string& requested() const { return requested_url.empty() ? url : requested_url; }
};

enum class RobotsState { unknown, fetching, ready };

// scheme://host:port: the unit of politeness (connection cap, delay) and of robots.txt.
struct Origin {
  std::string key;
  std::deque<Job> queue;
  int active = 0;
  Clock::time_point next_start{};
  RobotsState robots_state = RobotsState::unknown;
  RobotsRules robots = RobotsRules::allow_all();
  std::string robots_note;  // why the whole origin is disallowed, when it is
  int robots_attempt = 0;
  Clock::time_point robots_retry_at{};
  bool sitemaps_queued = false;
  bool is_start = false;
  // Whether answers came over HTTP/1.x. PIPEWAIT only pays when streams can share a connection
  // (HTTP/2, negotiated over TLS); on an HTTP/1.1 host whose answers close the connection it
  // would make every transfer wait for the one before.
  bool http1_seen = false;
};

enum class TransferKind { page, robots, sitemap };
enum class Abort { none, too_large, not_html };

struct Transfer {
  TransferKind kind = TransferKind::page;
  Job job;  // page: the hop; robots and sitemap: url only
  Origin* origin = nullptr;
  int sitemap_level = 0;
  StringList request_headers;  // declared before easy: it must outlive the handle that points to it
  EasyHandle easy;
  std::string body;
  std::uint64_t received = 0;
  std::vector<Header> headers;
  std::size_t header_bytes = 0;
  std::uint64_t cap = 0;
  bool body_started = false;
  bool keep_body = true;
  Abort abort = Abort::none;
  char error[CURL_ERROR_SIZE] = {};
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::size_t bytes = size * count;
  if (!t->body_started) {
    t->body_started = true;
    long status = 0;
    curl_easy_getinfo(t->easy.get(), CURLINFO_RESPONSE_CODE, &status);
    if (status < 200 || status >= 300) {
      t->keep_body = false;
      t->cap = std::min<std::uint64_t>(t->cap, kMaxDiscardedBytes);
    } else if (t->kind == TransferKind::page) {
      char* type = nullptr;
      curl_easy_getinfo(t->easy.get(), CURLINFO_CONTENT_TYPE, &type);
      // Not HTML: stop now rather than download a video or a 10 GB file to drop it.
      if (type != nullptr && !is_html_content_type(type)) {
        t->abort = Abort::not_html;
        return 0;
      }
    }
    curl_off_t length = -1;
    curl_easy_getinfo(t->easy.get(), CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
    if (t->keep_body && length > 0 && static_cast<std::uint64_t>(length) <= t->cap) {
      t->body.reserve(static_cast<std::size_t>(length));
    }
  }
  // The cap counts decoded bytes, so a gzip bomb stops here as surely as a 10 GB body.
  if (t->received + bytes > t->cap) {
    if (t->keep_body && t->kind == TransferKind::robots) {
      t->body.append(data, static_cast<std::size_t>(t->cap - t->received));  // parse the head
    }
    t->received += bytes;
    t->abort = Abort::too_large;
    return 0;
  }
  t->received += bytes;
  if (t->keep_body) t->body.append(data, bytes);
  return bytes;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::size_t bytes = size * count;
  std::string_view line(data, bytes);
  if (line.starts_with("HTTP/")) {  // a new response (after 100-continue or a followed redirect)
    t->headers.clear();
    t->header_bytes = 0;
    return bytes;
  }
  std::size_t colon = line.find(':');
  if (colon == std::string_view::npos || t->header_bytes + bytes > kMaxHeaderBytes) return bytes;
  t->header_bytes += bytes;
  Header header;
  header.name.reserve(colon);
  header.name = lower_ascii(line.substr(0, colon));
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
    value.remove_suffix(1);
  }
  header.value = value;
  t->headers.push_back(std::move(header));
  return bytes;
}

std::string_view header_value(const std::vector<Header>& headers, std::string_view name) {
  for (const Header& header : headers) {
    if (header.name == name) return header.value;
  }
  return {};
}

std::string format_bytes(std::uint64_t bytes) {
  char text[32];
  if (bytes >= (1u << 20)) {
    std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
  } else {
    std::snprintf(text, sizeof text, "%llu bytes", static_cast<unsigned long long>(bytes));
  }
  return text;
}

// A fetched sitemap's locations, inflated first when gzipped (any thread).
Result<SitemapContents> read_sitemap(std::string xml) {
  if (is_gzip(xml)) {
    Result<std::string> inflated = gunzip_capped(xml, kMaxSitemapBytes);
    if (!inflated) return Error{inflated.error()};
    xml = std::move(*inflated);
  }
  return parse_sitemap(xml);
}

void init_curl_once() {
  static const bool done = [] {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    return true;
  }();
  (void)done;
}

}  // namespace

struct Crawler::Impl {
  CrawlOptions options;
  std::optional<CrawlScopeFilter> filter;
  MultiHandle multi;
  StringList resolve;
  std::string user_agent;

  // Shared with report_links / request_stop callers.
  struct LinkReport {
    std::string page_url;
    int depth = 0;
    std::vector<std::string> links;
  };
  std::mutex inbox_mutex;
  std::vector<LinkReport> inbox;
  std::atomic<bool> stop{false};
  std::atomic<bool> running{false};
  std::atomic<bool> admission_closed{false};

  // Loop-thread state.
  const std::function<void(Page&&)>* deliver = nullptr;
  CrawlSummary summary;
  std::unordered_map<std::string, std::unique_ptr<Origin>> origins;
  std::vector<Origin*> origin_order;  // round-robin order of first appearance
  std::size_t next_origin = 0;
  std::unordered_set<std::string> seen;
  // The jobs admitted and not started yet, by their own URL strings, so that a link found later
  // by a shorter path lowers a queued page's depth (the order analyses finish in is not the
  // order of depth).
  std::unordered_map<std::string_view, Job*> queued_jobs;
  std::unordered_set<std::string> overflow;  // distinct URLs refused by a limit (counted, capped)
  int overflow_uncounted = 0;
  int admitted = 0;
  std::multimap<Clock::time_point, Job> retries;
  std::unordered_map<CURL*, std::unique_ptr<Transfer>> transfers;
  int pages_in_flight = 0;
  std::unordered_set<std::string> pending;  // delivered with a body, links not yet reported
  std::deque<std::pair<std::string, int>> sitemap_queue;  // url, nesting level
  std::unordered_set<std::string> sitemaps_seen;
  // Sitemaps are inflated and parsed on a thread of their own (50 MB of XML must not hold up the
  // transfers and make healthy pages time out); the result comes back like a link report.
  struct ParsedSitemap {
    std::string url;
    int level = 0;
    Result<SitemapContents> contents;
  };
  std::vector<ParsedSitemap> parsed_sitemaps;  // guarded by inbox_mutex
  std::vector<std::thread> sitemap_parsers;    // loop thread; joined when run() ends
  int sitemaps_parsing = 0;                    // loop thread
  Clock::time_point started{};
  Clock::time_point last_progress{};

  Origin& origin_for(const std::string& url) {
    std::string key(url_origin_text(url));  // url is normalised
    auto it = origins.find(key);
    if (it != origins.end()) return *it->second;
    auto origin = std::make_unique<Origin>();
    origin->key = key;
    if (!options.respect_robots) origin->robots_state = RobotsState::ready;
    Origin& ref = *origin;
    origin_order.push_back(&ref);
    origins.emplace(std::move(key), std::move(origin));
    return ref;
  }

  void refuse(const std::string& url) {
    if (overflow.size() < 100000) {
      overflow.insert(url);
    } else {
      ++overflow_uncounted;
    }
  }

  // Takes a normalised, wanted URL into the frontier unless seen or over a limit.
  void admit(std::string url, int depth) {
    if (url.size() > kMaxUrlLength) return;
    if (seen.contains(url)) {
      // Reached again by a shorter path before it was fetched: the page is that close.
      if (auto queued_job = queued_jobs.find(url);
          queued_job != queued_jobs.end() && depth < queued_job->second->depth) {
        queued_job->second->depth = depth;
      }
      return;
    }
    if ((options.max_pages > 0 && admitted >= options.max_pages) ||
        seen.size() >= options.max_frontier) {
      admission_closed = true;
      refuse(url);
      return;
    }
    ++admitted;
    Origin& origin = origin_for(url);
    seen.insert(url);
    Job& job = origin.queue.emplace_back(Job{std::move(url), {}, {}, depth, 0, 0});
    queued_jobs.emplace(job.url, &job);  // a deque keeps its elements in place as it grows
  }

  void drain_inbox() {
    std::vector<LinkReport> reports;
    {
      std::lock_guard lock(inbox_mutex);
      reports.swap(inbox);
    }
    for (LinkReport& report : reports) {
      pending.erase(report.page_url);
      for (std::string& link : report.links) admit(std::move(link), report.depth);
    }
    std::vector<ParsedSitemap> sitemaps;
    {
      std::lock_guard lock(inbox_mutex);
      sitemaps.swap(parsed_sitemaps);
    }
    for (ParsedSitemap& sitemap : sitemaps) {
      --sitemaps_parsing;
      admit_sitemap(sitemap);
    }
  }

  void deliver_page(Page&& page) {
    ++summary.pages_delivered;
    if (page.error != PageError::none) {
      ++summary.pages_failed;
      ++summary.errors[std::string(to_string(page.error))];
    }
    if (page.status == 304) ++summary.not_modified;
    // A 304 page comes back with its stored links, so the crawl waits for it like any other.
    if (page.error == PageError::none) pending.insert(page.requested_url);
    (*deliver)(std::move(page));
  }

  Page page_of(const Job& job) const {
    Page page;
    page.requested_url = job.requested();
    page.final_url = job.url;
    page.redirect_chain = job.chain;
    page.depth = job.depth;
    page.fetch_ms = job.fetch_ms;
    return page;
  }

  void fail(const Job& job, PageError error, std::string detail, int status = 0) {
    Page page = page_of(job);
    page.error = error;
    page.error_detail = std::move(detail);
    page.status = status;
    deliver_page(std::move(page));
  }

  EasyHandle make_easy(Transfer& t, const std::string& url) {
    EasyHandle easy(curl_easy_init());
    CURL* e = easy.get();
    curl_easy_setopt(e, CURLOPT_URL, url.c_str());
    curl_easy_setopt(e, CURLOPT_PRIVATE, &t);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.error);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");  // every encoding this libcurl decodes
    bool may_multiplex =
        url.starts_with("https://") && (t.origin == nullptr || !t.origin->http1_seen);
    curl_easy_setopt(e, CURLOPT_PIPEWAIT, may_multiplex ? 1L : 0L);  // wait for an HTTP/2 stream
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, static_cast<long>(options.connect_timeout_s));
    curl_easy_setopt(e, CURLOPT_TIMEOUT, static_cast<long>(options.timeout_s));
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1024L);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, static_cast<long>(options.low_speed_time_s));
    curl_easy_setopt(e, CURLOPT_USERAGENT, user_agent.c_str());
    if (t.kind == TransferKind::page) {
      curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);  // hops are scope-checked one by one
      curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(t.cap));
    } else {
      curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);  // RFC 9309: follow at least five
      curl_easy_setopt(e, CURLOPT_MAXREDIRS, 5L);
    }
    if (resolve) curl_easy_setopt(e, CURLOPT_RESOLVE, resolve.get());
    if (options.insecure) {
      curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (!options.cookie.empty()) curl_easy_setopt(e, CURLOPT_COOKIE, options.cookie.c_str());
    if (!options.user.empty()) {
      curl_easy_setopt(e, CURLOPT_USERPWD, options.user.c_str());
      curl_easy_setopt(e, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
    }
    if (!options.proxy.empty()) curl_easy_setopt(e, CURLOPT_PROXY, options.proxy.c_str());
    std::vector<std::string> headers = options.headers;
    if (t.kind == TransferKind::page && options.validators) {
      auto [etag, last_modified] = options.validators(url);
      if (!etag.empty()) headers.push_back("If-None-Match: " + etag);
      if (!last_modified.empty()) headers.push_back("If-Modified-Since: " + last_modified);
    }
    t.request_headers = make_slist(headers);
    if (t.request_headers) curl_easy_setopt(e, CURLOPT_HTTPHEADER, t.request_headers.get());
    return easy;
  }

  void start(std::unique_ptr<Transfer> t, const std::string& url) {
    t->easy = make_easy(*t, url);
    CURL* e = t->easy.get();
    if (t->origin != nullptr) ++t->origin->active;
    if (t->kind == TransferKind::page) ++pages_in_flight;
    curl_multi_add_handle(multi.get(), e);
    transfers.emplace(e, std::move(t));
  }

  void start_robots(Origin& origin) {
    origin.robots_state = RobotsState::fetching;
    auto t = std::make_unique<Transfer>();
    t->kind = TransferKind::robots;
    t->origin = &origin;
    t->cap = kMaxRobotsBytes;
    t->job.url = origin.key + "/robots.txt";
    std::string url = t->job.url;
    start(std::move(t), url);
  }

  void start_sitemap(const std::string& url, int level) {
    auto t = std::make_unique<Transfer>();
    t->kind = TransferKind::sitemap;
    t->cap = kMaxSitemapBytes;
    t->sitemap_level = level;
    t->job.url = url;
    start(std::move(t), url);
  }

  void start_page(Origin& origin, Job job) {
    auto t = std::make_unique<Transfer>();
    t->kind = TransferKind::page;
    t->origin = &origin;
    t->cap = options.max_page_bytes;
    std::string url = job.url;
    t->job = std::move(job);
    start(std::move(t), url);
  }

  bool at_capacity() const { return static_cast<int>(transfers.size()) >= options.concurrency; }

  void queue_sitemaps(Origin& origin) {
    origin.sitemaps_queued = true;
    std::vector<std::string> candidates;
    for (const std::string& listed : origin.robots.sitemaps()) candidates.push_back(listed);
    if (candidates.empty()) candidates.push_back(origin.key + "/sitemap.xml");
    for (const std::string& candidate : candidates) queue_sitemap(candidate, 0);
  }

  void queue_sitemap(const std::string& raw, int level) {
    std::optional<std::string> url = normalize_url(raw);
    if (!url || !filter->in_scope(*url)) return;
    if (sitemaps_seen.size() >= kMaxSitemaps) {
      if (sitemaps_seen.size() == kMaxSitemaps) {
        summary.notes.push_back("more than " + std::to_string(kMaxSitemaps) +
                                " sitemaps: the rest were not read");
        sitemaps_seen.insert("");
      }
      return;
    }
    if (!sitemaps_seen.insert(*url).second) return;
    sitemap_queue.emplace_back(*url, level);
  }

  void start_transfers() {
    Clock::time_point now = Clock::now();
    while (!sitemap_queue.empty() && !at_capacity()) {
      auto [url, level] = std::move(sitemap_queue.front());
      sitemap_queue.pop_front();
      start_sitemap(url, level);
    }
    if (origin_order.empty()) return;
    // Round robin over origins so one slow host does not starve the others.
    for (std::size_t n = 0; n < origin_order.size() && !at_capacity(); ++n) {
      Origin& origin = *origin_order[(next_origin + n) % origin_order.size()];
      if (origin.robots_state == RobotsState::ready && options.use_sitemap && origin.is_start &&
          !origin.sitemaps_queued) {
        queue_sitemaps(origin);
      }
      while (!origin.queue.empty() && !at_capacity()) {
        if (origin.robots_state == RobotsState::unknown) {
          if (now >= origin.robots_retry_at) start_robots(origin);
          break;
        }
        if (origin.robots_state == RobotsState::fetching) break;
        Job& job = origin.queue.front();
        RobotsVerdict verdict = origin.robots.check(url_path_text(job.url));
        if (!verdict.allowed) {
          queued_jobs.erase(job.url);
          Job blocked = std::move(job);
          origin.queue.pop_front();
          fail(blocked, PageError::robots,
               origin.robots_note.empty()
                   ? "disallowed by robots.txt for user agent tagwarden (" + verdict.rule + ")"
                   : origin.robots_note);
          continue;
        }
        if (origin.active >= options.per_host || now < origin.next_start) break;
        // Pages in flight will be delivered too: count them against the analysis bound.
        if (static_cast<int>(pending.size()) + pages_in_flight >= options.max_pending_analysis) {
          return;
        }
        queued_jobs.erase(job.url);
        Job next = std::move(job);
        origin.queue.pop_front();
        origin.next_start = now + std::chrono::milliseconds(options.delay_ms);
        start_page(origin, std::move(next));
      }
    }
    next_origin = (next_origin + 1) % origin_order.size();
  }

  void promote_due_retries() {
    Clock::time_point now = Clock::now();
    while (!retries.empty() && retries.begin()->first <= now) {
      Job job = std::move(retries.begin()->second);
      retries.erase(retries.begin());
      origin_for(job.url).queue.push_front(std::move(job));
    }
  }

  std::chrono::milliseconds backoff(int attempt) const {
    return std::chrono::milliseconds(std::min(500 << std::min(attempt, 6), 30000));
  }

  // 429/503: Retry-After when given (capped), else exponential backoff.
  std::chrono::milliseconds wait_for(const std::vector<Header>& headers, int attempt) const {
    auto retry_after =
        parse_retry_after(header_value(headers, "retry-after"), std::chrono::system_clock::now());
    if (!retry_after) return backoff(attempt);
    auto capped = std::min<long long>(retry_after->count(), options.max_retry_after_s);
    return std::chrono::milliseconds(capped * 1000);
  }

  void schedule_retry(Job job, std::chrono::milliseconds wait) {
    ++job.attempt;
    retries.emplace(Clock::now() + wait, std::move(job));
  }

  void finish_robots(Transfer& t, CURLcode code) {
    Origin& origin = *t.origin;
    long status = 0;
    curl_easy_getinfo(t.easy.get(), CURLINFO_RESPONSE_CODE, &status);
    origin.robots_state = RobotsState::ready;
    bool got_answer = code == CURLE_OK || t.abort == Abort::too_large;
    if (got_answer && status >= 200 && status < 300) {
      origin.robots = RobotsRules::parse(t.body, kRobotsToken);
      if (t.abort == Abort::too_large) {
        summary.notes.push_back(t.job.url + ": larger than " + format_bytes(kMaxRobotsBytes) +
                                ", only the first part was read");
      }
    } else if (got_answer && (status == 429 || status >= 500)) {
      if (origin.robots_attempt < options.max_retries) {
        origin.robots_state = RobotsState::unknown;
        origin.robots_retry_at = Clock::now() + wait_for(t.headers, origin.robots_attempt);
        ++origin.robots_attempt;
        return;
      }
      // RFC 9309 2.3.1.3/2.3.1.4: an unreachable robots.txt means "assume complete disallow".
      origin.robots = RobotsRules::disallow_all();
      origin.robots_note = origin.key + "/robots.txt answered " + describe_status(status) +
                           ": RFC 9309 treats the whole site as disallowed (--ignore-robots to "
                           "scan your own site anyway)";
      summary.notes.push_back(origin.robots_note);
    } else if (!got_answer) {
      // The network failed: allow, so each page reports the real reason (DNS, refused...).
      origin.robots = RobotsRules::allow_all();
    } else {
      origin.robots = RobotsRules::allow_all();  // 4xx: no robots.txt
    }
  }

  void finish_sitemap(Transfer& t, CURLcode code) {
    long status = 0;
    curl_easy_getinfo(t.easy.get(), CURLINFO_RESPONSE_CODE, &status);
    if (code != CURLE_OK || status < 200 || status >= 300) {
      if (code != CURLE_OK) {
        summary.notes.push_back(
            "sitemap " + t.job.url + " not read: " +
            (t.abort == Abort::too_large
                 ? "larger than " + format_bytes(kMaxSitemapBytes)
                 : classify_curl_error(code, t.error, options.connect_timeout_s, options.timeout_s,
                                       options.low_speed_time_s)
                       .detail));
      } else if (status != 404 || t.sitemap_level > 0) {
        summary.notes.push_back("sitemap " + t.job.url + " not read: " + describe_status(status));
      }
      return;
    }
    ++sitemaps_parsing;
    sitemap_parsers.emplace_back(
        [this, url = t.job.url, level = t.sitemap_level, xml = std::move(t.body)]() mutable {
          ParsedSitemap parsed{std::move(url), level, read_sitemap(std::move(xml))};
          {
            std::lock_guard lock(inbox_mutex);
            parsed_sitemaps.push_back(std::move(parsed));
          }
          curl_multi_wakeup(multi.get());
        });
  }

  void admit_sitemap(ParsedSitemap& sitemap) {
    if (!sitemap.contents) {
      summary.notes.push_back("sitemap " + sitemap.url + " not read: " + sitemap.contents.error());
      return;
    }
    const SitemapContents& contents = *sitemap.contents;
    for (const std::string& location : contents.locations) {
      if (contents.is_index) {
        if (sitemap.level + 1 <= kMaxSitemapNesting) queue_sitemap(location, sitemap.level + 1);
        continue;
      }
      if (location.size() > kMaxUrlLength) continue;
      std::optional<std::string> url = normalize_url(location);
      if (!url || !filter->wanted(*url)) continue;
      int before = admitted;
      admit(std::move(*url), 0);
      summary.sitemap_urls += admitted - before;
    }
  }

  void join_sitemap_parsers() {
    for (std::thread& parser : sitemap_parsers) parser.join();
    sitemap_parsers.clear();
    parsed_sitemaps.clear();
    sitemaps_parsing = 0;
  }

  void finish_page(Transfer& t, CURLcode code) {
    Job job = std::move(t.job);
    CURL* e = t.easy.get();
    long status = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    curl_off_t total_us = 0;
    curl_easy_getinfo(e, CURLINFO_TOTAL_TIME_T, &total_us);
    job.fetch_ms += static_cast<double>(total_us) / 1000.0;
    char* type = nullptr;
    curl_easy_getinfo(e, CURLINFO_CONTENT_TYPE, &type);
    std::string content_type = type != nullptr ? type : "";
    long version = 0;
    curl_easy_getinfo(e, CURLINFO_HTTP_VERSION, &version);
    if (version == CURL_HTTP_VERSION_1_0 || version == CURL_HTTP_VERSION_1_1) {
      t.origin->http1_seen = true;
    }
    bool success_status = status >= 200 && status < 300;

    if (code != CURLE_OK && !(t.abort == Abort::too_large && !success_status)) {
      if (t.abort == Abort::not_html) {
        Page page = page_of(job);
        page.status = static_cast<int>(status);
        page.content_type = content_type;
        page.headers = std::move(t.headers);
        page.error = PageError::not_html;
        page.error_detail = "content type '" + content_type + "' is not HTML (not analysed)";
        deliver_page(std::move(page));
        return;
      }
      if (t.abort == Abort::too_large || code == CURLE_FILESIZE_EXCEEDED) {
        Page page = page_of(job);
        page.status = static_cast<int>(status);
        page.content_type = content_type;
        page.headers = std::move(t.headers);
        page.body_bytes = t.received;
        page.error = PageError::too_large;
        page.error_detail = "body larger than " + format_bytes(t.cap) +
                            " once decoded (--max-page-bytes); transfer stopped";
        deliver_page(std::move(page));
        return;
      }
      TransferFailure failure = classify_curl_error(code, t.error, options.connect_timeout_s,
                                                    options.timeout_s, options.low_speed_time_s);
      if (failure.retryable && job.attempt < options.max_retries) {
        std::chrono::milliseconds wait = backoff(job.attempt);
        schedule_retry(std::move(job), wait);
        return;
      }
      if (job.attempt > 0) {
        failure.detail += " (after " + std::to_string(job.attempt + 1) + " attempts)";
      }
      fail(job, failure.error, std::move(failure.detail), static_cast<int>(status));
      return;
    }

    if (status == 429 || status == 503) {
      if (job.attempt < options.max_retries) {
        std::chrono::milliseconds wait = wait_for(t.headers, job.attempt);
        // The whole host asked us to slow down, not just this URL.
        Origin& origin = *t.origin;
        origin.next_start = std::max(origin.next_start, Clock::now() + wait);
        schedule_retry(std::move(job), wait);
        return;
      }
      std::string detail = describe_status(static_cast<int>(status));
      if (job.attempt > 0) detail += " after " + std::to_string(job.attempt + 1) + " attempts";
      if (std::string_view after = header_value(t.headers, "retry-after"); !after.empty()) {
        detail += " (Retry-After: " + std::string(after) + ", waited at most " +
                  std::to_string(options.max_retry_after_s) + " s)";
      }
      fail(job, PageError::http_status, std::move(detail), static_cast<int>(status));
      return;
    }

    if (status >= 300 && status < 400 && status != 304) {
      follow_redirect(std::move(job), t, static_cast<int>(status));
      return;
    }

    Page page = page_of(job);
    page.status = static_cast<int>(status);
    page.content_type = content_type;
    page.headers = std::move(t.headers);
    page.body_bytes = t.received;
    if (status == 304) {
      deliver_page(std::move(page));
      return;
    }
    if (!success_status) {
      page.error = PageError::http_status;
      page.error_detail = describe_status(static_cast<int>(status));
      deliver_page(std::move(page));
      return;
    }
    bool html = content_type.empty() ? looks_like_html(t.body) : is_html_content_type(content_type);
    if (!html) {
      page.error = PageError::not_html;
      page.error_detail = content_type.empty()
                              ? "no Content-Type and the body does not look like HTML"
                              : "content type '" + content_type + "' is not HTML (not analysed)";
      deliver_page(std::move(page));
      return;
    }
    page.content_hash = body_digest(t.body);
    page.body = std::move(t.body);
    deliver_page(std::move(page));
  }

  void follow_redirect(Job job, Transfer& t, int status) {
    char* location = nullptr;
    curl_easy_getinfo(t.easy.get(), CURLINFO_REDIRECT_URL, &location);
    auto fail_redirect = [&](PageError error, std::string detail) {
      Page page = page_of(job);
      page.status = status;
      page.headers = std::move(t.headers);
      page.error = error;
      page.error_detail = std::move(detail);
      deliver_page(std::move(page));
    };
    if (location == nullptr || *location == '\0') {
      std::string_view raw = header_value(t.headers, "location");
      fail_redirect(PageError::redirect,
                    raw.empty() ? "HTTP " + std::to_string(status) + " without a Location header"
                                : "HTTP " + std::to_string(status) + " to an unusable Location: " +
                                      std::string(raw.substr(0, 200)));
      return;
    }
    std::string target_text = location;
    if (!is_http_url(target_text)) {
      fail_redirect(PageError::scheme, "redirect to a non-http(s) URL " +
                                           target_text.substr(0, 200) + " (not followed)");
      return;
    }
    std::optional<std::string> target = normalize_url(target_text);
    if (!target || target->size() > kMaxUrlLength) {
      fail_redirect(PageError::redirect,
                    "redirect to an invalid URL: " + target_text.substr(0, 200));
      return;
    }
    bool loop = *target == job.url ||
                std::find(job.chain.begin(), job.chain.end(), *target) != job.chain.end();
    if (loop) {
      std::vector<std::string> hops = job.chain;
      hops.push_back(job.url);
      hops.push_back(*target);
      fail_redirect(PageError::redirect, "redirect loop: " + join(hops, " -> "));
      return;
    }
    if (static_cast<int>(job.chain.size()) >= options.max_redirects) {
      fail_redirect(PageError::redirect, "more than " + std::to_string(options.max_redirects) +
                                             " redirects (last to " + *target + ")");
      return;
    }
    if (!filter->in_scope(*target)) {
      Page page = page_of(job);
      page.status = status;
      page.headers = std::move(t.headers);
      page.redirect_chain.push_back(job.url);
      page.final_url = *target;
      page.error = PageError::off_scope;
      page.error_detail = "redirected outside the crawl scope to " + *target + " (not crawled)";
      deliver_page(std::move(page));
      return;
    }
    if (job.requested_url.empty()) job.requested_url = job.url;
    job.chain.push_back(std::move(job.url));
    job.url = std::move(*target);
    job.attempt = 0;
    seen.insert(job.url);  // reached here; no need to fetch it again as a link
    origin_for(job.url).queue.push_front(std::move(job));
  }

  // Returns whether any transfer finished (a slot, robots.txt or a sitemap may now let others
  // start).
  bool collect_done() {
    bool any = false;
    int left = 0;
    while (CURLMsg* message = curl_multi_info_read(multi.get(), &left)) {
      if (message->msg != CURLMSG_DONE) continue;
      any = true;
      CURL* e = message->easy_handle;
      CURLcode code = message->data.result;
      curl_multi_remove_handle(multi.get(), e);
      auto it = transfers.find(e);
      if (it == transfers.end()) continue;
      std::unique_ptr<Transfer> t = std::move(it->second);
      transfers.erase(it);
      if (t->origin != nullptr) --t->origin->active;
      switch (t->kind) {
        case TransferKind::page:
          --pages_in_flight;
          finish_page(*t, code);
          break;
        case TransferKind::robots:
          finish_robots(*t, code);
          break;
        case TransferKind::sitemap:
          finish_sitemap(*t, code);
          break;
      }
    }
    return any;
  }

  std::size_t queued() const {
    std::size_t total = retries.size();
    for (const Origin* origin : origin_order) total += origin->queue.size();
    return total;
  }

  bool inbox_empty() {
    std::lock_guard lock(inbox_mutex);
    return inbox.empty() && parsed_sitemaps.empty();
  }

  bool finished() {
    return transfers.empty() && sitemap_queue.empty() && sitemaps_parsing == 0 && queued() == 0 &&
           pending.empty() && inbox_empty();
  }

  // How long the loop may sleep: until the next retry or origin delay falls due.
  int poll_timeout_ms() const {
    Clock::time_point now = Clock::now();
    Clock::time_point wake = now + std::chrono::milliseconds(200);
    if (!retries.empty()) wake = std::min(wake, retries.begin()->first);
    for (const Origin* origin : origin_order) {
      if (!origin->queue.empty() && origin->next_start > now) {
        wake = std::min(wake, origin->next_start);
      }
      if (origin->robots_state == RobotsState::unknown && !origin->queue.empty()) {
        wake = std::min(wake, origin->robots_retry_at);
      }
    }
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(wake - now).count();
    return static_cast<int>(std::clamp<long long>(ms, 0, 200));
  }

  void show_progress(bool final_line) {
    if (!options.show_progress) return;
    Clock::time_point now = Clock::now();
    if (!final_line && now - last_progress < std::chrono::milliseconds(250)) return;
    last_progress = now;
    if (final_line) {
      std::fputs("\r\033[K", stderr);
      return;
    }
    double seconds = std::chrono::duration<double>(now - started).count();
    std::fprintf(stderr,
                 "\r\033[Kcrawl: %d pages, %zu queued, %d in flight, %.1f pages/s, %d errors",
                 summary.pages_delivered, queued(), pages_in_flight,
                 seconds > 0 ? summary.pages_delivered / seconds : 0.0, summary.pages_failed);
    std::fflush(stderr);
  }
};

Crawler::Crawler(CrawlOptions options) : impl_(std::make_unique<Impl>()) {
  init_curl_once();
  impl_->options = std::move(options);
  CrawlOptions& o = impl_->options;
  o.concurrency = std::max(1, o.concurrency);
  o.per_host = std::max(1, o.per_host);
  o.max_pending_analysis = std::max(1, o.max_pending_analysis);
  impl_->user_agent = o.user_agent.empty()
                          ? std::string(kToolName) + "/" + kToolVersion + " (site tag audit)"
                          : o.user_agent;
  impl_->resolve = make_slist(o.resolve);
  impl_->multi.reset(curl_multi_init());
  CURLM* multi = impl_->multi.get();
  curl_multi_setopt(multi, CURLMOPT_PIPELINING, static_cast<long>(CURLPIPE_MULTIPLEX));
  curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, static_cast<long>(o.per_host));
  curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, static_cast<long>(o.concurrency + 4));
  Result<CrawlScopeFilter> filter = CrawlScopeFilter::build(o);
  if (filter) impl_->filter = std::move(*filter);
}

Crawler::~Crawler() {
  for (auto& [easy, transfer] : impl_->transfers)
    curl_multi_remove_handle(impl_->multi.get(), easy);
}

Status Crawler::validate(const CrawlOptions& options) {
  if (options.start_urls.empty()) return Error{"no start URL"};
  for (const std::string& start : options.start_urls) {
    if (!is_http_url(start) || !normalize_url(start)) {
      return Error{"start URL '" + start + "': only absolute http and https URLs can be crawled"};
    }
  }
  Result<CrawlScopeFilter> filter = CrawlScopeFilter::build(options);
  if (!filter) return Error{filter.error()};
  for (const std::string& entry : options.resolve) {
    // HOST:PORT:ADDR[,ADDR...], ADDR may be a bracketed IPv6 address.
    std::size_t first = entry.find(':');
    std::size_t second = first == std::string::npos ? first : entry.find(':', first + 1);
    bool ok = first != std::string::npos && first > 0 && second != std::string::npos &&
              second > first + 1 && second + 1 < entry.size();
    if (ok) {
      std::string port = entry.substr(first + 1, second - first - 1);
      ok = std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
    }
    if (!ok) return Error{"--resolve '" + entry + "': expected HOST:PORT:ADDRESS"};
  }
  for (const std::string& header : options.headers) {
    std::size_t colon = header.find(':');
    if (colon == std::string::npos || colon == 0 ||
        header.find_first_of("\r\n") != std::string::npos) {
      return Error{"--header '" + header + "': expected 'Name: value' on one line"};
    }
  }
  auto positive = [](int value, const char* name) -> Status {
    if (value < 1) return Error{std::string(name) + " must be at least 1"};
    return Ok{};
  };
  for (Status status :
       {positive(options.concurrency, "--concurrency"), positive(options.per_host, "--per-host"),
        positive(options.timeout_s, "--timeout"),
        positive(options.connect_timeout_s, "--connect-timeout")}) {
    if (!status) return status;
  }
  if (options.max_retries < 0) return Error{"--retries must not be negative"};
  if (options.delay_ms < 0) return Error{"--delay must not be negative"};
  if (options.max_page_bytes == 0) return Error{"--max-page-bytes must be at least 1"};
  return Ok{};
}

CrawlSummary Crawler::run(const std::function<void(Page&&)>& deliver) {
  Impl& s = *impl_;
  s.summary = {};
  if (!s.filter) {
    Status status = validate(s.options);
    s.summary.notes.push_back(status ? "invalid crawl options" : status.error());
    return s.summary;
  }
  s.deliver = &deliver;
  s.running = true;
  s.started = Clock::now();
  for (const std::string& start : s.options.start_urls) {
    std::optional<std::string> url = normalize_url(start);
    if (!url) continue;
    s.origin_for(*url).is_start = true;
    s.admit(std::move(*url), 0);
  }

  while (!s.stop) {
    s.drain_inbox();
    s.promote_due_retries();
    s.start_transfers();
    int running = 0;
    curl_multi_perform(s.multi.get(), &running);
    bool freed_slots = s.collect_done();
    if (s.finished()) break;
    s.show_progress(false);
    // A finished transfer frees a slot (or releases a host waiting for robots.txt): start the
    // next one now rather than after the next socket event or the poll timeout.
    if (freed_slots) continue;
    curl_multi_poll(s.multi.get(), nullptr, 0, s.poll_timeout_ms(), nullptr);
  }

  s.show_progress(true);
  s.join_sitemap_parsers();
  s.summary.stopped = s.stop;
  for (auto& [easy, transfer] : s.transfers) curl_multi_remove_handle(s.multi.get(), easy);
  s.summary.queued_left =
      static_cast<int>(s.queued() + s.transfers.size() + s.overflow.size()) + s.overflow_uncounted;
  s.transfers.clear();
  s.running = false;
  s.deliver = nullptr;
  return s.summary;
}

void Crawler::report_links(const std::string& page_url, int depth, std::vector<std::string> links) {
  Impl& s = *impl_;
  std::vector<std::string> kept;
  int next_depth = depth + 1;
  bool want_links = s.filter && (s.options.max_depth < 0 || next_depth <= s.options.max_depth) &&
                    !s.admission_closed;
  if (want_links) {
    std::size_t limit = std::min(links.size(), s.options.max_links_per_page);
    kept.reserve(limit);
    for (std::size_t i = 0; i < limit; ++i) {
      if (links[i].size() > kMaxUrlLength || !is_http_url(links[i])) continue;
      std::optional<std::string> url = normalize_url(links[i]);
      if (url && s.filter->wanted(*url)) kept.push_back(std::move(*url));
    }
  }
  {
    std::lock_guard lock(s.inbox_mutex);
    s.inbox.push_back({page_url, next_depth, std::move(kept)});
  }
  curl_multi_wakeup(s.multi.get());
}

void Crawler::request_stop() {
  impl_->stop = true;
  curl_multi_wakeup(impl_->multi.get());
}

}  // namespace tw
