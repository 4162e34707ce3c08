// Names, tokens and operator advice for SQLite result codes.
#include "store/sqlite_error.h"

#include <sqlite3.h>

#include <algorithm>
#include <array>

namespace greenlight::store {
namespace {

constexpr std::size_t kMaximumQuotedSql = 240;

std::string quotedSql(std::string_view sql) {
  std::string text(sql.substr(0, kMaximumQuotedSql));
  for (char& character : text) {
    if (character == '\n' || character == '\t') character = ' ';
  }
  if (sql.size() > kMaximumQuotedSql) text += "…";
  return text;
}

std::string adviceFor(int primaryCode, const SqliteContext& context) {
  switch (primaryCode) {
    case SQLITE_FULL: return "free disk space and restart";
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return "another connection held the store's lock for longer than the busy timeout (" +
             std::to_string(context.busyTimeout.count()) +
             " ms); make sure only one greenlight server uses this data folder, or raise the "
             "busy timeout";
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return "the file is damaged or is not a greenlight store; stop greenlight and restore the "
             "data folder from a backup";
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_AUTH:
      return "check that the data folder exists, is on a local filesystem, and that the user "
             "running greenlight can read and write it and the files in it";
    case SQLITE_IOERR:
      return "the disk reported an error; check it and the kernel log (dmesg), then restart";
    case SQLITE_NOMEM: return "the machine is out of memory; free memory and restart";
    case SQLITE_CONSTRAINT: return "the data breaks a rule of the store's schema";
    case SQLITE_MISUSE:
    case SQLITE_RANGE: return "this is a bug in greenlight; please report it with this message";
    default: return "see SQLite's message above";
  }
}

}  // namespace

std::string storeErrorCode(int resultCode) {
  switch (resultCode & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return kStoreBusy;
    case SQLITE_FULL: return kStoreFull;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return kStoreCorrupt;
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_AUTH: return kStoreUnavailable;
    case SQLITE_IOERR: return kStoreIoError;
    case SQLITE_CONSTRAINT: return kStoreConstraint;
    case SQLITE_MISUSE:
    case SQLITE_RANGE: return kStoreMisuse;
    default: return kStoreError;
  }
}

std::string sqliteCodeName(int resultCode) {
  static constexpr std::array<const char*, 29> kNames = {
      "SQLITE_OK",       "SQLITE_ERROR",     "SQLITE_INTERNAL", "SQLITE_PERM",
      "SQLITE_ABORT",    "SQLITE_BUSY",      "SQLITE_LOCKED",   "SQLITE_NOMEM",
      "SQLITE_READONLY", "SQLITE_INTERRUPT", "SQLITE_IOERR",    "SQLITE_CORRUPT",
      "SQLITE_NOTFOUND", "SQLITE_FULL",      "SQLITE_CANTOPEN", "SQLITE_PROTOCOL",
      "SQLITE_EMPTY",    "SQLITE_SCHEMA",    "SQLITE_TOOBIG",   "SQLITE_CONSTRAINT",
      "SQLITE_MISMATCH", "SQLITE_MISUSE",    "SQLITE_NOLFS",    "SQLITE_AUTH",
      "SQLITE_FORMAT",   "SQLITE_RANGE",     "SQLITE_NOTADB",   "SQLITE_NOTICE",
      "SQLITE_WARNING"};
  auto primary = static_cast<std::size_t>(resultCode & 0xff);
  if (primary < kNames.size()) return kNames.at(primary);
  return "SQLite code " + std::to_string(resultCode);
}

const char* failedStepAction(sqlite3_stmt* statement) {
  if (sqlite3_stmt_readonly(statement) == 0) return "cannot write to";
  std::string_view sql = sqlite3_sql(statement);
  sql.remove_prefix(std::min(sql.find_first_not_of(" \t\r\n"), sql.size()));
  for (std::string_view control : {"BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE"}) {
    if (sql.size() >= control.size() &&
        sqlite3_strnicmp(sql.data(), control.data(), static_cast<int>(control.size())) == 0) {
      return "cannot write to";
    }
  }
  return "cannot read from";
}

Error sqliteError(sqlite3* connection, int resultCode, const SqliteContext& context,
                  std::string_view action, std::string_view sql) {
  std::string sqliteMessage =
      connection != nullptr ? sqlite3_errmsg(connection) : sqlite3_errstr(resultCode);
  std::string message = std::string(action) + " the greenlight store " + context.path.string() +
                        ": " + sqliteMessage + " (" + sqliteCodeName(resultCode) + ")";
  if (!sql.empty()) message += " while running `" + quotedSql(sql) + "`";
  message += "; " + adviceFor(resultCode & 0xff, context);
  return Error{storeErrorCode(resultCode), std::move(message)};
}

Error storeError(std::string code, const SqliteContext& context, std::string_view what,
                 std::string_view advice) {
  return Error{std::move(code), std::string(what) + " in the greenlight store " +
                                    context.path.string() + "; " + std::string(advice)};
}

}  // namespace greenlight::store
