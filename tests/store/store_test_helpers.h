// Helpers for the store tests: opening a fresh store and reading single values back.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "store/sqlite_database.h"
#include "support/test_support.h"

namespace greenlight::store {

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Opens (creating) a store in `folder`; fails the test if it cannot.
inline std::unique_ptr<SqliteDatabase> openStore(const testing::TempDir& folder,
                                                 const SqliteOptions& options = {}) {
  auto database = SqliteDatabase::openInDataFolder(folder.path(), options);
  if (!database.ok()) ADD_FAILURE() << database.error().message;
  return database.ok() ? std::move(database).value() : nullptr;
}

// The first column of the first row of `sql`, read as T.
template <typename T>
T queryOne(SqliteDatabase& database, const std::string& sql) {
  auto statement = database.prepare(sql);
  EXPECT_TRUE(statement.ok()) << statement.error().message;
  if (!statement.ok()) return T{};
  auto row = (*statement)->step();
  EXPECT_TRUE(row.ok() && *row) << sql;
  if (!row.ok() || !*row) return T{};
  auto value = (*statement)->template read<T>(0);
  EXPECT_TRUE(value.ok()) << value.error().message;
  return value.ok() ? *value : T{};
}

}  // namespace greenlight::store
