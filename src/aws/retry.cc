// Retry decisions and backoff delays.
#include "aws/retry.h"

#include <algorithm>

namespace greenlight::aws {

bool isRetryable(const AwsError& error) { return isThrottlingCode(error.code) || error.httpStatus >= 500; }

bool isRetryable(const Error& transportError) { return transportError.code == kAwsUnreachable; }

std::chrono::milliseconds backoffDelay(const RetryPolicy& policy, int failures, double random) {
  double cap = static_cast<double>(policy.baseDelay.count());
  for (int i = 1; i < failures && cap < static_cast<double>(policy.maxDelay.count()); ++i) cap *= 2;
  cap = std::min(cap, static_cast<double>(policy.maxDelay.count()));
  random = std::clamp(random, 0.0, 1.0);
  return std::chrono::milliseconds(static_cast<long long>(cap * random));
}

}  // namespace greenlight::aws
