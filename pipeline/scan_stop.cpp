#include "pipeline/scan_stop.h"

#include "crawler/crawler.h"

namespace tw {

void ScanStop::interrupt() {
  interrupted_ = true;
  request();
}

void ScanStop::request() {
  requested_ = true;
  std::lock_guard lock(mutex_);
  if (crawler_) crawler_->request_stop();
}

void ScanStop::attach(Crawler* crawler) {
  std::lock_guard lock(mutex_);
  crawler_ = crawler;
  if (crawler_ && requested_) crawler_->request_stop();
}

}  // namespace tw
