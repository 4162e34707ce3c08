// Prepared statements: binding, stepping and strict column reads over SQLite's C API.
#include "store/sqlite_statement.h"

#include <sqlite3.h>

namespace greenlight::store {
namespace {

const char* storageClassName(int storageClass) {
  switch (storageClass) {
    case SQLITE_INTEGER: return "an integer";
    case SQLITE_FLOAT: return "a real number";
    case SQLITE_TEXT: return "text";
    case SQLITE_BLOB: return "a blob";
    default: return "NULL";
  }
}

}  // namespace

Result<std::unique_ptr<SqliteStatement>> SqliteStatement::prepare(sqlite3* connection,
                                                                  const SqliteContext& context,
                                                                  std::string_view sql) {
  sqlite3_stmt* statement = nullptr;
  const char* tail = nullptr;
  int resultCode = sqlite3_prepare_v3(connection, sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &statement, &tail);
  if (resultCode != SQLITE_OK) {
    return sqliteError(connection, resultCode, context, "cannot prepare a statement for", sql);
  }
  auto owned =
      std::unique_ptr<SqliteStatement>(new SqliteStatement(connection, context, statement, sql));
  if (statement == nullptr) {
    return storeError(kStoreMisuse, context, "the statement `" + std::string(sql) + "` is empty",
                      "this is a bug in greenlight; please report it with this message");
  }
  std::string_view rest(tail, static_cast<std::size_t>(sql.data() + sql.size() - tail));
  if (rest.find_first_not_of(" \t\r\n;") != std::string_view::npos) {
    return storeError(kStoreMisuse, context,
                      "`" + std::string(sql) + "` holds more than one statement",
                      "prepare one statement at a time (SqliteDatabase::execute runs scripts); "
                      "this is a bug in greenlight");
  }
  return owned;
}

SqliteStatement::SqliteStatement(sqlite3* connection, const SqliteContext& context,
                                 sqlite3_stmt* statement, std::string_view sql)
    : connection_(connection), context_(&context), statement_(statement), sql_(sql) {}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(statement_); }

Status SqliteStatement::bindResult(int resultCode, int index) {
  if (resultCode == SQLITE_OK) return Status::success();
  return sqliteError(connection_, resultCode, *context_,
                     "cannot bind parameter " + std::to_string(index) + " for", sql_);
}

Status SqliteStatement::bindInt64(int index, std::int64_t value) {
  return bindResult(sqlite3_bind_int64(statement_, index, value), index);
}

Status SqliteStatement::bind(int index, double value) {
  return bindResult(sqlite3_bind_double(statement_, index, value), index);
}

Status SqliteStatement::bind(int index, std::string_view text) {
  // A null data pointer would bind NULL; an empty string must stay an empty string.
  const char* data = text.empty() ? "" : text.data();
  return bindResult(
      sqlite3_bind_text64(statement_, index, data, text.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
      index);
}

Status SqliteStatement::bind(int index, BlobView bytes) {
  if (bytes.empty()) return bindResult(sqlite3_bind_zeroblob(statement_, index, 0), index);
  return bindResult(
      sqlite3_bind_blob64(statement_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT), index);
}

Status SqliteStatement::bind(int index, std::nullopt_t) {
  return bindResult(sqlite3_bind_null(statement_, index), index);
}

Status SqliteStatement::outOfRange(int index) const {
  return storeError(kStoreMisuse, *context_,
                    "parameter " + std::to_string(index) + " of `" + sql_ +
                        "` is an unsigned integer too large for a signed 64-bit column",
                    "this is a bug in greenlight; please report it with this message");
}

Status SqliteStatement::checkParameterCount(int count) const {
  int expected = sqlite3_bind_parameter_count(statement_);
  if (count == expected) return Status::success();
  return storeError(kStoreMisuse, *context_,
                    "`" + sql_ + "` takes " + std::to_string(expected) + " parameters but " +
                        std::to_string(count) + " were given",
                    "this is a bug in greenlight; please report it with this message");
}

Status SqliteStatement::clearBindings() {
  return bindResult(sqlite3_clear_bindings(statement_), 0);
}

Result<bool> SqliteStatement::step() {
  int resultCode = sqlite3_step(statement_);
  hasRow_ = resultCode == SQLITE_ROW;
  if (resultCode == SQLITE_ROW) return true;
  if (resultCode == SQLITE_DONE) return false;
  const char* action = failedStepAction(statement_);
  Error error = sqliteError(connection_, resultCode, *context_, action, sql_);
  sqlite3_reset(statement_);
  return error;
}

Status SqliteStatement::run() {
  reset();
  while (true) {
    Result<bool> stepped = step();
    if (!stepped.ok()) return stepped.error();
    if (!*stepped) break;
  }
  reset();
  return Status::success();
}

void SqliteStatement::reset() {
  // sqlite3_reset repeats the last step's error, which step() has already reported.
  sqlite3_reset(statement_);
  hasRow_ = false;
}

int SqliteStatement::columnCount() const { return sqlite3_column_count(statement_); }

Error SqliteStatement::readError(int column, const std::string& problem) const {
  const char* name =
      column >= 0 && column < columnCount() ? sqlite3_column_name(statement_, column) : nullptr;
  std::string where = "column " + std::to_string(column);
  if (name != nullptr) where += " ('" + std::string(name) + "')";
  return storeError(kStoreSchemaMismatch, *context_, where + " of `" + sql_ + "` " + problem,
                    "the database does not match what this greenlight expects: check that it "
                    "was written by this version, or restore it from a backup");
}

Result<bool> SqliteStatement::isNull(int column) const {
  if (!hasRow_) return readError(column, "was read with no current row (a bug in greenlight)");
  if (column < 0 || column >= columnCount()) {
    return readError(
        column, "does not exist: the statement has " + std::to_string(columnCount()) + " columns");
  }
  return sqlite3_column_type(statement_, column) == SQLITE_NULL;
}

Status SqliteStatement::expectStorageClass(int column, int storageClass,
                                           const char* expected) const {
  Result<bool> null = isNull(column);
  if (!null.ok()) return null.error();
  int actual = sqlite3_column_type(statement_, column);
  if (actual == storageClass) return Status::success();
  return readError(column, std::string("holds ") + storageClassName(actual) + " where " + expected +
                               " was expected");
}

Result<std::int64_t> SqliteStatement::readInt64(int column) const {
  if (Status status = expectStorageClass(column, SQLITE_INTEGER, "an integer"); !status.ok()) {
    return status.error();
  }
  return static_cast<std::int64_t>(sqlite3_column_int64(statement_, column));
}

Result<double> SqliteStatement::readDouble(int column) const {
  // A REAL column may hand back a whole number stored as an integer; both are numbers.
  Result<bool> null = isNull(column);
  if (!null.ok()) return null.error();
  if (sqlite3_column_type(statement_, column) == SQLITE_INTEGER) {
    return static_cast<double>(sqlite3_column_int64(statement_, column));
  }
  if (Status status = expectStorageClass(column, SQLITE_FLOAT, "a real number"); !status.ok()) {
    return status.error();
  }
  return sqlite3_column_double(statement_, column);
}

Result<std::string> SqliteStatement::readText(int column) const {
  if (Status status = expectStorageClass(column, SQLITE_TEXT, "text"); !status.ok()) {
    return status.error();
  }
  const unsigned char* text = sqlite3_column_text(statement_, column);
  int size = sqlite3_column_bytes(statement_, column);
  if (text == nullptr) return std::string();
  return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size));
}

Result<Blob> SqliteStatement::readBlob(int column) const {
  if (Status status = expectStorageClass(column, SQLITE_BLOB, "a blob"); !status.ok()) {
    return status.error();
  }
  const void* data = sqlite3_column_blob(statement_, column);
  int size = sqlite3_column_bytes(statement_, column);
  if (data == nullptr || size == 0) return Blob();
  const auto* bytes = static_cast<const std::uint8_t*>(data);
  return Blob(bytes, bytes + size);
}

}  // namespace greenlight::store
