// When an AWS call is tried again and how long it waits: capped exponential backoff with full
// jitter (AWS's "Exponential Backoff And Jitter"), for throttling, 5xx and network failures.
#pragma once

#include <chrono>
#include <functional>

#include "aws/aws_error.h"
#include "common/result.h"

namespace greenlight::aws {

struct RetryPolicy {
  int maxAttempts = 5;  // counting the first; 1 means never retry
  std::chrono::milliseconds baseDelay{100};
  std::chrono::milliseconds maxDelay{20000};
};

// True for a failure worth another attempt: no answer (AwsUnreachable), a throttling code, or an
// HTTP status of 500 or more. Other 4xx answers and unsupported actions never are.
bool isRetryable(const AwsError& error);
bool isRetryable(const Error& transportError);

// The wait after the `failures`-th failed attempt (1 for the first): uniform in
// [0, min(maxDelay, baseDelay * 2^(failures-1))], `random` giving a uniform value in [0, 1].
std::chrono::milliseconds backoffDelay(const RetryPolicy& policy, int failures, double random);

}  // namespace greenlight::aws
