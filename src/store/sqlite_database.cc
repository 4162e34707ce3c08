// Opening and configuring a store connection; scripts and cached statements.
#include "store/sqlite_database.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace greenlight::store {
namespace {

const char* synchronousPragma(SqliteSynchronous synchronous) {
  switch (synchronous) {
    case SqliteSynchronous::Normal: return "PRAGMA synchronous = NORMAL";
    case SqliteSynchronous::Full: return "PRAGMA synchronous = FULL";
    case SqliteSynchronous::Extra: return "PRAGMA synchronous = EXTRA";
  }
  return "PRAGMA synchronous = FULL";
}

// The store may hold credentials, so a new file is created readable by its owner only (SQLite
// gives its -wal and -shm files the same permissions).
Status createOwnerOnlyFile(const std::filesystem::path& file, const SqliteContext& context) {
  int descriptor = ::open(file.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (descriptor < 0) {
    return storeError(kStoreUnavailable, context,
                      std::string("cannot create the file: ") + std::strerror(errno),
                      "check that the data folder exists and that the user running greenlight "
                      "can write to it");
  }
  ::close(descriptor);
  return Status::success();
}

}  // namespace

Result<std::unique_ptr<SqliteDatabase>> SqliteDatabase::openInDataFolder(
    const std::filesystem::path& dataFolder, const SqliteOptions& options) {
  std::error_code error;
  if (std::filesystem::create_directories(dataFolder, error)) {
    std::filesystem::permissions(dataFolder, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace, error);
  }
  if (error) {
    return Error{kStoreUnavailable, "cannot create the greenlight data folder " +
                                        dataFolder.string() + ": " + error.message() +
                                        "; create it, or choose another data folder, and make it "
                                        "writable by the user running greenlight"};
  }
  return open(dataFolder / kStoreFileName, options);
}

Result<std::unique_ptr<SqliteDatabase>> SqliteDatabase::open(const std::filesystem::path& file,
                                                             const SqliteOptions& options) {
  SqliteContext context{file, options.busyTimeout};
  if (!std::filesystem::exists(file)) {
    if (Status created = createOwnerOnlyFile(file, context); !created.ok()) return created.error();
  }
  sqlite3* connection = nullptr;
  int resultCode = sqlite3_open_v2(file.c_str(), &connection,
                                   SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (resultCode != SQLITE_OK) {
    Error error = sqliteError(connection, resultCode, context, "cannot open");
    sqlite3_close_v2(connection);  // a handle is returned even on failure, and must be closed
    return error;
  }
  std::unique_ptr<SqliteDatabase> database(new SqliteDatabase(connection, file, options));
  if (Status configured = database->configure(); !configured.ok()) return configured.error();
  return database;
}

SqliteDatabase::SqliteDatabase(sqlite3* connection, std::filesystem::path path,
                               const SqliteOptions& options)
    : connection_(connection), context_{std::move(path), options.busyTimeout}, options_(options) {}

SqliteDatabase::~SqliteDatabase() {
  cache_.clear();
  sqlite3_close_v2(connection_);
}

Status SqliteDatabase::configure() {
  sqlite3_extended_result_codes(connection_, 1);
  sqlite3_busy_timeout(connection_, static_cast<int>(options_.busyTimeout.count()));
  // Reading the journal mode also reads the file header, so a file that is not a database fails
  // here, at open, rather than at the first query.
  Result<CachedStatement> journal = prepare("PRAGMA journal_mode = WAL");
  if (!journal.ok()) return journal.error();
  Result<bool> row = (*journal)->step();
  if (!row.ok()) return row.error();
  Result<std::string> mode = *row ? (*journal)->read<std::string>(0) : std::string("unknown");
  if (!mode.ok()) return mode.error();
  if (*mode != "wal") {
    return storeError(kStoreUnavailable, context_,
                      "cannot switch to write-ahead logging (journal mode is '" + *mode + "')",
                      "put the data folder on a local filesystem that supports shared memory "
                      "(not NFS), and check that no other program opened the file in another mode");
  }
  (*journal)->reset();
  std::string settings =
      std::string(synchronousPragma(options_.synchronous)) + "; PRAGMA foreign_keys = ON;";
  return execute(settings);
}

Status SqliteDatabase::execute(std::string_view script) {
  std::string_view rest = script;
  while (!rest.empty()) {
    sqlite3_stmt* statement = nullptr;
    const char* tail = nullptr;
    int resultCode = sqlite3_prepare_v2(connection_, rest.data(), static_cast<int>(rest.size()),
                                        &statement, &tail);
    std::string_view current = rest.substr(0, static_cast<std::size_t>(tail - rest.data()));
    if (resultCode != SQLITE_OK) {
      return sqliteError(connection_, resultCode, context_, "cannot prepare a statement for",
                         current);
    }
    rest.remove_prefix(current.size());
    if (statement == nullptr) continue;  // whitespace or a comment
    do {
      resultCode = sqlite3_step(statement);
    } while (resultCode == SQLITE_ROW);
    if (resultCode != SQLITE_DONE) {
      const char* action = failedStepAction(statement);
      Error error = sqliteError(connection_, resultCode, context_, action, current);
      sqlite3_finalize(statement);
      return error;
    }
    sqlite3_finalize(statement);
  }
  return Status::success();
}

Result<CachedStatement> SqliteDatabase::prepare(const std::string& sql) {
  if (std::unique_ptr<SqliteStatement> cached = cache_.take(sql)) {
    return CachedStatement(cache_, std::move(cached));
  }
  Result<std::unique_ptr<SqliteStatement>> prepared =
      SqliteStatement::prepare(connection_, context_, sql);
  if (!prepared.ok()) return prepared.error();
  return CachedStatement(cache_, std::move(prepared).value());
}

std::int64_t SqliteDatabase::lastInsertRowId() const {
  return sqlite3_last_insert_rowid(connection_);
}

std::int64_t SqliteDatabase::changes() const { return sqlite3_changes64(connection_); }

bool SqliteDatabase::inTransaction() const {
  return transactionOpen_ || sqlite3_get_autocommit(connection_) == 0;
}

}  // namespace greenlight::store
