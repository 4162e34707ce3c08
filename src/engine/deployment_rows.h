// The rows of the engine's tables and the statements that read and write them. Each function runs
// on the caller's connection and joins its open transaction; none of them decides anything.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "engine/engine.h"
#include "store/sqlite_database.h"

namespace greenlight::engine::rows {

// A deployment row: the view's fields (without counts and targets) and the engine's own.
struct DeploymentRow {
  DeploymentView view;
  std::int64_t sequence = 0;
  bool stopRollback = false;
  std::string fileExistsBehavior = "DISALLOW";
  bool ignoreApplicationStopFailures = false;
  // Blue/green: the driver still has work on it (view.strategy and view.blueGreen hold the rest).
  bool blueGreenOpen = false;
};

struct TargetRow {
  std::string deploymentId;
  std::string instanceId;
  std::string hostName;
  int port = 0;
  domain::InstanceStatus status = domain::InstanceStatus::Pending;
  std::string currentEvent;
  std::optional<WallTime> startedAt;
  std::optional<WallTime> endedAt;
  std::string errorCode;
  std::string message;
};

enum class CommandState { Pending, Delivered, Done };

struct CommandRow {
  AgentCommand command;
  CommandState state = CommandState::Pending;
};

// "d-" + 9 of [A-Z0-9], not yet used by any deployment.
Result<std::string> newDeploymentId(store::SqliteDatabase& db);

// Inserts `row` with the next sequence number (written back into `row`).
Status insertDeployment(store::SqliteDatabase& db, DeploymentRow& row);
// NotFound, saying how to list deployments, when there is no such deployment.
Result<DeploymentRow> loadDeployment(store::SqliteDatabase& db, const std::string& id);
// Writes the mutable fields (status, links, stop flags, error, times, numbers) and bumps the
// version, which is written back into `row`.
Status saveDeployment(store::SqliteDatabase& db, DeploymentRow& row);
Status bumpVersion(store::SqliteDatabase& db, const std::string& deploymentId);
Result<std::vector<DeploymentRow>> listDeployments(store::SqliteDatabase& db,
                                                   const DeploymentFilter& filter);
// Deployments the engine still has work on: not final, final with a target still in flight, or
// blue/green with clean-up left. Oldest first.
Result<std::vector<DeploymentRow>> deploymentsWithWork(store::SqliteDatabase& db);
// The revision of the group's latest Succeeded deployment created before `beforeSequence`.
Result<std::optional<std::string>> lastGoodRevision(store::SqliteDatabase& db,
                                                    const std::string& groupId,
                                                    std::int64_t beforeSequence);
// The group's blue/green deployments, newest first (for fleet version numbers and the serving one).
Result<std::vector<DeploymentRow>> blueGreenDeployments(store::SqliteDatabase& db,
                                                        const std::string& groupId);
// Counts by status, and the finished deployments' durations by strategy and status.
Result<DeploymentStatistics> deploymentStatistics(store::SqliteDatabase& db);
// The group's newest deployment's sequence (0 when it has none).
Result<std::int64_t> latestSequence(store::SqliteDatabase& db, const std::string& groupId);

Status insertTarget(store::SqliteDatabase& db, const TargetRow& target);
Status saveTarget(store::SqliteDatabase& db, const TargetRow& target);
Result<std::vector<TargetRow>> loadTargets(store::SqliteDatabase& db,
                                           const std::string& deploymentId);
Result<std::optional<TargetRow>> findTarget(store::SqliteDatabase& db,
                                            const std::string& deploymentId,
                                            const std::string& instanceId);
Result<DeploymentCounts> countTargets(store::SqliteDatabase& db, const std::string& deploymentId);

// Inserts or updates the event of (deployment, instance, report.event). A finished event is not
// taken back to InProgress by a late report.
Status upsertEvent(store::SqliteDatabase& db, const std::string& deploymentId,
                   const std::string& instanceId, const EventReport& report);
// Every event of the deployment, by instance, in lifecycle order.
Result<std::map<std::string, std::vector<LifecycleEventView>>> loadEvents(
    store::SqliteDatabase& db, const std::string& deploymentId);

// A command keeps its first payload: inserting it again changes nothing.
Status insertCommand(store::SqliteDatabase& db, const AgentCommand& command, WallTime now);
Result<std::optional<CommandRow>> findCommand(store::SqliteDatabase& db,
                                              const std::string& commandId);
Status setCommandState(store::SqliteDatabase& db, const std::string& commandId,
                       CommandState state, WallTime now);
// Commands of the instance not Done whose target is still InProgress, oldest first.
Result<std::vector<CommandRow>> openCommandsFor(store::SqliteDatabase& db,
                                                const std::string& instanceId);

}  // namespace greenlight::engine::rows
