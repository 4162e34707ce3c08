// Opening a store: creation, durability settings, and errors an operator can act on.
#include "store/sqlite_database.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "store_test_helpers.h"
#include "support/test_support.h"

namespace greenlight::store {
namespace {

using testing::TempDir;

TEST(SqliteDatabaseTest, CreatesTheDataFolderAndAnOwnerOnlyStoreFile) {
  TempDir temp;
  auto folder = temp.path() / "data" / "nested";
  auto database = SqliteDatabase::openInDataFolder(folder);
  ASSERT_TRUE(database.ok()) << database.error().message;
  EXPECT_EQ((*database)->path(), folder / "greenlight.db");
  ASSERT_TRUE(std::filesystem::exists(folder / "greenlight.db"));
  struct stat info {};
  ASSERT_EQ(::stat((folder / "greenlight.db").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
}

TEST(SqliteDatabaseTest, UsesWriteAheadLoggingFullSyncAndForeignKeys) {
  TempDir folder;
  auto database = openStore(folder);
  ASSERT_NE(database, nullptr);
  EXPECT_EQ(queryOne<std::string>(*database, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(queryOne<int>(*database, "PRAGMA synchronous"), 2);  // FULL
  EXPECT_EQ(queryOne<int>(*database, "PRAGMA foreign_keys"), 1);
  EXPECT_EQ(queryOne<int>(*database, "PRAGMA busy_timeout"), 5000);
}

TEST(SqliteDatabaseTest, SynchronousAndBusyTimeoutAreConfigurable) {
  TempDir folder;
  SqliteOptions options;
  options.synchronous = SqliteSynchronous::Normal;
  options.busyTimeout = std::chrono::milliseconds(123);
  auto database = openStore(folder, options);
  ASSERT_NE(database, nullptr);
  EXPECT_EQ(queryOne<int>(*database, "PRAGMA synchronous"), 1);  // NORMAL
  EXPECT_EQ(queryOne<int>(*database, "PRAGMA busy_timeout"), 123);
}

TEST(SqliteDatabaseTest, ForeignKeysAreEnforced) {
  TempDir folder;
  auto database = openStore(folder);
  ASSERT_NE(database, nullptr);
  ASSERT_TRUE(database
                  ->execute("CREATE TABLE parent (id INTEGER PRIMARY KEY);"
                            "CREATE TABLE child (parent_id INTEGER REFERENCES parent(id));")
                  .ok());
  Status orphan = database->run("INSERT INTO child (parent_id) VALUES (?)", 42);
  ASSERT_FALSE(orphan.ok());
  EXPECT_EQ(orphan.error().code, kStoreConstraint);
  EXPECT_TRUE(contains(orphan.error().message, "FOREIGN KEY")) << orphan.error().message;
}

TEST(SqliteDatabaseTest, KeepsDataAcrossReopening) {
  TempDir folder;
  {
    auto database = openStore(folder);
    ASSERT_NE(database, nullptr);
    ASSERT_TRUE(database->execute("CREATE TABLE notes (text TEXT NOT NULL)").ok());
    ASSERT_TRUE(database->run("INSERT INTO notes (text) VALUES (?)", "kept").ok());
  }
  auto reopened = openStore(folder);
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(queryOne<std::string>(*reopened, "SELECT text FROM notes"), "kept");
}

TEST(SqliteDatabaseTest, RefusesAFileThatIsNotADatabaseSayingWhichFile) {
  TempDir folder;
  testing::writeFile(folder / "greenlight.db", std::string(4096, 'x'));
  auto database = SqliteDatabase::openInDataFolder(folder.path());
  ASSERT_FALSE(database.ok());
  EXPECT_EQ(database.error().code, kStoreCorrupt);
  EXPECT_TRUE(contains(database.error().message, (folder / "greenlight.db").string()));
  EXPECT_TRUE(contains(database.error().message, "SQLITE_NOTADB")) << database.error().message;
  EXPECT_TRUE(contains(database.error().message, "restore")) << database.error().message;
}

TEST(SqliteDatabaseTest, ReportsADataFolderThatCannotBeCreated) {
  TempDir temp;
  testing::writeFile(temp / "file", "not a folder");
  auto database = SqliteDatabase::openInDataFolder(temp / "file" / "data");
  ASSERT_FALSE(database.ok());
  EXPECT_EQ(database.error().code, kStoreUnavailable);
  EXPECT_TRUE(contains(database.error().message, (temp / "file" / "data").string()))
      << database.error().message;
}

TEST(SqliteDatabaseTest, AFullDiskSaysSoAndWhatToDo) {
  TempDir folder;
  auto database = openStore(folder);
  ASSERT_NE(database, nullptr);
  ASSERT_TRUE(database->execute("CREATE TABLE filler (data BLOB)").ok());
  // A page limit makes the store "full" the way a full disk does, without filling a disk.
  int pages = queryOne<int>(*database, "PRAGMA page_count");
  ASSERT_TRUE(database->execute("PRAGMA max_page_count = " + std::to_string(pages + 2)).ok());
  Status full = database->run("INSERT INTO filler (data) VALUES (zeroblob(1000000))");
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error().code, kStoreFull);
  const std::string& message = full.error().message;
  EXPECT_TRUE(contains(
      message, "cannot write to the greenlight store " + (folder / "greenlight.db").string()))
      << message;
  EXPECT_TRUE(contains(message, "database or disk is full (SQLITE_FULL)")) << message;
  EXPECT_TRUE(contains(message, "free disk space and restart")) << message;
  EXPECT_TRUE(contains(message, "INSERT INTO filler")) << message;
}

TEST(SqliteDatabaseTest, ExecuteRunsScriptsAndNamesTheFailingStatement) {
  TempDir folder;
  auto database = openStore(folder);
  ASSERT_NE(database, nullptr);
  ASSERT_TRUE(database->execute("-- a comment\nCREATE TABLE a (x);\n\nCREATE TABLE b (y);\n").ok());
  EXPECT_EQ(queryOne<int>(*database, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'"), 2);
  Status failed = database->execute("CREATE TABLE c (z); INSERT INTO missing VALUES (1);");
  ASSERT_FALSE(failed.ok());
  EXPECT_TRUE(contains(failed.error().message, "no such table: missing")) << failed.error().message;
  EXPECT_TRUE(contains(failed.error().message, "INSERT INTO missing")) << failed.error().message;
}

}  // namespace
}  // namespace greenlight::store
