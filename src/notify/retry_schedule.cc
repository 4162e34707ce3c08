// The backoff arithmetic, kept apart so it is tested on its own.
#include "notify/retry_schedule.h"

#include <algorithm>

namespace greenlight::notify {

std::chrono::seconds retryDelay(int attemptsMade) {
  std::chrono::seconds delay = kFirstRetryDelay;
  for (int made = 1; made < attemptsMade && delay < kMaxRetryDelay; ++made) delay *= 2;
  return std::min(delay, kMaxRetryDelay);
}

}  // namespace greenlight::notify
