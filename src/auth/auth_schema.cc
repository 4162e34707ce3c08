// Migrations of the auth tables. Times are RFC 3339 text from formatTimestamp, which sorts in
// time order as text; secrets are never stored, only their sha256.
#include "auth/auth_schema.h"

namespace greenlight::auth {

const std::vector<store::Migration>& authMigrations() {
  static const std::vector<store::Migration> migrations = {
      {1, "api tokens",
       "CREATE TABLE api_tokens ("
       " id INTEGER PRIMARY KEY AUTOINCREMENT,"  // ids of revoked tokens are never reused
       " name TEXT NOT NULL,"
       " role TEXT NOT NULL CHECK (role IN ('admin', 'deployer', 'viewer', 'agent', 'enrolment')),"
       " scope TEXT,"
       " secret_sha256 TEXT NOT NULL UNIQUE CHECK (length(secret_sha256) = 64),"
       " created_at TEXT NOT NULL,"
       " expires_at TEXT,"
       " revoked_at TEXT,"
       " last_used_at TEXT,"
       " CHECK ((role IN ('agent', 'enrolment')) = (scope IS NOT NULL)));"},
      {2, "audit log",
       "CREATE TABLE audit_log ("
       " id INTEGER PRIMARY KEY AUTOINCREMENT,"
       " at TEXT NOT NULL,"
       " actor_token_id INTEGER REFERENCES api_tokens(id),"  // NULL: greenlight itself
       " actor_name TEXT NOT NULL,"
       " actor_role TEXT NOT NULL,"
       " action TEXT NOT NULL,"
       " target TEXT NOT NULL,"
       " details TEXT NOT NULL);"
       "CREATE INDEX audit_log_by_time ON audit_log (at);"
       "CREATE INDEX audit_log_by_target ON audit_log (target, id);"
       "CREATE INDEX audit_log_by_actor ON audit_log (actor_name, id);"},
  };
  return migrations;
}

Status migrateAuthSchema(store::SqliteDatabase& database, const Clock& clock) {
  return store::applyMigrations(database, kAuthComponent, authMigrations(), clock);
}

}  // namespace greenlight::auth
