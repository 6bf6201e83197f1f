// The one stop flag of a scan. Raised by an interrupt (SIGINT/SIGTERM, from the caller's signal
// thread) or by a pass that cannot go on (the store failed); every pass checks it, the
// third-party fetcher reads it directly, and a crawl attached to it is asked to stop at once.
// Thread-safe: any thread may raise or read it.
#pragma once

#include <atomic>
#include <mutex>

namespace tw {

class Crawler;

class ScanStop {
 public:
  void interrupt();  // stop, and the scan reads as interrupted
  void request();    // stop because a pass failed (its error says why)

  bool requested() const { return requested_.load(); }
  bool interrupted() const { return interrupted_.load(); }
  // For ResourceFetchOptions::stop; valid as long as this object.
  const std::atomic<bool>* flag() const { return &requested_; }

  // While attached (non-null), a stop also calls crawler->request_stop(); attaching after a stop
  // stops the crawler at once. The crawler must outlive its attachment.
  void attach(Crawler* crawler);

 private:
  std::atomic<bool> requested_{false};
  std::atomic<bool> interrupted_{false};
  std::mutex mutex_;  // guards crawler_ against a stop raised while attaching
  Crawler* crawler_ = nullptr;
};

}  // namespace tw
