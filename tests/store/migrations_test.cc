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

// Two components' lists, numbered independently; the auth list is grown in a later release.
std::vector<Migration> authMigrations() {
  return {
      {1, "tokens", "CREATE TABLE tokens (id INTEGER PRIMARY KEY);"},
      {2, "token names", "ALTER TABLE tokens ADD COLUMN name TEXT;"},
  };
}

TEST_F(MigrationsTest, ComponentsEvolveIndependently) {
  ASSERT_TRUE(applyMigrations(*database_, "core", threeMigrations(), clock_).ok());
  auto firstAuth = authMigrations();
  firstAuth.pop_back();
  Status authApplied = applyMigrations(*database_, "auth", firstAuth, clock_);
  ASSERT_TRUE(authApplied.ok()) << authApplied.error().message;
  EXPECT_EQ(version(), 3);
  EXPECT_EQ(*schemaVersion(*database_, "auth"), 1);

  FixedClock later(parseTimestamp("2026-04-01T10:00:00.000Z"));
  ASSERT_TRUE(applyMigrations(*database_, "auth", authMigrations(), later).ok());
  EXPECT_EQ(*schemaVersion(*database_, "auth"), 2);
  EXPECT_EQ(version(), 3);
  EXPECT_EQ(*schemaVersion(*database_, "engine"), 0);

  auto auth = appliedMigrations(*database_, "auth");
  ASSERT_TRUE(auth.ok());
  ASSERT_EQ(auth->size(), 2u);
  EXPECT_EQ((*auth)[0].component, "auth");
  EXPECT_EQ((*auth)[0].description, "tokens");
  EXPECT_EQ((*auth)[1].appliedAt, "2026-04-01T10:00:00.000Z");
  auto core = appliedMigrations(*database_);
  ASSERT_TRUE(core.ok());
  ASSERT_EQ(core->size(), 3u);
  EXPECT_EQ((*core)[0].component, "core");
  EXPECT_EQ((*core)[0].description, "applications");
}

TEST_F(MigrationsTest, AComponentNewerThanThisGreenlightIsRefusedWithoutBlockingTheOthers) {
  ASSERT_TRUE(applyMigrations(*database_, "auth", authMigrations(), clock_).ok());
  auto olderAuth = authMigrations();
  olderAuth.pop_back();
  Status refused = applyMigrations(*database_, "auth", olderAuth, clock_);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "SchemaTooNew");
  EXPECT_TRUE(contains(refused.error().message, "component auth")) << refused.error().message;
  // The core list is shorter than auth's, but it is judged against its own record only.
  std::vector<Migration> oneCore = {{1, "applications", "CREATE TABLE applications (x);"}};
  Status core = applyMigrations(*database_, oneCore, clock_);
  ASSERT_TRUE(core.ok()) << core.error().message;
  EXPECT_EQ(version(), 1);
  EXPECT_TRUE(tableExists("applications"));
}

TEST_F(MigrationsTest, RefusesAComponentNameThatIsNotAPlainName) {
  for (const char* name : {"", "Auth", "a b", "x'; DROP TABLE y; --"}) {
    Status refused = applyMigrations(*database_, name, authMigrations(), clock_);
    EXPECT_FALSE(refused.ok()) << name;
  }
  EXPECT_FALSE(tableExists("tokens"));
}

// A store written before migrations had components: schema_migrations without a component
// column, every row the core's.
TEST_F(MigrationsTest, UpgradesAStoreRecordedBeforeComponentsKeepingItsHistory) {
  ASSERT_TRUE(database_
                  ->execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY,"
                            " description TEXT NOT NULL, applied_at TEXT NOT NULL);"
                            "CREATE TABLE applications (name TEXT PRIMARY KEY);"
                            "CREATE TABLE groups (application TEXT NOT NULL"
                            " REFERENCES applications(name), name TEXT NOT NULL);"
                            "INSERT INTO schema_migrations VALUES"
                            " (1, 'applications', '2025-01-01T00:00:00.000Z'),"
                            " (2, 'groups', '2025-02-01T00:00:00.000Z');")
                  .ok());
  EXPECT_EQ(version(), 2);  // read before any upgrade
  EXPECT_EQ(*schemaVersion(*database_, "auth"), 0);
  auto legacy = appliedMigrations(*database_);
  ASSERT_TRUE(legacy.ok()) << legacy.error().message;
  ASSERT_EQ(legacy->size(), 2u);
  EXPECT_EQ((*legacy)[1].component, "core");

  Status applied = applyMigrations(*database_, threeMigrations(), clock_);
  ASSERT_TRUE(applied.ok()) << applied.error().message;
  EXPECT_EQ(version(), 3);
  EXPECT_EQ(queryOne<int>(*database_, "SELECT COUNT(*) FROM groups"), 1);  // only 3 ran
  EXPECT_EQ(queryOne<int>(*database_,
                          "SELECT COUNT(*) FROM schema_migrations WHERE component = 'core'"),
            3);
  auto history = appliedMigrations(*database_);
  ASSERT_TRUE(history.ok());
  EXPECT_EQ((*history)[0].appliedAt, "2025-01-01T00:00:00.000Z");
  EXPECT_EQ((*history)[2].appliedAt, "2026-03-01T10:00:00.000Z");

  ASSERT_TRUE(applyMigrations(*database_, "auth", authMigrations(), clock_).ok());
  EXPECT_EQ(*schemaVersion(*database_, "auth"), 2);
  EXPECT_EQ(version(), 3);
}

TEST_F(MigrationsTest, ALegacyStoreNewerThanThisGreenlightIsRefusedUntouched) {
  ASSERT_TRUE(database_
                  ->execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY,"
                            " description TEXT NOT NULL, applied_at TEXT NOT NULL);"
                            "INSERT INTO schema_migrations VALUES (7, 'future', 'x');")
                  .ok());
  Status refused = applyMigrations(*database_, threeMigrations(), clock_);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "SchemaTooNew");
  EXPECT_EQ(queryOne<int>(*database_, "SELECT COUNT(*) FROM pragma_table_info("
                                      "'schema_migrations') WHERE name = 'component'"),
            0);
}

}  // namespace
}  // namespace greenlight::store
