// The engine's tables: deployments, their targets, each target's lifecycle events, and the
// commands waiting for agents. Times are RFC 3339 text (sorts as time); JSON columns are TEXT.
#include <vector>

#include "engine/engine.h"
#include "store/migrations.h"

namespace greenlight::engine {
namespace {

const std::vector<store::Migration>& engineMigrations() {
  static const std::vector<store::Migration> migrations = {
      {1, "deployments, targets, lifecycle events, agent commands",
       "CREATE TABLE deployments ("
       " id TEXT PRIMARY KEY CHECK (length(id) = 11 AND substr(id, 1, 2) = 'd-'),"
       " sequence INTEGER NOT NULL UNIQUE,"  // creation order: the group's queue order
       " application TEXT NOT NULL,"
       " group_id TEXT NOT NULL,"
       " group_name TEXT NOT NULL,"
       " revision TEXT NOT NULL,"
       " config_name TEXT NOT NULL,"
       " config TEXT NOT NULL,"  // the configuration frozen at creation
       " status TEXT NOT NULL,"
       " creator TEXT NOT NULL,"
       " created_by TEXT NOT NULL,"
       " description TEXT NOT NULL DEFAULT '',"
       " rollback_of TEXT REFERENCES deployments(id),"
       " rolled_back_by TEXT REFERENCES deployments(id),"
       " stop_requested INTEGER NOT NULL DEFAULT 0,"
       " stop_rollback INTEGER NOT NULL DEFAULT 0,"
       " error_code TEXT NOT NULL DEFAULT '',"
       " error_message TEXT NOT NULL DEFAULT '',"
       " created_at TEXT NOT NULL,"
       " started_at TEXT,"
       " ended_at TEXT,"
       " numbers TEXT,"  // fixed at start: instanceCount, minimumHealthyHosts, ...
       " version INTEGER NOT NULL DEFAULT 1,"
       " file_exists_behavior TEXT NOT NULL,"
       " ignore_application_stop_failures INTEGER NOT NULL);"
       "CREATE INDEX deployments_by_group ON deployments (group_id, sequence);"
       "CREATE INDEX deployments_by_status ON deployments (status, sequence);"
       "CREATE TABLE deployment_targets ("
       " deployment_id TEXT NOT NULL REFERENCES deployments(id),"
       " instance_id TEXT NOT NULL,"
       " host_name TEXT NOT NULL DEFAULT '',"
       " port INTEGER NOT NULL DEFAULT 0,"
       " status TEXT NOT NULL,"
       " current_event TEXT NOT NULL DEFAULT '',"
       " started_at TEXT,"
       " ended_at TEXT,"
       " error_code TEXT NOT NULL DEFAULT '',"
       " message TEXT NOT NULL DEFAULT '',"
       " PRIMARY KEY (deployment_id, instance_id));"
       "CREATE INDEX deployment_targets_by_status ON deployment_targets (status, deployment_id);"
       "CREATE TABLE lifecycle_events ("
       " deployment_id TEXT NOT NULL,"
       " instance_id TEXT NOT NULL,"
       " event TEXT NOT NULL,"
       " ordinal INTEGER NOT NULL,"  // lifecycle order
       " status TEXT NOT NULL,"
       " started_at TEXT,"
       " ended_at TEXT,"
       " error_code TEXT NOT NULL DEFAULT '',"
       " message TEXT NOT NULL DEFAULT '',"
       " log_tail TEXT NOT NULL DEFAULT '',"
       " PRIMARY KEY (deployment_id, instance_id, event),"
       " FOREIGN KEY (deployment_id, instance_id)"
       "   REFERENCES deployment_targets(deployment_id, instance_id));"
       "CREATE TABLE agent_commands ("
       " id TEXT PRIMARY KEY,"  // <deploymentId>/<instanceId>
       " instance_id TEXT NOT NULL,"
       " deployment_id TEXT NOT NULL REFERENCES deployments(id),"
       " payload TEXT NOT NULL,"
       " state TEXT NOT NULL CHECK (state IN ('Pending', 'Delivered', 'Done')),"
       " created_at TEXT NOT NULL,"
       " delivered_at TEXT,"
       " done_at TEXT);"
       "CREATE INDEX agent_commands_by_instance ON agent_commands (instance_id, state);"},
      {2, "blue/green deployments: strategy, fleet versions and traffic state",
       "ALTER TABLE deployments ADD COLUMN strategy TEXT NOT NULL DEFAULT 'in-place';"
       // The blue/green state (phase, fleet versions, steps, waits), JSON; NULL in place.
       "ALTER TABLE deployments ADD COLUMN blue_green TEXT;"
       // 1 while the blue/green driver has work: traffic to move, a fleet version to retire
       // (also after the deployment ended, for its clean-up).
       "ALTER TABLE deployments ADD COLUMN blue_green_open INTEGER NOT NULL DEFAULT 0;"
       "CREATE INDEX deployments_blue_green_open ON deployments (blue_green_open, sequence);"},
      {3, "in-place deployments: the judgement between batches",
       // The analyses of an in-place deployment's batches and a pending `continue`, JSON; NULL
       // when the group has no analysis.
       "ALTER TABLE deployments ADD COLUMN in_place TEXT;"},
  };
  return migrations;
}

}  // namespace

Status migrateEngineSchema(store::SqliteDatabase& database, const Clock& clock) {
  return store::applyMigrations(database, "engine", engineMigrations(), clock);
}

}  // namespace greenlight::engine
