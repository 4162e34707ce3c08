// Schema migrations: an ordered list of numbered changes, each applied once in its own
// transaction and recorded in schema_migrations, so every store reaches the schema the binary
// expects, and a store newer than the binary is refused instead of misread.
#pragma once

#include <string>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "store/sqlite_database.h"

namespace greenlight::store {

// `version` numbers start at 1 and strictly increase along the list; a migration, once released,
// is never edited, only followed by another. `sql` is a script of one or more statements; it must
// not BEGIN or COMMIT (it already runs inside a transaction) nor change PRAGMA foreign_keys
// (which SQLite ignores inside a transaction).
struct Migration {
  int version = 0;
  std::string description;
  std::string sql;
};

struct AppliedMigration {
  int version = 0;
  std::string description;
  std::string appliedAt;  // RFC 3339, as formatTimestamp writes it
};

// Brings the store up to the last migration in `migrations`, applying in order each one it has
// not recorded yet, each in its own transaction: a failing migration is undone entirely and
// leaves the store at the previous version (the error says which). Safe to call at every start
// and from several processes at once. Refuses (SchemaTooNew) a store recorded at a version
// beyond the list, touching nothing. `clock` stamps applied_at.
Status applyMigrations(SqliteDatabase& database, const std::vector<Migration>& migrations,
                       const Clock& clock);

// The highest version recorded, or 0 for a store that has none (or no schema_migrations table).
Result<int> schemaVersion(SqliteDatabase& database);

// Every recorded migration, by version.
Result<std::vector<AppliedMigration>> appliedMigrations(SqliteDatabase& database);

}  // namespace greenlight::store
