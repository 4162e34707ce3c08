// Applying and recording schema migrations.
#include "store/migrations.h"

#include "store/sqlite_transaction.h"

namespace greenlight::store {
namespace {

constexpr const char* kCreateMigrationsTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY,"
    " description TEXT NOT NULL,"
    " applied_at TEXT NOT NULL)";

Status checkOrdered(const std::vector<Migration>& migrations) {
  int previous = 0;
  for (const Migration& migration : migrations) {
    if (migration.version <= previous) {
      return Error{kStoreMisuse, "schema migration " + std::to_string(migration.version) + " (" +
                                     migration.description + ") does not come after version " +
                                     std::to_string(previous) +
                                     "; versions must start at 1 and strictly increase (a bug in "
                                     "greenlight; please report it)"};
    }
    previous = migration.version;
  }
  return Status::success();
}

Status refuseIfNewer(const SqliteDatabase& database, int storeVersion, int knownVersion) {
  if (storeVersion <= knownVersion) return Status::success();
  return Error{"SchemaTooNew",
               "the greenlight store " + database.path().string() + " is at schema version " +
                   std::to_string(storeVersion) + " but this greenlight knows versions up to " +
                   std::to_string(knownVersion) +
                   ": this greenlight is older than the database: upgrade greenlight (the store "
                   "was left untouched)"};
}

Error migrationFailed(const SqliteDatabase& database, const Migration& migration, int storeVersion,
                      const Error& cause) {
  return Error{cause.code, "cannot upgrade the greenlight store " + database.path().string() +
                               " to schema version " + std::to_string(migration.version) + " (" +
                               migration.description + "); it stays at version " +
                               std::to_string(storeVersion) + ". " + cause.message};
}

// Applies one migration unless another process applied it first (the version is read again under
// the write lock). Returns the store's version afterwards.
Result<int> applyOne(SqliteDatabase& database, const Migration& migration, const Clock& clock) {
  Result<Transaction> transaction = Transaction::begin(database);
  if (!transaction.ok()) return transaction.error();
  Result<int> current = schemaVersion(database);
  if (!current.ok()) return current.error();
  if (*current >= migration.version) return *current;
  if (Status applied = database.execute(migration.sql); !applied.ok()) {
    return migrationFailed(database, migration, *current, applied.error());
  }
  Status recorded = database.run(
      "INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)",
      migration.version, migration.description, formatTimestamp(clock.now()));
  if (!recorded.ok()) return migrationFailed(database, migration, *current, recorded.error());
  if (Status committed = transaction->commit(); !committed.ok()) {
    return migrationFailed(database, migration, *current, committed.error());
  }
  return migration.version;
}

}  // namespace

Result<int> schemaVersion(SqliteDatabase& database) {
  Result<CachedStatement> exists = database.prepare(
      "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
  if (!exists.ok()) return exists.error();
  Result<bool> row = (*exists)->step();
  if (!row.ok()) return row.error();
  Result<int> tables = (*exists)->read<int>(0);
  if (!tables.ok()) return tables.error();
  if (*tables == 0) return 0;

  Result<CachedStatement> highest =
      database.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  if (!highest.ok()) return highest.error();
  row = (*highest)->step();
  if (!row.ok()) return row.error();
  return (*highest)->read<int>(0);
}

Result<std::vector<AppliedMigration>> appliedMigrations(SqliteDatabase& database) {
  Result<CachedStatement> select = database.prepare(
      "SELECT version, description, applied_at FROM schema_migrations ORDER BY version");
  if (!select.ok()) return select.error();
  std::vector<AppliedMigration> applied;
  while (true) {
    Result<bool> row = (*select)->step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    Result<int> version = (*select)->read<int>(0);
    Result<std::string> description = (*select)->read<std::string>(1);
    Result<std::string> appliedAt = (*select)->read<std::string>(2);
    if (!version.ok()) return version.error();
    if (!description.ok()) return description.error();
    if (!appliedAt.ok()) return appliedAt.error();
    applied.push_back({*version, *description, *appliedAt});
  }
  return applied;
}

Status applyMigrations(SqliteDatabase& database, const std::vector<Migration>& migrations,
                       const Clock& clock) {
  if (Status ordered = checkOrdered(migrations); !ordered.ok()) return ordered;
  int knownVersion = migrations.empty() ? 0 : migrations.back().version;
  Result<int> storeVersion = schemaVersion(database);
  if (!storeVersion.ok()) return storeVersion.error();
  if (Status newer = refuseIfNewer(database, *storeVersion, knownVersion); !newer.ok())
    return newer;
  if (*storeVersion == knownVersion && knownVersion > 0) return Status::success();

  if (Status created = database.execute(kCreateMigrationsTable); !created.ok()) return created;
  for (const Migration& migration : migrations) {
    if (migration.version <= *storeVersion) continue;
    Result<int> reached = applyOne(database, migration, clock);
    if (!reached.ok()) return reached.error();
    if (Status newer = refuseIfNewer(database, *reached, knownVersion); !newer.ok()) return newer;
    storeVersion = *reached;
  }
  return Status::success();
}

}  // namespace greenlight::store
