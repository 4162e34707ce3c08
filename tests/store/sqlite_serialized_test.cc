// Sharing one connection between threads through withConnection.
#include "store/sqlite_serialized.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "store/sqlite_transaction.h"
#include "store_test_helpers.h"
#include "support/test_support.h"

namespace greenlight::store {
namespace {

TEST(SerializedSqliteDatabaseTest, ThreadsTakeTurnsWithTransactionsOnOneConnection) {
  testing::TempDir folder;
  auto opened = openStore(folder);
  ASSERT_NE(opened, nullptr);
  ASSERT_TRUE(
      opened->execute("CREATE TABLE pairs (pair INTEGER NOT NULL, side TEXT NOT NULL)").ok());
  SerializedSqliteDatabase shared(std::move(opened));

  constexpr int kThreads = 4;
  constexpr int kPairsPerThread = 50;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int thread = 0; thread < kThreads; ++thread) {
    threads.emplace_back([&, thread] {
      for (int i = 0; i < kPairsPerThread; ++i) {
        int pair = thread * kPairsPerThread + i;
        bool ok = shared.withConnection([pair](SqliteDatabase& database) {
          auto transaction = Transaction::begin(database);
          if (!transaction.ok()) return false;
          const std::string insert = "INSERT INTO pairs (pair, side) VALUES (?, ?)";
          return database.run(insert, pair, "a").ok() && database.run(insert, pair, "b").ok() &&
                 transaction->commit().ok();
        });
        if (!ok) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  int pairs = shared.withConnection([](SqliteDatabase& database) {
    return queryOne<int>(database, "SELECT COUNT(DISTINCT pair) FROM pairs");
  });
  int rows = shared.withConnection([](SqliteDatabase& database) {
    return queryOne<int>(database, "SELECT COUNT(*) FROM pairs");
  });
  EXPECT_EQ(pairs, kThreads * kPairsPerThread);
  EXPECT_EQ(rows, 2 * kThreads * kPairsPerThread);
}

}  // namespace
}  // namespace greenlight::store
