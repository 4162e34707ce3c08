// Schema migrations: each component of the store (core, auth, engine…) has its own ordered list
// of numbered changes, each applied once in its own transaction and recorded in
// schema_migrations under (component, version), so every store reaches the schema the binary
// expects, components evolve independently, and a store newer than the binary is refused.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "store/sqlite_database.h"

namespace greenlight::store {

// The component of the single-list API, and of every migration recorded before components
// existed.
inline constexpr const char* kCoreComponent = "core";

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
  std::string component;
};

// Brings `component`'s part of the store up to the last migration in `migrations`, applying in
// order each one it has not recorded yet for that component, each in its own transaction: a
// failing migration is undone entirely and leaves the component at its previous version (the
// error says which). Other components' versions are neither read nor changed. Safe to call at
// every start and from several processes at once. Refuses (SchemaTooNew) a component recorded at
// a version beyond the list, touching nothing. `clock` stamps applied_at.
// `component` is a short lower-case name: letters, digits, '-' and '_'.
Status applyMigrations(SqliteDatabase& database, std::string_view component,
                       const std::vector<Migration>& migrations, const Clock& clock);
// The same for the "core" component.
Status applyMigrations(SqliteDatabase& database, const std::vector<Migration>& migrations,
                       const Clock& clock);

// The highest version recorded for `component`, or 0 when it has none (or the store has no
// schema_migrations table).
Result<int> schemaVersion(SqliteDatabase& database,
                          std::string_view component = kCoreComponent);

// Every migration recorded for `component`, by version.
Result<std::vector<AppliedMigration>> appliedMigrations(
    SqliteDatabase& database, std::string_view component = kCoreComponent);

}  // namespace greenlight::store
