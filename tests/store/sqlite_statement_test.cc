// Typed binding and reading: round trips of every type, NULL, large blobs, and strict reads.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>

#include "store/sqlite_database.h"
#include "store_test_helpers.h"
#include "support/test_support.h"

namespace greenlight::store {
namespace {

using testing::TempDir;

class SqliteStatementTest : public ::testing::Test {
 protected:
  void SetUp() override {
    database_ = openStore(folder_);
    ASSERT_NE(database_, nullptr);
    ASSERT_TRUE(database_
                    ->execute("CREATE TABLE items (id INTEGER PRIMARY KEY, number INTEGER, "
                              "real REAL, text TEXT, data BLOB)")
                    .ok());
  }

  // Inserts one row and returns a statement positioned on it.
  template <typename... Values>
  CachedStatement roundTrip(const Values&... values) {
    Status inserted = database_->run(
        "INSERT INTO items (number, real, text, data) VALUES (?, ?, ?, ?)", values...);
    EXPECT_TRUE(inserted.ok()) << inserted.error().message;
    auto select = database_->prepare("SELECT number, real, text, data FROM items WHERE id = ?");
    EXPECT_TRUE(select.ok());
    EXPECT_TRUE((*select)->bindAll(database_->lastInsertRowId()).ok());
    auto row = (*select)->step();
    EXPECT_TRUE(row.ok() && *row);
    return std::move(select).value();
  }

  TempDir folder_;
  std::unique_ptr<SqliteDatabase> database_;
};

TEST_F(SqliteStatementTest, RoundTripsIntegersRealsTextAndBlobs) {
  Blob bytes = {0, 1, 2, 255, 0, 7};
  auto row = roundTrip(std::numeric_limits<std::int64_t>::min(), 2.5,
                       std::string("h\xc3\xa9llo\0world", 12), bytes);
  EXPECT_EQ(*row->read<std::int64_t>(0), std::numeric_limits<std::int64_t>::min());
  EXPECT_DOUBLE_EQ(*row->read<double>(1), 2.5);
  EXPECT_EQ(*row->read<std::string>(2), std::string("h\xc3\xa9llo\0world", 12));
  EXPECT_EQ(*row->read<Blob>(3), bytes);
}

TEST_F(SqliteStatementTest, RoundTripsLimitsAndSmallerIntegerTypes) {
  auto row = roundTrip(std::numeric_limits<std::int64_t>::max(), 7, "x", Blob{1});
  EXPECT_EQ(*row->read<std::int64_t>(0), std::numeric_limits<std::int64_t>::max());
  auto narrowed = row->read<int>(0);
  ASSERT_FALSE(narrowed.ok());
  EXPECT_EQ(narrowed.error().code, kStoreSchemaMismatch);
  EXPECT_DOUBLE_EQ(*row->read<double>(1), 7.0);  // a whole number in a REAL column
}

TEST_F(SqliteStatementTest, EmptyTextAndEmptyBlobAreNotNull) {
  auto row = roundTrip(0, 0.0, std::string(), Blob());
  EXPECT_FALSE(*row->isNull(2));
  EXPECT_FALSE(*row->isNull(3));
  EXPECT_EQ(*row->read<std::string>(2), "");
  EXPECT_EQ(*row->read<Blob>(3), Blob());
}

TEST_F(SqliteStatementTest, NullAndOptionalsRoundTrip) {
  auto row = roundTrip(std::optional<std::int64_t>(), std::nullopt,
                       std::optional<std::string>("present"), std::optional<Blob>());
  EXPECT_TRUE(*row->isNull(0));
  EXPECT_EQ(*row->read<std::optional<std::int64_t>>(0), std::nullopt);
  EXPECT_EQ(*row->read<std::optional<double>>(1), std::nullopt);
  EXPECT_EQ(*row->read<std::optional<std::string>>(2), std::optional<std::string>("present"));
  EXPECT_EQ(*row->read<std::optional<Blob>>(3), std::nullopt);
}

TEST_F(SqliteStatementTest, ReadingNullAsAPlainValueIsAnErrorNamingTheColumn) {
  auto row = roundTrip(std::nullopt, std::nullopt, std::nullopt, std::nullopt);
  auto number = row->read<std::int64_t>(0);
  ASSERT_FALSE(number.ok());
  EXPECT_EQ(number.error().code, kStoreSchemaMismatch);
  EXPECT_TRUE(contains(number.error().message, "column 0 ('number')")) << number.error().message;
  EXPECT_TRUE(contains(number.error().message, "holds NULL where an integer was expected"))
      << number.error().message;
  EXPECT_FALSE(row->read<std::string>(2).ok());
}

TEST_F(SqliteStatementTest, ReadingAnotherStorageClassIsAnError) {
  auto row = roundTrip(1, 1.5, "12", Blob{1});
  auto textAsNumber = row->read<std::int64_t>(2);
  ASSERT_FALSE(textAsNumber.ok());
  EXPECT_TRUE(contains(textAsNumber.error().message, "holds text where an integer was expected"));
  EXPECT_FALSE(row->read<Blob>(2).ok());
  EXPECT_FALSE(row->read<std::string>(3).ok());
  EXPECT_FALSE(row->read<std::int64_t>(1).ok());
  EXPECT_FALSE(row->read<std::int64_t>(9).ok());  // no such column
}

TEST_F(SqliteStatementTest, BooleansAreZeroOrOne) {
  auto row = roundTrip(true, 0.0, "", Blob());
  EXPECT_EQ(*row->read<std::int64_t>(0), 1);
  EXPECT_TRUE(*row->read<bool>(0));
  auto notBool = roundTrip(2, 0.0, "", Blob());
  EXPECT_FALSE(notBool->read<bool>(0).ok());
}

TEST_F(SqliteStatementTest, RoundTripsALargeBlob) {
  Blob large(16 * 1024 * 1024);
  for (std::size_t i = 0; i < large.size(); ++i) large[i] = static_cast<std::uint8_t>(i * 31 + 7);
  auto row = roundTrip(1, 0.0, "", large);
  auto read = row->read<Blob>(3);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->size(), large.size());
  EXPECT_TRUE(*read == large);
}

TEST_F(SqliteStatementTest, RefusesTheWrongNumberOfParameters) {
  Status tooFew = database_->run("INSERT INTO items (number, text) VALUES (?, ?)", 1);
  ASSERT_FALSE(tooFew.ok());
  EXPECT_EQ(tooFew.error().code, kStoreMisuse);
  EXPECT_TRUE(contains(tooFew.error().message, "takes 2 parameters but 1 were given"));
  EXPECT_EQ(queryOne<int>(*database_, "SELECT COUNT(*) FROM items"), 0);
}

TEST_F(SqliteStatementTest, RefusesAnUnsignedValueTooLargeForTheColumn) {
  Status tooLarge = database_->run("INSERT INTO items (number) VALUES (?)",
                                   std::numeric_limits<std::uint64_t>::max());
  ASSERT_FALSE(tooLarge.ok());
  EXPECT_EQ(tooLarge.error().code, kStoreMisuse);
}

TEST_F(SqliteStatementTest, RefusesMoreThanOneStatementAndReadsWithoutARow) {
  auto two = database_->prepare("SELECT 1; SELECT 2");
  ASSERT_FALSE(two.ok());
  EXPECT_TRUE(contains(two.error().message, "more than one statement"));
  auto select = database_->prepare("SELECT 1");
  ASSERT_TRUE(select.ok());
  EXPECT_FALSE((*select)->read<int>(0).ok());  // step() not called yet
}

TEST_F(SqliteStatementTest, AUniquenessViolationIsAConstraintError) {
  ASSERT_TRUE(database_->run("INSERT INTO items (id) VALUES (?)", 5).ok());
  Status duplicate = database_->run("INSERT INTO items (id) VALUES (?)", 5);
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.error().code, kStoreConstraint);
  EXPECT_TRUE(contains(duplicate.error().message, "UNIQUE constraint failed: items.id"));
}

TEST_F(SqliteStatementTest, IteratesRowsAndStopsAtTheEnd) {
  for (int i = 1; i <= 3; ++i)
    ASSERT_TRUE(database_->run("INSERT INTO items (number) VALUES (?)", i * 10).ok());
  auto select = database_->prepare("SELECT number FROM items ORDER BY number");
  ASSERT_TRUE(select.ok());
  std::vector<int> numbers;
  while (true) {
    auto row = (*select)->step();
    ASSERT_TRUE(row.ok());
    if (!*row) break;
    numbers.push_back(*(*select)->read<int>(0));
  }
  EXPECT_EQ(numbers, (std::vector<int>{10, 20, 30}));
}

TEST_F(SqliteStatementTest, TheCacheReusesAStatementButNeverLendsItTwice) {
  const SqliteStatement* first = nullptr;
  {
    auto statement = database_->prepare("SELECT number FROM items");
    ASSERT_TRUE(statement.ok());
    first = &**statement;
  }
  auto again = database_->prepare("SELECT number FROM items");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(&**again, first);
  auto concurrent = database_->prepare("SELECT number FROM items");
  ASSERT_TRUE(concurrent.ok());
  EXPECT_NE(&**concurrent, first);
}

TEST_F(SqliteStatementTest, ACachedStatementComesBackWithoutItsOldBindings) {
  {
    auto insert = database_->prepare("INSERT INTO items (number) VALUES (?)");
    ASSERT_TRUE(insert.ok());
    ASSERT_TRUE((*insert)->bind(1, 99).ok());
    ASSERT_TRUE((*insert)->run().ok());
  }
  auto insert = database_->prepare("INSERT INTO items (number) VALUES (?)");
  ASSERT_TRUE(insert.ok());
  ASSERT_TRUE((*insert)->run().ok());
  EXPECT_EQ(queryOne<int>(*database_, "SELECT COUNT(*) FROM items WHERE number IS NULL"), 1);
}

}  // namespace
}  // namespace greenlight::store
