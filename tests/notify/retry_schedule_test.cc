// The backoff: one second, doubling, capped at a minute; given up after maxAttempts.
#include "notify/retry_schedule.h"

#include <gtest/gtest.h>

#include <vector>

namespace greenlight::notify {
namespace {

TEST(RetrySchedule, DoublesFromOneSecondUpToAMinute) {
  std::vector<long> delays;
  for (int made = 1; made <= 10; ++made) delays.push_back(static_cast<long>(retryDelay(made).count()));
  EXPECT_EQ(delays, (std::vector<long>{1, 2, 4, 8, 16, 32, 60, 60, 60, 60}));
  EXPECT_EQ(retryDelay(1000).count(), 60) << "no overflow however many attempts";
  EXPECT_EQ(retryDelay(0).count(), 1);
}

TEST(RetrySchedule, GivesUpAtMaxAttempts) {
  EXPECT_FALSE(givenUp(1, 3));
  EXPECT_FALSE(givenUp(2, 3));
  EXPECT_TRUE(givenUp(3, 3));
  EXPECT_TRUE(givenUp(1, 1));
}

}  // namespace
}  // namespace greenlight::notify
