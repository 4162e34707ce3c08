// Applying and recording schema migrations per component, and upgrading a schema_migrations
// table written before components existed.
#include "store/migrations.h"

#include "store/sqlite_transaction.h"

namespace greenlight::store {
namespace {

constexpr const char* kCreateMigrationsTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " component TEXT NOT NULL,"
    " version INTEGER NOT NULL,"
    " description TEXT NOT NULL,"
    " applied_at TEXT NOT NULL,"
    " PRIMARY KEY (component, version))";

// Stores made before components recorded only (version, description, applied_at): every row was
// the core's. The table is rebuilt once, under the write lock, keeping every row.
constexpr const char* kUpgradeLegacyTable =
    "CREATE TABLE schema_migrations_by_component ("
    " component TEXT NOT NULL,"
    " version INTEGER NOT NULL,"
    " description TEXT NOT NULL,"
    " applied_at TEXT NOT NULL,"
    " PRIMARY KEY (component, version));"
    "INSERT INTO schema_migrations_by_component (component, version, description, applied_at)"
    " SELECT 'core', version, description, applied_at FROM schema_migrations;"
    "DROP TABLE schema_migrations;"
    "ALTER TABLE schema_migrations_by_component RENAME TO schema_migrations;";

enum class TableShape { Missing, Legacy, ByComponent };

Result<int> countOf(SqliteDatabase& database, const std::string& sql) {
  Result<CachedStatement> statement = database.prepare(sql);
  if (!statement.ok()) return statement.error();
  Result<bool> row = (*statement)->step();
  if (!row.ok()) return row.error();
  return (*statement)->read<int>(0);
}

Result<TableShape> tableShape(SqliteDatabase& database) {
  Result<int> tables = countOf(database,
                               "SELECT COUNT(*) FROM sqlite_master"
                               " WHERE type = 'table' AND name = 'schema_migrations'");
  if (!tables.ok()) return tables.error();
  if (*tables == 0) return TableShape::Missing;
  Result<int> componentColumns = countOf(
      database,
      "SELECT COUNT(*) FROM pragma_table_info('schema_migrations') WHERE name = 'component'");
  if (!componentColumns.ok()) return componentColumns.error();
  return *componentColumns == 0 ? TableShape::Legacy : TableShape::ByComponent;
}

Status ensureTableByComponent(SqliteDatabase& database) {
  Result<TableShape> shape = tableShape(database);
  if (!shape.ok()) return shape.error();
  if (*shape == TableShape::Missing) return database.execute(kCreateMigrationsTable);
  if (*shape == TableShape::ByComponent) return Status::success();

  Result<Transaction> transaction = Transaction::begin(database);
  if (!transaction.ok()) return transaction.error();
  shape = tableShape(database);  // another process may have upgraded it meanwhile
  if (!shape.ok()) return shape.error();
  if (*shape != TableShape::Legacy) return Status::success();
  if (Status upgraded = database.execute(kUpgradeLegacyTable); !upgraded.ok()) {
    return Error{upgraded.error().code,
                 "cannot upgrade the migration record of " + database.path().string() +
                     " to one per component; nothing was changed. " + upgraded.error().message};
  }
  return transaction->commit();
}

Status checkComponentName(std::string_view component) {
  bool valid = !component.empty() && component.size() <= 64;
  for (char c : component) {
    valid = valid && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_');
  }
  if (valid) return Status::success();
  return Error{kStoreMisuse, "schema migration component name '" + std::string(component) +
                                 "' is not a short lower-case name (letters, digits, '-', '_'); "
                                 "a bug in greenlight, please report it"};
}

Status checkOrdered(std::string_view component, const std::vector<Migration>& migrations) {
  int previous = 0;
  for (const Migration& migration : migrations) {
    if (migration.version <= previous) {
      return Error{kStoreMisuse, "schema migration " + std::string(component) + " " +
                                     std::to_string(migration.version) + " (" +
                                     migration.description + ") does not come after version " +
                                     std::to_string(previous) +
                                     "; versions must start at 1 and strictly increase (a bug in "
                                     "greenlight; please report it)"};
    }
    previous = migration.version;
  }
  return Status::success();
}

Status refuseIfNewer(const SqliteDatabase& database, std::string_view component, int storeVersion,
                     int knownVersion) {
  if (storeVersion <= knownVersion) return Status::success();
  return Error{"SchemaTooNew",
               "the greenlight store " + database.path().string() + " is at schema version " +
                   std::to_string(storeVersion) + " for component " + std::string(component) +
                   " but this greenlight knows versions up to " + std::to_string(knownVersion) +
                   ": this greenlight is older than the database: upgrade greenlight (the store "
                   "was left untouched)"};
}

Error migrationFailed(const SqliteDatabase& database, std::string_view component,
                      const Migration& migration, int storeVersion, const Error& cause) {
  return Error{cause.code, "cannot upgrade the greenlight store " + database.path().string() +
                               ", component " + std::string(component) + ", to schema version " +
                               std::to_string(migration.version) + " (" + migration.description +
                               "); it stays at version " + std::to_string(storeVersion) + ". " +
                               cause.message};
}

// Applies one migration unless another process applied it first (the version is read again under
// the write lock). Returns the component's version afterwards.
Result<int> applyOne(SqliteDatabase& database, std::string_view component,
                     const Migration& migration, const Clock& clock) {
  Result<Transaction> transaction = Transaction::begin(database);
  if (!transaction.ok()) return transaction.error();
  Result<int> current = schemaVersion(database, component);
  if (!current.ok()) return current.error();
  if (*current >= migration.version) return *current;
  if (Status applied = database.execute(migration.sql); !applied.ok()) {
    return migrationFailed(database, component, migration, *current, applied.error());
  }
  Status recorded = database.run(
      "INSERT INTO schema_migrations (component, version, description, applied_at)"
      " VALUES (?, ?, ?, ?)",
      component, migration.version, migration.description, formatTimestamp(clock.now()));
  if (!recorded.ok()) {
    return migrationFailed(database, component, migration, *current, recorded.error());
  }
  if (Status committed = transaction->commit(); !committed.ok()) {
    return migrationFailed(database, component, migration, *current, committed.error());
  }
  return migration.version;
}

}  // namespace

Result<int> schemaVersion(SqliteDatabase& database, std::string_view component) {
  Result<TableShape> shape = tableShape(database);
  if (!shape.ok()) return shape.error();
  if (*shape == TableShape::Missing) return 0;
  if (*shape == TableShape::Legacy) {
    if (component != kCoreComponent) return 0;
    return countOf(database, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  }
  Result<CachedStatement> highest = database.prepare(
      "SELECT COALESCE(MAX(version), 0) FROM schema_migrations WHERE component = ?");
  if (!highest.ok()) return highest.error();
  if (Status bound = (*highest)->bindAll(component); !bound.ok()) return bound.error();
  Result<bool> row = (*highest)->step();
  if (!row.ok()) return row.error();
  return (*highest)->read<int>(0);
}

Result<std::vector<AppliedMigration>> appliedMigrations(SqliteDatabase& database,
                                                        std::string_view component) {
  Result<TableShape> shape = tableShape(database);
  if (!shape.ok()) return shape.error();
  std::vector<AppliedMigration> applied;
  if (*shape == TableShape::Missing) return applied;
  if (*shape == TableShape::Legacy && component != kCoreComponent) return applied;
  // A legacy table holds only the core's rows; the component is supplied rather than read.
  Result<CachedStatement> select =
      *shape == TableShape::Legacy
          ? database.prepare("SELECT version, description, applied_at, ?"
                             " FROM schema_migrations ORDER BY version")
          : database.prepare("SELECT version, description, applied_at, component"
                             " FROM schema_migrations WHERE component = ? ORDER BY version");
  if (!select.ok()) return select.error();
  if (Status bound = (*select)->bindAll(component); !bound.ok()) return bound.error();
  while (true) {
    Result<bool> row = (*select)->step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    Result<int> version = (*select)->read<int>(0);
    Result<std::string> description = (*select)->read<std::string>(1);
    Result<std::string> appliedAt = (*select)->read<std::string>(2);
    Result<std::string> recordedComponent = (*select)->read<std::string>(3);
    if (!version.ok()) return version.error();
    if (!description.ok()) return description.error();
    if (!appliedAt.ok()) return appliedAt.error();
    if (!recordedComponent.ok()) return recordedComponent.error();
    applied.push_back({*version, *description, *appliedAt, *recordedComponent});
  }
  return applied;
}

Status applyMigrations(SqliteDatabase& database, std::string_view component,
                       const std::vector<Migration>& migrations, const Clock& clock) {
  if (Status named = checkComponentName(component); !named.ok()) return named;
  if (Status ordered = checkOrdered(component, migrations); !ordered.ok()) return ordered;
  int knownVersion = migrations.empty() ? 0 : migrations.back().version;
  Result<int> storeVersion = schemaVersion(database, component);
  if (!storeVersion.ok()) return storeVersion.error();
  if (Status newer = refuseIfNewer(database, component, *storeVersion, knownVersion);
      !newer.ok()) {
    return newer;
  }
  if (*storeVersion == knownVersion && knownVersion > 0) return Status::success();

  if (Status table = ensureTableByComponent(database); !table.ok()) return table;
  for (const Migration& migration : migrations) {
    if (migration.version <= *storeVersion) continue;
    Result<int> reached = applyOne(database, component, migration, clock);
    if (!reached.ok()) return reached.error();
    if (Status newer = refuseIfNewer(database, component, *reached, knownVersion); !newer.ok()) {
      return newer;
    }
    storeVersion = *reached;
  }
  return Status::success();
}

Status applyMigrations(SqliteDatabase& database, const std::vector<Migration>& migrations,
                       const Clock& clock) {
  return applyMigrations(database, kCoreComponent, migrations, clock);
}

}  // namespace greenlight::store
