// Transactions: commit, rollback on destruction and on exceptions, nesting refused, and a busy
// store reported clearly when another connection holds the write lock.
#include "store/sqlite_transaction.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "store_test_helpers.h"
#include "support/test_support.h"

namespace greenlight::store {
namespace {

using testing::TempDir;

class TransactionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    database_ = openStore(folder_);
    ASSERT_NE(database_, nullptr);
    ASSERT_TRUE(database_->execute("CREATE TABLE events (name TEXT NOT NULL)").ok());
  }

  int count() { return queryOne<int>(*database_, "SELECT COUNT(*) FROM events"); }
  void insert(const std::string& name) {
    Status inserted = database_->run("INSERT INTO events (name) VALUES (?)", name);
    ASSERT_TRUE(inserted.ok()) << inserted.error().message;
  }

  TempDir folder_;
  std::unique_ptr<SqliteDatabase> database_;
};

TEST_F(TransactionTest, ACommittedTransactionIsSeenByAnotherConnection) {
  auto transaction = Transaction::begin(*database_);
  ASSERT_TRUE(transaction.ok()) << transaction.error().message;
  insert("started");
  insert("finished");
  auto other = openStore(folder_);
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(queryOne<int>(*other, "SELECT COUNT(*) FROM events"), 0);  // not yet committed
  ASSERT_TRUE(transaction->commit().ok());
  EXPECT_FALSE(transaction->open());
  EXPECT_FALSE(database_->inTransaction());
  EXPECT_EQ(queryOne<int>(*other, "SELECT COUNT(*) FROM events"), 2);
}

TEST_F(TransactionTest, RollsBackWhenDestroyedWithoutCommit) {
  {
    auto transaction = Transaction::begin(*database_);
    ASSERT_TRUE(transaction.ok());
    insert("lost");
    EXPECT_EQ(count(), 1);
  }
  EXPECT_EQ(count(), 0);
  EXPECT_FALSE(database_->inTransaction());
}

TEST_F(TransactionTest, RollsBackWhenAnExceptionLeavesTheScope) {
  try {
    auto transaction = Transaction::begin(*database_);
    ASSERT_TRUE(transaction.ok());
    insert("lost");
    throw std::runtime_error("effect failed");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(count(), 0);
  auto next = Transaction::begin(*database_);  // the connection is usable again
  ASSERT_TRUE(next.ok());
  insert("kept");
  ASSERT_TRUE(next->commit().ok());
  EXPECT_EQ(count(), 1);
}

TEST_F(TransactionTest, ExplicitRollbackUndoesTheWork) {
  auto transaction = Transaction::begin(*database_);
  ASSERT_TRUE(transaction.ok());
  insert("undone");
  ASSERT_TRUE(transaction->rollback().ok());
  EXPECT_EQ(count(), 0);
  EXPECT_FALSE(transaction->commit().ok());  // already over
}

TEST_F(TransactionTest, RefusesANestedTransactionAndKeepsTheOuterOne) {
  auto outer = Transaction::begin(*database_);
  ASSERT_TRUE(outer.ok());
  insert("outer");
  auto inner = Transaction::begin(*database_);
  ASSERT_FALSE(inner.ok());
  EXPECT_EQ(inner.error().code, kStoreMisuse);
  EXPECT_TRUE(contains(inner.error().message, "nested transactions are not supported"))
      << inner.error().message;
  ASSERT_TRUE(outer->commit().ok());
  EXPECT_EQ(count(), 1);
}

TEST_F(TransactionTest, RefusesToBeginInsideATransactionOpenedByAScript) {
  ASSERT_TRUE(database_->execute("BEGIN").ok());
  EXPECT_FALSE(Transaction::begin(*database_).ok());
  ASSERT_TRUE(database_->execute("ROLLBACK").ok());
  EXPECT_TRUE(Transaction::begin(*database_).ok());
}

TEST_F(TransactionTest, AMovedTransactionIsRolledBackOnce) {
  {
    auto transaction = Transaction::begin(*database_);
    ASSERT_TRUE(transaction.ok());
    Transaction moved = std::move(transaction).value();
    insert("lost");
    EXPECT_TRUE(moved.open());
  }
  EXPECT_EQ(count(), 0);
  EXPECT_FALSE(database_->inTransaction());
}

TEST_F(TransactionTest, AWriteFailingInsideATransactionLeavesNothingAndTheConnectionUsable) {
  int pages = queryOne<int>(*database_, "PRAGMA page_count");
  ASSERT_TRUE(database_->execute("PRAGMA max_page_count = " + std::to_string(pages + 2)).ok());
  {
    auto transaction = Transaction::begin(*database_);
    ASSERT_TRUE(transaction.ok());
    insert("small");
    Status full = database_->run("INSERT INTO events (name) VALUES (?)", std::string(1 << 20, 'x'));
    ASSERT_FALSE(full.ok());
    EXPECT_EQ(full.error().code, kStoreFull);
    // The caller gives up on the transaction; whether SQLite already rolled it back or not,
    // the destructor must leave the connection clean.
  }
  EXPECT_FALSE(database_->inTransaction());
  EXPECT_EQ(count(), 0);
  auto next = Transaction::begin(*database_);
  ASSERT_TRUE(next.ok()) << next.error().message;
  insert("fits");
  ASSERT_TRUE(next->commit().ok());
  EXPECT_EQ(count(), 1);
}

TEST_F(TransactionTest, ASecondWriterWaitsForTheBusyTimeoutThenGetsAClearError) {
  auto holder = Transaction::begin(*database_);
  ASSERT_TRUE(holder.ok());
  insert("held");

  SqliteOptions impatient;
  impatient.busyTimeout = std::chrono::milliseconds(50);
  auto other = SqliteDatabase::openInDataFolder(folder_.path(), impatient);
  ASSERT_TRUE(other.ok()) << other.error().message;
  auto blocked = Transaction::begin(**other);
  ASSERT_FALSE(blocked.ok());
  EXPECT_EQ(blocked.error().code, kStoreBusy);
  const std::string& message = blocked.error().message;
  EXPECT_TRUE(contains(message, "cannot write to the greenlight store")) << message;
  EXPECT_TRUE(contains(message, "SQLITE_BUSY")) << message;
  EXPECT_TRUE(contains(message, "busy timeout (50 ms)")) << message;
  EXPECT_TRUE(contains(message, (folder_ / "greenlight.db").string())) << message;

  // Readers are not blocked by a writer in WAL mode, and see the last committed state.
  EXPECT_EQ(queryOne<int>(**other, "SELECT COUNT(*) FROM events"), 0);
  ASSERT_TRUE(holder->commit().ok());
  auto afterwards = Transaction::begin(**other);
  ASSERT_TRUE(afterwards.ok()) << afterwards.error().message;
  ASSERT_TRUE((*other)->run("INSERT INTO events (name) VALUES (?)", "second").ok());
  ASSERT_TRUE(afterwards->commit().ok());
  EXPECT_EQ(count(), 2);
}

}  // namespace
}  // namespace greenlight::store
