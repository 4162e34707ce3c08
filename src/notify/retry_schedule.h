// When a notification that could not be delivered is tried again: exponential backoff from one
// second, doubling up to a minute, for a bounded number of attempts (the target's maxAttempts).
#pragma once

#include <chrono>

namespace greenlight::notify {

inline constexpr std::chrono::seconds kFirstRetryDelay{1};
inline constexpr std::chrono::seconds kMaxRetryDelay{60};

// The wait after the `attemptsMade`-th failed attempt (1-based): 1 s, 2 s, 4 s, ... 60 s, 60 s.
std::chrono::seconds retryDelay(int attemptsMade);

// True when a notification that has failed `attemptsMade` times is given up.
inline bool givenUp(int attemptsMade, int maxAttempts) { return attemptsMade >= maxAttempts; }

}  // namespace greenlight::notify
