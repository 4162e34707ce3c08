// JSON documents in TEXT columns.
#include "store/sqlite_json.h"

#include <gtest/gtest.h>

#include "store_test_helpers.h"
#include "support/test_support.h"

namespace greenlight::store {
namespace {

using testing::TempDir;

class SqliteJsonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    database_ = openStore(folder_);
    ASSERT_NE(database_, nullptr);
    ASSERT_TRUE(
        database_->execute("CREATE TABLE documents (id INTEGER PRIMARY KEY, body TEXT)").ok());
  }
  CachedStatement selectBody(std::int64_t id) {
    auto select = database_->prepare("SELECT body FROM documents WHERE id = ?");
    EXPECT_TRUE(select.ok());
    EXPECT_TRUE((*select)->bindAll(id).ok());
    auto row = (*select)->step();
    EXPECT_TRUE(row.ok() && *row);
    return std::move(select).value();
  }

  TempDir folder_;
  std::unique_ptr<SqliteDatabase> database_;
};

TEST_F(SqliteJsonTest, RoundTripsADocument) {
  nlohmann::json document = {{"revision", "sha256:ab"}, {"weights", {10, 90}}, {"note", "h\u00e9"}};
  auto insert = database_->prepare("INSERT INTO documents (id, body) VALUES (1, ?)");
  ASSERT_TRUE(insert.ok());
  ASSERT_TRUE(bindJson(**insert, 1, document).ok());
  ASSERT_TRUE((*insert)->run().ok());
  auto row = selectBody(1);
  auto read = readJson(*row, 0);
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(*read, document);
  // Stored as plain JSON text, so SQL can look inside it.
  EXPECT_EQ(queryOne<int>(*database_, "SELECT json_extract(body, '$.weights[1]') FROM documents"),
            90);
}

TEST_F(SqliteJsonTest, NullIsNoDocumentOnlyWhenOptional) {
  ASSERT_TRUE(
      database_->run("INSERT INTO documents (id, body) VALUES (?, ?)", 2, std::nullopt).ok());
  auto row = selectBody(2);
  EXPECT_FALSE(readJson(*row, 0).ok());
  auto optional = readOptionalJson(*row, 0);
  ASSERT_TRUE(optional.ok());
  EXPECT_FALSE(optional->has_value());
}

TEST_F(SqliteJsonTest, TextThatIsNotJsonIsAnErrorNotAnException) {
  ASSERT_TRUE(database_->run("INSERT INTO documents (id, body) VALUES (?, ?)", 3, "{broken").ok());
  auto row = selectBody(3);
  auto read = readJson(*row, 0);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code, kStoreSchemaMismatch);
  EXPECT_TRUE(contains(read.error().message, "does not hold valid JSON")) << read.error().message;
}

TEST_F(SqliteJsonTest, RefusesADocumentThatIsNotValidUtf8) {
  nlohmann::json document = {{"name", std::string("\xff\xfe")}};
  auto insert = database_->prepare("INSERT INTO documents (id, body) VALUES (4, ?)");
  ASSERT_TRUE(insert.ok());
  Status bound = bindJson(**insert, 1, document);
  ASSERT_FALSE(bound.ok());
  EXPECT_TRUE(contains(bound.error().message, "UTF-8")) << bound.error().message;
}

}  // namespace
}  // namespace greenlight::store
