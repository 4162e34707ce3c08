// Turns SQLite result codes into greenlight Errors an operator can act on: what failed, on which
// store file, SQLite's own words and code, the statement, and what to do about it.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>

#include "common/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace greenlight::store {

// Stable Error::code tokens that callers may test, e.g. to turn a uniqueness violation into a
// "that name is taken" answer, or to retry on StoreBusy.
inline constexpr const char* kStoreBusy = "StoreBusy";
inline constexpr const char* kStoreFull = "StoreFull";
inline constexpr const char* kStoreCorrupt = "StoreCorrupt";
inline constexpr const char* kStoreUnavailable = "StoreUnavailable";
inline constexpr const char* kStoreIoError = "StoreIoError";
inline constexpr const char* kStoreConstraint = "StoreConstraint";
inline constexpr const char* kStoreSchemaMismatch = "StoreSchemaMismatch";
inline constexpr const char* kStoreMisuse = "StoreMisuse";
inline constexpr const char* kStoreError = "StoreError";

// What a connection knows about itself, for messages. Owned by SqliteDatabase.
struct SqliteContext {
  std::filesystem::path path;
  std::chrono::milliseconds busyTimeout{0};
};

// The Error::code token for an SQLite (possibly extended) result code.
std::string storeErrorCode(int resultCode);
// "SQLITE_FULL" for SQLITE_FULL; extended codes are named by their primary code.
std::string sqliteCodeName(int resultCode);

// Builds "<action> the greenlight store <path>: <SQLite message> (<CODE>) while running `<sql>`;
// <advice>". Call it right after the failing SQLite call: it reads the connection's last message.
// `connection` may be null (then SQLite's generic text for the code is used); `sql` may be empty.
Error sqliteError(sqlite3* connection, int resultCode, const SqliteContext& context,
                  std::string_view action, std::string_view sql = {});

// "cannot read from" or "cannot write to", for a statement that failed while stepping. SQLite
// calls BEGIN, COMMIT and ROLLBACK read-only, but they fail at writing (a lock, a full disk).
const char* failedStepAction(sqlite3_stmt* statement);

// An Error that is not SQLite's but concerns this store (wrong column type, nested transaction…).
Error storeError(std::string code, const SqliteContext& context, std::string_view what,
                 std::string_view advice);

}  // namespace greenlight::store
