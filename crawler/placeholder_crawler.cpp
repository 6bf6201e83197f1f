// TEMPORARY: lets the CLI link while the crawler is written; deleted by its owner.
#include "crawler/crawler.h"

namespace tw {
struct Crawler::Impl {};
Crawler::Crawler(CrawlOptions) : impl_(std::make_unique<Impl>()) {}
Crawler::~Crawler() = default;
Status Crawler::validate(const CrawlOptions&) { return Ok{}; }
CrawlSummary Crawler::run(const std::function<void(Page&&)>&) { return {}; }
void Crawler::report_links(const std::string&, int, std::vector<std::string>) {}
void Crawler::request_stop() {}
}  // namespace tw
