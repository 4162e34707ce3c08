// OutputTail keeps the last N bytes exactly, in bounded memory.
#include "os/output_tail.h"

#include <gtest/gtest.h>

#include <string>

namespace greenlight::os {
namespace {

TEST(OutputTail, KeepsEverythingUnderTheCapacity) {
  OutputTail tail(10);
  tail.append("abc");
  tail.append("defghij");
  EXPECT_FALSE(tail.truncated());
  EXPECT_EQ(tail.take(), "abcdefghij");
}

TEST(OutputTail, KeepsTheLastBytesOfManySmallChunks) {
  OutputTail tail(5);
  std::string all;
  for (int i = 0; i < 1000; ++i) {
    std::string chunk = std::to_string(i) + ",";
    all += chunk;
    tail.append(chunk);
  }
  EXPECT_TRUE(tail.truncated());
  EXPECT_EQ(tail.take(), all.substr(all.size() - 5));
}

TEST(OutputTail, ChunkLargerThanTheCapacity) {
  OutputTail tail(4);
  tail.append("ab");
  tail.append("0123456789");
  EXPECT_TRUE(tail.truncated());
  EXPECT_EQ(tail.take(), "6789");
}

TEST(OutputTail, ChunkOfExactlyTheCapacityReplacingOlderOutput) {
  OutputTail tail(4);
  tail.append("ab");
  tail.append("wxyz");
  EXPECT_TRUE(tail.truncated());
  EXPECT_EQ(tail.take(), "wxyz");
}

}  // namespace
}  // namespace greenlight::os
