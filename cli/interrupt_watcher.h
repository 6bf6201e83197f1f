// Turns SIGINT/SIGTERM into an orderly stop: while a watcher lives, the signals are blocked in
// every thread started after it and a dedicated thread waits for them, so the stop runs outside
// any signal handler. A second signal ends the process at once (the store stays consistent;
// the scan then reads as partial). SIGUSR1 is taken too, to wake the thread when the watcher goes.
#pragma once

#include <signal.h>

#include <atomic>
#include <functional>
#include <thread>

namespace tw::cli {

class InterruptWatcher {
 public:
  explicit InterruptWatcher(std::function<void()> on_interrupt);
  ~InterruptWatcher();
  InterruptWatcher(const InterruptWatcher&) = delete;
  InterruptWatcher& operator=(const InterruptWatcher&) = delete;

  bool interrupted() const { return interrupted_.load(); }

 private:
  static constexpr int kWakeSignal = SIGUSR1;
  std::function<void()> on_interrupt_;
  sigset_t previous_mask_;
  std::atomic<bool> done_{false};
  std::atomic<bool> interrupted_{false};
  std::thread thread_;
};

}  // namespace tw::cli
