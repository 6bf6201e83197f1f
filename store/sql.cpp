// What the backends share: the pause between two attempts of a conflicted transaction.
#include "store/sql.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

namespace tw::sql {

// Random, growing with the attempts (5 to 200 ms), so runners that conflicted do not meet again
// in step.
void pause_before_retry(int attempt) {
  thread_local std::minstd_rand random(std::random_device{}());
  const int ceiling = std::min(200, 10 * attempt);
  std::uniform_int_distribution<int> milliseconds(5, std::max(5, ceiling));
  std::this_thread::sleep_for(std::chrono::milliseconds(milliseconds(random)));
}

}  // namespace tw::sql
