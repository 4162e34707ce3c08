// A writer killed with SIGKILL at an arbitrary moment: the store must reopen intact, keep every
// transaction that reported its commit, and hold no half of any transaction.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>

#include "store/sqlite_transaction.h"
#include "store_test_helpers.h"
#include "support/test_support.h"

namespace greenlight::store {
namespace {

const std::string kInsertSide = "INSERT INTO pairs (pair, side) VALUES (?, ?)";

// In the child: each transaction inserts both sides of one pair, then reports its commit with
// one byte on `reportFd`. Never returns; exits with a distinct code on any failure.
[[noreturn]] void insertPairsUntilKilled(const std::filesystem::path& folder, int reportFd,
                                         int firstPair) {
  auto database = SqliteDatabase::openInDataFolder(folder);
  if (!database.ok()) ::_exit(2);
  for (int pair = firstPair;; ++pair) {
    auto transaction = Transaction::begin(**database);
    if (!transaction.ok()) ::_exit(3);
    if (!(*database)->run(kInsertSide, pair, "left").ok()) ::_exit(4);
    if (!(*database)->run(kInsertSide, pair, "right").ok()) ::_exit(4);
    if (!transaction->commit().ok()) ::_exit(5);
    const char committed = 'c';
    if (::write(reportFd, &committed, 1) != 1) ::_exit(6);
  }
}

// Reads `count` commit reports, waiting at most 30 s for each; false if the child stopped.
bool awaitCommits(int reportFd, int count) {
  for (int received = 0; received < count; ++received) {
    pollfd readable{reportFd, POLLIN, 0};
    if (::poll(&readable, 1, 30000) != 1) return false;
    char byte = 0;
    if (::read(reportFd, &byte, 1) != 1) return false;
  }
  return true;
}

TEST(SqliteCrashIntegration, KilledWriterLeavesWholeTransactionsOnly) {
  testing::TempDir folder;
  {
    auto database = openStore(folder);
    ASSERT_NE(database, nullptr);
    ASSERT_TRUE(database
                    ->execute("CREATE TABLE pairs (pair INTEGER NOT NULL, side TEXT NOT NULL,"
                              " UNIQUE (pair, side))")
                    .ok());
  }
  std::random_device seed;
  std::mt19937 random(seed());
  int reportedCommits = 0;
  int nextPair = 1;
  for (int round = 0; round < 5; ++round) {
    int killAfter = std::uniform_int_distribution<int>(50, 250)(random);
    SCOPED_TRACE("round " + std::to_string(round) + ", killed after " + std::to_string(killAfter) +
                 " reported commits");
    int report[2];
    ASSERT_EQ(::pipe(report), 0);
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      ::close(report[0]);
      insertPairsUntilKilled(folder.path(), report[1], nextPair);
    }
    ::close(report[1]);
    bool reported = awaitCommits(report[0], killAfter);
    ::kill(child, SIGKILL);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ::close(report[0]);
    ASSERT_TRUE(reported) << "the writer stopped early, exit status " << status;
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "status " << status;
    reportedCommits += killAfter;

    auto reopened = openStore(folder);
    ASSERT_NE(reopened, nullptr);
    EXPECT_EQ(queryOne<std::string>(*reopened, "PRAGMA integrity_check"), "ok");
    EXPECT_EQ(queryOne<int>(*reopened,
                            "SELECT COUNT(*) FROM (SELECT pair FROM pairs GROUP BY pair"
                            " HAVING COUNT(*) <> 2)"),
              0);
    // Every reported commit survived (later ones may have too: reports wait in the pipe), and
    // none is missing between them: the pairs have no gap.
    int pairs = queryOne<int>(*reopened, "SELECT COUNT(DISTINCT pair) FROM pairs");
    EXPECT_GE(pairs, reportedCommits);
    EXPECT_EQ(queryOne<int>(*reopened, "SELECT MAX(pair) - MIN(pair) + 1 FROM pairs"), pairs);
    reportedCommits = pairs;
    nextPair = queryOne<int>(*reopened, "SELECT MAX(pair) FROM pairs") + 1;
  }
}

}  // namespace
}  // namespace greenlight::store
