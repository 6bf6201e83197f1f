// crawl-only: the crawler alone, with a trivial href scanner standing in for analysis, so the
// fetch loop's own speed and memory can be told apart from the whole pipeline's
// (run by hand against bench/crawl-bench.sh's nginx). Usage: crawl-only URL [concurrency]
// [per_host]
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <thread>

#include "crawler/crawler.h"
#include "model/url.h"

namespace {

std::vector<std::string> scan_hrefs(const tw::Page& page) {
  std::vector<std::string> links;
  std::string_view body = page.body;
  for (std::size_t at = body.find("href=\""); at != std::string_view::npos;
       at = body.find("href=\"", at + 6)) {
    std::size_t end = body.find('"', at + 6);
    if (end == std::string_view::npos) break;
    if (auto url = tw::resolve_url(page.final_url, body.substr(at + 6, end - at - 6))) {
      links.push_back(std::move(*url));
    }
  }
  return links;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: crawl-only URL [concurrency] [per_host]\n");
    return 2;
  }
  tw::CrawlOptions options;
  options.start_urls = {argv[1]};
  options.max_pages = 0;
  options.max_depth = 100;
  if (argc > 2) options.concurrency = std::atoi(argv[2]);
  if (argc > 3) options.per_host = std::atoi(argv[3]);
  tw::Crawler crawler(options);

  std::mutex mutex;
  std::condition_variable ready;
  std::deque<tw::Page> queue;
  bool closed = false;
  std::vector<std::thread> workers;
  for (int i = 0; i < 2; ++i) {
    workers.emplace_back([&] {
      while (true) {
        std::unique_lock lock(mutex);
        ready.wait(lock, [&] { return closed || !queue.empty(); });
        if (queue.empty()) return;
        tw::Page page = std::move(queue.front());
        queue.pop_front();
        lock.unlock();
        crawler.report_links(page.requested_url, page.depth, scan_hrefs(page));
      }
    });
  }
  tw::CrawlSummary summary = crawler.run([&](tw::Page&& page) {
    std::lock_guard lock(mutex);
    queue.push_back(std::move(page));
    ready.notify_one();
  });
  {
    std::lock_guard lock(mutex);
    closed = true;
  }
  ready.notify_all();
  for (std::thread& worker : workers) worker.join();
  std::printf("pages: %d\nfailed: %d\n", summary.pages_delivered, summary.pages_failed);
  return 0;
}
