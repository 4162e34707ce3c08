// Schema migrations: applied once and in order, atomic each, refused when the store is newer.
#include "store/migrations.h"

#include <gtest/gtest.h>

#include "store_test_helpers.h"
#include "support/test_support.h"

namespace greenlight::store {
namespace {

using testing::TempDir;

class FixedClock final : public Clock {
 public:
  explicit FixedClock(WallTime time) : time_(time) {}
  WallTime now() const override { return time_; }

 private:
  WallTime time_;
};

// Each migration depends on the one before it, so applying them out of order would fail; none
// uses IF NOT EXISTS, so applying one twice would fail too.
std::vector<Migration> threeMigrations() {
  return {
      {1, "applications", "CREATE TABLE applications (name TEXT PRIMARY KEY);"},
      {2, "groups",
       "CREATE TABLE groups (application TEXT NOT NULL REFERENCES applications(name),"
       " name TEXT NOT NULL);"},
      {3, "default group",
       "INSERT INTO applications VALUES ('web');"
       "INSERT INTO groups VALUES ('web', 'production');"},
  };
}

class MigrationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    database_ = openStore(folder_);
    ASSERT_NE(database_, nullptr);
  }
  int version() {
    auto current = schemaVersion(*database_);
    EXPECT_TRUE(current.ok());
    return current.ok() ? *current : -1;
  }
  bool tableExists(const std::string& name) {
    return queryOne<int>(*database_,
                         "SELECT COUNT(*) FROM sqlite_master WHERE name = '" + name + "'") == 1;
  }

  TempDir folder_;
  std::unique_ptr<SqliteDatabase> database_;
  FixedClock clock_{parseTimestamp("2026-03-01T10:00:00.000Z")};
};

TEST_F(MigrationsTest, AFreshStoreIsAtVersionZero) { EXPECT_EQ(version(), 0); }

TEST_F(MigrationsTest, AppliesEveryMigrationInOrderAndRecordsIt) {
  Status applied = applyMigrations(*database_, threeMigrations(), clock_);
  ASSERT_TRUE(applied.ok()) << applied.error().message;
  EXPECT_EQ(version(), 3);
  EXPECT_EQ(queryOne<std::string>(*database_, "SELECT name FROM groups"), "production");
  auto recorded = appliedMigrations(*database_);
  ASSERT_TRUE(recorded.ok());
  ASSERT_EQ(recorded->size(), 3u);
  EXPECT_EQ((*recorded)[0].version, 1);
  EXPECT_EQ((*recorded)[1].description, "groups");
  EXPECT_EQ((*recorded)[2].appliedAt, "2026-03-01T10:00:00.000Z");
}

TEST_F(MigrationsTest, ReopeningAppliesNothingTwice) {
  ASSERT_TRUE(applyMigrations(*database_, threeMigrations(), clock_).ok());
  database_.reset();
  database_ = openStore(folder_);
  FixedClock later(parseTimestamp("2026-04-01T10:00:00.000Z"));
  Status again = applyMigrations(*database_, threeMigrations(), later);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(queryOne<int>(*database_, "SELECT COUNT(*) FROM groups"), 1);
  EXPECT_EQ(queryOne<int>(*database_, "SELECT COUNT(*) FROM schema_migrations"), 3);
  EXPECT_EQ(queryOne<std::string>(*database_, "SELECT MAX(applied_at) FROM schema_migrations"),
            "2026-03-01T10:00:00.000Z");
}

TEST_F(MigrationsTest, AppliesOnlyTheMigrationsAddedSinceLastTime) {
  auto migrations = threeMigrations();
  migrations.pop_back();
  ASSERT_TRUE(applyMigrations(*database_, migrations, clock_).ok());
  EXPECT_EQ(version(), 2);
  FixedClock later(parseTimestamp("2026-04-01T10:00:00.000Z"));
  ASSERT_TRUE(applyMigrations(*database_, threeMigrations(), later).ok());
  EXPECT_EQ(version(), 3);
  auto recorded = appliedMigrations(*database_);
  ASSERT_TRUE(recorded.ok());
  EXPECT_EQ((*recorded)[1].appliedAt, "2026-03-01T10:00:00.000Z");
  EXPECT_EQ((*recorded)[2].appliedAt, "2026-04-01T10:00:00.000Z");
}

TEST_F(MigrationsTest, AFailingMigrationLeavesTheStoreAtThePreviousVersion) {
  auto migrations = threeMigrations();
  migrations.push_back(
      {4, "broken", "CREATE TABLE half_done (x); INSERT INTO nowhere VALUES (1);"});
  Status applied = applyMigrations(*database_, migrations, clock_);
  ASSERT_FALSE(applied.ok());
  const std::string& message = applied.error().message;
  EXPECT_TRUE(contains(message, "to schema version 4 (broken)")) << message;
  EXPECT_TRUE(contains(message, "it stays at version 3")) << message;
  EXPECT_TRUE(contains(message, "no such table: nowhere")) << message;
  EXPECT_EQ(version(), 3);
  EXPECT_FALSE(tableExists("half_done"));
  EXPECT_FALSE(database_->inTransaction());

  migrations.back().sql = "CREATE TABLE half_done (x);";  // a fixed release
  ASSERT_TRUE(applyMigrations(*database_, migrations, clock_).ok());
  EXPECT_EQ(version(), 4);
  EXPECT_TRUE(tableExists("half_done"));
}

TEST_F(MigrationsTest, RefusesAStoreNewerThanThisGreenlightAndTouchesNothing) {
  ASSERT_TRUE(applyMigrations(*database_, threeMigrations(), clock_).ok());
  auto older = threeMigrations();
  older.pop_back();
  Status refused = applyMigrations(*database_, older, clock_);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "SchemaTooNew");
  const std::string& message = refused.error().message;
  EXPECT_TRUE(contains(message, "this greenlight is older than the database: upgrade greenlight"))
      << message;
  EXPECT_TRUE(contains(message, "schema version 3")) << message;
  EXPECT_TRUE(contains(message, "versions up to 2")) << message;
  EXPECT_EQ(version(), 3);
  EXPECT_TRUE(tableExists("groups"));
}

TEST_F(MigrationsTest, RefusesAListOutOfOrder) {
  std::vector<Migration> unordered = {{2, "second", "CREATE TABLE b (x);"},
                                      {1, "first", "CREATE TABLE a (x);"}};
  Status refused = applyMigrations(*database_, unordered, clock_);
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(contains(refused.error().message, "strictly increase"));
  EXPECT_FALSE(tableExists("b"));
  std::vector<Migration> zero = {{0, "zero", "CREATE TABLE z (x);"}};
  EXPECT_FALSE(applyMigrations(*database_, zero, clock_).ok());
}

TEST_F(MigrationsTest, ASecondConnectionToTheSameStoreAppliesOnlyWhatIsMissing) {
  auto other = openStore(folder_);
  ASSERT_NE(other, nullptr);
  auto migrations = threeMigrations();
  migrations.pop_back();
  ASSERT_TRUE(applyMigrations(*database_, migrations, clock_).ok());
  ASSERT_TRUE(applyMigrations(*other, threeMigrations(), clock_).ok());
  ASSERT_TRUE(applyMigrations(*database_, threeMigrations(), clock_).ok());
  EXPECT_EQ(queryOne<int>(*database_, "SELECT COUNT(*) FROM groups"), 1);
  EXPECT_EQ(version(), 3);
}

}  // namespace
}  // namespace greenlight::store
