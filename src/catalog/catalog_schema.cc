// Migrations of the catalog tables. Times are RFC 3339 text from formatTimestamp (sorts in time
// order as text); documents (group specs, configurations, tags) are JSON text.
#include "catalog/catalog.h"
#include "store/migrations.h"

namespace greenlight::catalog {
namespace {

constexpr const char* kCatalogComponent = "catalog";

const std::vector<store::Migration>& catalogMigrations() {
  static const std::vector<store::Migration> migrations = {
      {1, "applications, configurations, groups, revisions, instances",
       "CREATE TABLE applications ("
       " name TEXT PRIMARY KEY,"
       " compute_platform TEXT NOT NULL,"
       " created_at TEXT NOT NULL);"
       "CREATE TABLE deployment_configs ("
       " name TEXT PRIMARY KEY,"
       " document TEXT NOT NULL,"
       " created_at TEXT NOT NULL);"
       "CREATE TABLE deployment_groups ("
       " id TEXT PRIMARY KEY,"
       " application TEXT NOT NULL REFERENCES applications(name),"
       " name TEXT NOT NULL,"
       " deployment_config TEXT NOT NULL,"
       " spec TEXT NOT NULL,"
       " created_at TEXT NOT NULL,"
       " updated_at TEXT NOT NULL,"
       " UNIQUE (application, name));"
       "CREATE INDEX deployment_groups_by_config ON deployment_groups (deployment_config);"
       // seq orders revisions by arrival, even two pushed within the same millisecond.
       "CREATE TABLE revisions ("
       " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
       " application TEXT NOT NULL REFERENCES applications(name),"
       " sha256 TEXT NOT NULL CHECK (length(sha256) = 64),"
       " bundle_type TEXT NOT NULL,"
       " size_bytes INTEGER NOT NULL,"
       " description TEXT NOT NULL,"
       " appspec_filename TEXT NOT NULL,"
       " created_at TEXT NOT NULL,"
       " UNIQUE (application, sha256));"
       // No foreign key to deployment_groups: terminated instances outlive their group, for
       // the history of the deployments they took part in.
       "CREATE TABLE instances ("
       " id TEXT PRIMARY KEY,"
       " group_id TEXT NOT NULL,"
       " provider TEXT NOT NULL,"
       " host_name TEXT NOT NULL,"
       " ordinal INTEGER NOT NULL,"
       " port INTEGER NOT NULL,"
       " tags TEXT NOT NULL,"
       " lifecycle TEXT NOT NULL,"
       " lifecycle_reason TEXT NOT NULL,"
       " current_revision TEXT,"
       " last_deployment_failed INTEGER NOT NULL,"
       " last_deployment_id TEXT,"
       " pid INTEGER NOT NULL,"
       " pid_start_time INTEGER NOT NULL,"
       " root_dir TEXT NOT NULL,"
       " created_at TEXT NOT NULL,"
       " last_seen_at TEXT);"
       "CREATE INDEX instances_by_group ON instances (group_id, ordinal, host_name, id);"},
      // Blue/green fleet versions; existing instances belong to no fleet version ('').
      {2, "instances belong to a fleet version",
       "ALTER TABLE instances ADD COLUMN fleet_version TEXT NOT NULL DEFAULT '';"
       "CREATE INDEX instances_by_fleet_version ON instances (group_id, fleet_version);"},
  };
  return migrations;
}

}  // namespace

Status migrateCatalogSchema(store::SqliteDatabase& database, const Clock& clock) {
  return store::applyMigrations(database, kCatalogComponent, catalogMigrations(), clock);
}

}  // namespace greenlight::catalog
