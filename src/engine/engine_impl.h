// The engine's insides, shared by its source files: the loop's state, and the steps that read and
// write deployments on a connection. Nothing here calls a hook; effects are collected and fired by
// the caller once the connection is released.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "catalog/catalog.h"
#include "domain/in_place_policy.h"
#include "engine/blue_green_state.h"
#include "engine/deployment_rows.h"
#include "engine/engine.h"
#include "fleet/compute_provider.h"
#include "traffic/traffic_provider.h"

namespace greenlight::engine {

// What committed changes ask for once the connection is released.
struct Effects {
  std::vector<std::string> queuedInstances;  // a command row was written for these instances
  std::set<std::string> changedDeployments;
  bool wakeLoop = false;
};

// A deployment about to be written, with everything resolved.
struct NewDeployment {
  catalog::DeploymentGroup group;
  std::string revision;  // sha256
  std::string configName;
  nlohmann::json config;  // domain::DeploymentConfig JSON, frozen
  std::string description;
  std::string fileExistsBehavior;
  bool ignoreApplicationStopFailures = false;
  domain::DeploymentCreator creator = domain::DeploymentCreator::User;
  std::optional<std::string> rollbackOf;
  std::string createdBy;
  nlohmann::json blueGreen = nullptr;  // a switch back's state, set before it starts
};

struct Engine::Impl {
  Impl(store::SerializedSqliteDatabase& db, const Clock& c, auth::AuditLog& log, EngineHooks h,
       EngineOptions o)
      : database(db), clock(c), audit(log), hooks(std::move(h)), options(o) {}

  store::SerializedSqliteDatabase& database;
  const Clock& clock;
  auth::AuditLog& audit;
  const EngineHooks hooks;
  const EngineOptions options;

  std::mutex loopMutex;
  std::condition_variable wakeSignal;
  bool wakeRequested = false;  // GUARDED_BY(loopMutex)
  bool stopping = false;       // GUARDED_BY(loopMutex)
  std::thread loop;            // started and joined under startStopMutex
  std::mutex startStopMutex;

  // One reconcile pass at a time, whichever thread runs it.
  std::mutex passMutex;

  // Blue/green's providers (set before start; used by the loop's passes only).
  fleet::ComputeProvider* compute = nullptr;
  traffic::TrafficProvider* traffic = nullptr;
  // CloudWatch alarm checks, given (group, check); empty without AWS access.
  std::function<CheckResult(const catalog::DeploymentGroup&, const catalog::CheckSpec&)> cloudwatch;
  CloudWatchReader cloudwatchFor(const catalog::DeploymentGroup& group) {
    if (!cloudwatch) return {};
    return [this, group](const catalog::CheckSpec& check) { return cloudwatch(group, check); };
  }
  // A blue/green deployment watches the balancer: the loop comes back soon rather than idle.
  std::atomic<bool> pollSoon{false};

  void requestWake();
  void runLoop();
  std::string lastPassFailure;          // the loop thread's own
  WallTime lastPassFailureReportedAt{};
  // One pass over every group with unfinished work, each group under the connection once.
  Status reconcilePass();
  // Calls the hooks for `effects`, and wakes the loop when asked. REQUIRES: no connection held.
  void fire(const Effects& effects);

  // --- deployments (engine_deployments.cc) ---
  Result<rows::DeploymentRow> insertNewDeployment(store::SqliteDatabase& db,
                                                  const NewDeployment& request);
  // The rollback of `undone` to `revision`: same group and configuration, creator rollback,
  // linked both ways. `undone` is saved (its rolledBackBy set) by the caller.
  Result<rows::DeploymentRow> createRollbackOf(store::SqliteDatabase& db,
                                               rows::DeploymentRow& undone,
                                               const std::string& revision,
                                               const std::string& createdBy);
  Result<DeploymentView> buildView(store::SqliteDatabase& db, rows::DeploymentRow row,
                                   bool withTargets);

  // --- reconcile (engine_reconcile.cc) ---
  Status reconcileGroup(store::SqliteDatabase& db, const std::string& groupId, Effects& effects);
  Status startDeployment(store::SqliteDatabase& db, rows::DeploymentRow& row, Effects& effects);
  Status advanceDeployment(store::SqliteDatabase& db, rows::DeploymentRow& row, Effects& effects);
  Status failLostTargets(store::SqliteDatabase& db, rows::DeploymentRow& row, Effects& effects);

  // --- alarms of in-place deployments (in_place_alarms.cc) ---
  // Measures the group's alarms for its running in-place deployments (no connection held while
  // they are read) and stops a deployment when one fires or cannot be read.
  Status watchInPlaceAlarms(const std::string& groupId, Effects& effects);
  std::map<std::string, WallTime> alarmsCheckedAt;  // by deployment; GUARDED_BY(passMutex)

  // --- the judgement between in-place batches (in_place_judgement.cc) ---
  // Measures the group's analysis for its in-place deployments at a batch boundary (no
  // connection held while the checks are read): opens the boundary's window, measures it every
  // intervalSeconds for batchSeconds, and fails the deployment when it fails.
  Status judgeInPlaceBatches(const std::string& groupId, Effects& effects);
  // Ends an in-place deployment (or a blue/green one's install) as Failed with `code` and `reason`
  // (saved): targets not started are Skipped, an in-place one rolls back when the group says so.
  // REQUIRES: the caller's transaction is open; it commits.
  Status endInPlaceFailed(store::SqliteDatabase& db, rows::DeploymentRow& row,
                          std::vector<rows::TargetRow>& targets, const std::string& code,
                          const std::string& reason, WallTime now, Effects& effects);

  // --- blue/green (blue_green_driver.cc, blue_green_start.cc) ---
  // Moves the group's blue/green deployments on, one phase per step, with no connection held
  // while the providers are called.
  // True when any of them changed.
  Result<bool> driveBlueGreen(const std::string& groupId, Effects& effects);
  // One step of one deployment; true when something changed.
  Result<bool> stepBlueGreen(const std::string& id, Effects& effects);
  // startDeployment's blue/green part: the fleet version, the one it replaces, the steps.
  Status startBlueGreen(store::SqliteDatabase& db, rows::DeploymentRow& row,
                        const catalog::DeploymentGroup& group);
  // The rollback of a blue/green deployment whose previous fleet still runs: a switch back
  // (NewDeployment.blueGreen set), else none.
  Result<std::optional<nlohmann::json>> switchBackState(store::SqliteDatabase& db,
                                                        const rows::DeploymentRow& undone);
};

// Ends a deployment that is not final as Stopped (saved by the caller): targets not started are
// Skipped with `skipped` as their message, a blue/green one switches traffic back. Returns how many
// instances are still in flight (they finish their lifecycle).
Result<int> markStopped(store::SqliteDatabase& db, rows::DeploymentRow& row, WallTime now,
                        const std::string& message, const std::string& skipped);

// Traffic per fleet version as the balancer has it (members labelled by their fleet version).
std::vector<FleetTraffic> observeTraffic(
    const std::vector<traffic::MemberStatus>& members,
    const std::map<std::string, std::vector<catalog::Instance>>& fleets);

// The group's instances a deployment starts on: not Terminated and, for static groups, carrying
// every tag of the group's selector.
std::vector<catalog::Instance> eligibleInstances(const catalog::DeploymentGroup& group,
                                                 std::vector<catalog::Instance> instances);
// How the in-place strategy sees an instance for a deployment of `revision` (none: unknown).
domain::TargetState targetStateFor(const catalog::Instance& instance,
                                   const std::optional<std::string>& revision,
                                   domain::InstanceStatus status);
// The in-place policy of a frozen configuration. A blue/green deployment installs its new fleet
// by the configuration's minimum healthy hosts, or all at once (HOST_COUNT 0) when the
// configuration is a traffic routing: the new fleet has no traffic to protect yet.
Result<domain::InPlacePolicy> policyFromConfigJson(const nlohmann::json& config,
                                                   bool blueGreen = false);

}  // namespace greenlight::engine
