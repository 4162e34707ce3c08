// One SQLite connection to greenlight's store file, set up for durability (WAL, synchronous
// commits, foreign keys, a busy timeout), with cached prepared statements and scripts.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "store/sqlite_error.h"
#include "store/sqlite_statement.h"
#include "store/sqlite_statement_cache.h"

struct sqlite3;

namespace greenlight::store {

// How hard SQLite syncs at commit, in WAL mode:
//  Normal — a commit survives the process being killed, but the last commits may be lost if the
//           machine loses power or the kernel crashes before the next checkpoint;
//  Full   — the WAL is fsynced at every commit: a commit survives power loss too;
//  Extra  — Full, plus syncing the folder after a WAL file is deleted (paranoid filesystems).
enum class SqliteSynchronous { Normal, Full, Extra };

struct SqliteOptions {
  // Full by default: the engine commits each deployment transition before asking for its effect
  // (start a fleet, shift traffic). A transition lost after its effect happened would make a
  // restarted server repeat or skip a step, so a commit must outlive a power cut. The price is one
  // fsync per transition, small next to the seconds each deployment step takes.
  SqliteSynchronous synchronous = SqliteSynchronous::Full;
  // How long a statement waits for another connection's lock before failing with StoreBusy.
  std::chrono::milliseconds busyTimeout{5000};
};

// The store file's name inside a data folder.
inline constexpr const char* kStoreFileName = "greenlight.db";

// NOT thread-safe: one thread at a time may use a connection and the statements it hands out.
// Share one between threads through SerializedSqliteDatabase (sqlite_serialized.h), or keep it
// on a single executor and post work to it. Several connections (in one process or several) may
// open the same file; SQLite's locks and the busy timeout arbitrate between them.
class SqliteDatabase {
 public:
  // Opens (creating if needed, readable by its owner only) the store file at `file`.
  static Result<std::unique_ptr<SqliteDatabase>> open(const std::filesystem::path& file,
                                                      const SqliteOptions& options = {});
  // Creates `dataFolder` if needed (owner-only) and opens kStoreFileName inside it.
  static Result<std::unique_ptr<SqliteDatabase>> openInDataFolder(
      const std::filesystem::path& dataFolder, const SqliteOptions& options = {});
  ~SqliteDatabase();
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  // Runs a script of one or more statements without parameters (schema changes, pragmas).
  Status execute(std::string_view script);
  // A prepared statement for one statement `sql`, from the cache when it was prepared before.
  Result<CachedStatement> prepare(const std::string& sql);
  // prepare + bindAll + run, for a statement that returns no rows.
  template <typename... Values>
  Status run(const std::string& sql, const Values&... values);

  // The rowid of the last successful INSERT on this connection, and the rows the last
  // INSERT/UPDATE/DELETE changed.
  std::int64_t lastInsertRowId() const;
  std::int64_t changes() const;
  // True while a transaction is open on this connection (by Transaction or by a script).
  bool inTransaction() const;

  const std::filesystem::path& path() const { return context_.path; }
  const SqliteOptions& options() const { return options_; }
  const SqliteContext& context() const { return context_; }

 private:
  friend class Transaction;
  SqliteDatabase(sqlite3* connection, std::filesystem::path path, const SqliteOptions& options);
  Status configure();

  sqlite3* connection_;
  SqliteContext context_;
  SqliteOptions options_;
  SqliteStatementCache cache_;    // emptied before the connection closes
  bool transactionOpen_ = false;  // a Transaction object is alive
};

template <typename... Values>
Status SqliteDatabase::run(const std::string& sql, const Values&... values) {
  Result<CachedStatement> statement = prepare(sql);
  if (!statement.ok()) return statement.error();
  if (Status bound = (*statement)->bindAll(values...); !bound.ok()) return bound;
  return (*statement)->run();
}

}  // namespace greenlight::store
