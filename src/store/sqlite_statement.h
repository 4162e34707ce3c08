// A prepared SQLite statement: typed parameter binding, strict typed column reads, finalised when
// the object dies. Values cross this boundary as C++ types, never spliced into SQL text.
#pragma once

#include <concepts>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "common/result.h"
#include "store/sqlite_error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace greenlight::store {

using Blob = std::vector<std::uint8_t>;
using BlobView = std::span<const std::uint8_t>;

template <typename T>
struct IsOptional : std::false_type {};
template <typename T>
struct IsOptional<std::optional<T>> : std::true_type {};

// Not thread-safe: like its connection, a statement is used by one thread at a time.
// Parameters are `?` placeholders numbered from 1; columns are numbered from 0.
class SqliteStatement {
 public:
  // REQUIRES: `connection` and `context` outlive the statement (SqliteDatabase guarantees it for
  // the statements it hands out). `sql` must hold exactly one statement.
  static Result<std::unique_ptr<SqliteStatement>> prepare(sqlite3* connection,
                                                          const SqliteContext& context,
                                                          std::string_view sql);
  ~SqliteStatement();
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  const std::string& sql() const { return sql_; }

  // Binding. Text and blobs are copied, so the arguments need not outlive the call. An empty
  // string or blob is stored as such, not as NULL; bind std::nullopt for NULL.
  Status bind(int index, std::int64_t value) { return bindInt64(index, value); }
  template <std::integral T>
  Status bind(int index, T value);
  Status bind(int index, double value);
  Status bind(int index, std::string_view text);
  Status bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Status bind(int index, BlobView bytes);
  Status bind(int index, std::nullopt_t);
  template <typename T>
  Status bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind(index, std::nullopt);
  }
  // Resets the statement, clears earlier bindings and binds `values` to parameters 1..n; refuses
  // a count that differs from the statement's placeholders.
  template <typename... Values>
  Status bindAll(const Values&... values);

  // Steps once: true with a row to read, false when the statement is done.
  Result<bool> step();
  // Steps until done (for statements that return no rows), then resets, keeping the bindings.
  Status run();
  // Makes the statement ready to run again; bindings are kept.
  void reset();
  // Sets every parameter back to NULL.
  Status clearBindings();

  // Reads from the current row (after step() returned true). A NULL, or a value of another
  // storage class, is an error unless T is std::optional; integers are range-checked.
  // T: std::int64_t (or another integral type, bool included), double, std::string, Blob, or
  // std::optional of one of these.
  template <typename T>
  Result<T> read(int column) const;
  int columnCount() const;
  Result<bool> isNull(int column) const;

 private:
  SqliteStatement(sqlite3* connection, const SqliteContext& context, sqlite3_stmt* statement,
                  std::string_view sql);
  Status bindInt64(int index, std::int64_t value);
  Status bindResult(int resultCode, int index);
  Status checkParameterCount(int count) const;
  Status outOfRange(int index) const;
  Result<std::int64_t> readInt64(int column) const;
  Result<double> readDouble(int column) const;
  Result<std::string> readText(int column) const;
  Result<Blob> readBlob(int column) const;
  // OK when `column` holds `storageClass` (an SQLITE_* type); else a StoreSchemaMismatch.
  Status expectStorageClass(int column, int storageClass, const char* expected) const;
  Error readError(int column, const std::string& problem) const;

  sqlite3* connection_;
  const SqliteContext* context_;
  sqlite3_stmt* statement_;
  std::string sql_;
  bool hasRow_ = false;
};

template <std::integral T>
Status SqliteStatement::bind(int index, T value) {
  if constexpr (std::is_unsigned_v<T> && sizeof(T) >= sizeof(std::int64_t)) {
    if (value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return outOfRange(index);
    }
  }
  return bindInt64(index, static_cast<std::int64_t>(value));
}

template <typename... Values>
Status SqliteStatement::bindAll(const Values&... values) {
  reset();
  if (Status cleared = clearBindings(); !cleared.ok()) return cleared;
  if (Status counted = checkParameterCount(static_cast<int>(sizeof...(Values))); !counted.ok()) {
    return counted;
  }
  Status status;
  int index = 0;
  ((status = status.ok() ? bind(++index, values) : status), ...);
  return status;
}

template <typename T>
Result<T> SqliteStatement::read(int column) const {
  if constexpr (IsOptional<T>::value) {
    Result<bool> null = isNull(column);
    if (!null.ok()) return null.error();
    if (*null) return T{std::nullopt};
    auto inner = read<typename T::value_type>(column);
    if (!inner.ok()) return inner.error();
    return T{std::move(inner).value()};
  } else if constexpr (std::is_same_v<T, std::string>) {
    return readText(column);
  } else if constexpr (std::is_same_v<T, Blob>) {
    return readBlob(column);
  } else if constexpr (std::is_same_v<T, double>) {
    return readDouble(column);
  } else if constexpr (std::integral<T>) {
    Result<std::int64_t> value = readInt64(column);
    if (!value.ok()) return value.error();
    if constexpr (std::is_same_v<T, bool>) {
      if (*value != 0 && *value != 1) {
        return readError(column, "holds " + std::to_string(*value) + " where 0 or 1 was expected");
      }
      return *value == 1;
    } else {
      if (!std::in_range<T>(*value)) {
        return readError(column, "holds " + std::to_string(*value) + ", out of range here");
      }
      return static_cast<T>(*value);
    }
  } else {
    static_assert(!sizeof(T), "read<T>: unsupported column type");
  }
}

}  // namespace greenlight::store
