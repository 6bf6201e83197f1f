// A walk over stored rows split across two threads: `read` runs on a thread of its own, reading
// and decoding items in batches into a bounded queue, while the calling thread visits them. A
// report that serialises pages then overlaps its writing with the store's reading and decoding.
// The reader is the only thread that touches the connection during the walk; the caller must not
// use the store from `visit`. Visited batches go back to the reader to be destroyed: memory is
// freed by the thread that allocated it, so the two threads do not contend for one malloc arena
// (that contention cost a fifth of a JSON report's time).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "model/result.h"

namespace tw {

template <typename Item>
class ReadAhead {
 public:
  static constexpr std::size_t kBatch = 16;   // items handed over at once
  static constexpr std::size_t kBatches = 4;  // batches read ahead at most

  // Given to `read`: hands one item to the visitor; false once the visitor stopped the walk (the
  // reader should return then).
  using Emit = std::function<bool(Item&&)>;

  // Runs `read(emit)` on a second thread and `visit` on this one for every item it emits, in
  // order, until `visit` returns false or the reader is done. The reader's error is returned.
  static Status walk(const std::function<Status(const Emit&)>& read,
                     const std::function<bool(const Item&)>& visit) {
    ReadAhead queue;
    std::thread reader(
        [&] { queue.close(read([&](Item&& item) { return queue.add(std::move(item)); })); });
    try {
      queue.drain(visit);
    } catch (...) {  // the reader stops and is joined however the visit ends
      queue.stop();
      reader.join();
      throw;
    }
    queue.stop();
    reader.join();
    return queue.status_;
  }

 private:
  bool add(Item&& item) {
    filling_.push_back(std::move(item));
    return filling_.size() < kBatch || hand_over();
  }

  // Queues the filled batch, waiting while the visitor is kBatches behind; false once it stopped.
  bool hand_over() {
    std::vector<std::vector<Item>> spent;
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return stopped_ || ready_.size() < kBatches; });
    if (stopped_) return false;
    ready_.push_back(std::move(filling_));
    filling_ = {};
    spent.swap(spent_);
    changed_.notify_all();
    lock.unlock();
    return true;  // `spent` is destroyed here, on the reader's thread
  }

  void close(Status status) {
    if (!filling_.empty()) hand_over();
    std::lock_guard lock(mutex_);
    status_ = std::move(status);
    closed_ = true;
    changed_.notify_all();
  }

  void stop() {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    changed_.notify_all();
  }

  void drain(const std::function<bool(const Item&)>& visit) {
    for (;;) {
      std::vector<Item> batch;
      {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [this] { return closed_ || !ready_.empty(); });
        if (ready_.empty()) return;
        batch = std::move(ready_.front());
        ready_.pop_front();
        changed_.notify_all();
      }
      for (const Item& item : batch) {
        if (!visit(item)) return;
      }
      std::lock_guard lock(mutex_);
      spent_.push_back(std::move(batch));
    }
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Item> filling_;  // the reader's batch being filled (reader thread only)
  std::deque<std::vector<Item>> ready_;
  std::vector<std::vector<Item>> spent_;  // visited, for the reader to destroy
  bool closed_ = false;                   // the reader returned
  bool stopped_ = false;                  // the visitor wants no more
  Status status_ = Ok{};
};

}  // namespace tw
