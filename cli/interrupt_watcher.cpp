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
  pthread_sigmask(SIG_BLOCK, &set, &previous_mask_);
  thread_ = std::thread([this, set] {
    while (!done_.load()) {
      timespec wait{0, 100'000'000};
      int signal = sigtimedwait(&set, nullptr, &wait);
      if (signal <= 0) continue;
      if (interrupted_.exchange(true)) std::_Exit(kExitInterrupted);
      on_interrupt_();
    }
  });
}

InterruptWatcher::~InterruptWatcher() {
  done_ = true;
  thread_.join();
  pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);
}

}  // namespace tw::cli
