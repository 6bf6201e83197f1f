#include "cli/interrupt_watcher.h"

#include <pthread.h>

#include <cerrno>
#include <cstdlib>
#include <ctime>

#include "cli/commands.h"

namespace tw::cli {

InterruptWatcher::InterruptWatcher(std::function<void()> on_interrupt)
    : on_interrupt_(std::move(on_interrupt)) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, kWakeSignal);
  pthread_sigmask(SIG_BLOCK, &set, &previous_mask_);
  thread_ = std::thread([this, set] {
    while (!done_.load()) {
      int signal = sigwaitinfo(&set, nullptr);
      if (signal <= 0 || signal == kWakeSignal) continue;
      if (interrupted_.exchange(true)) std::_Exit(kExitInterrupted);
      on_interrupt_();
    }
  });
}

InterruptWatcher::~InterruptWatcher() {
  // Woken at once: a polling wait here cost every scan up to its poll interval at exit.
  done_ = true;
  pthread_kill(thread_.native_handle(), kWakeSignal);
  thread_.join();
  pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);
}

}  // namespace tw::cli
