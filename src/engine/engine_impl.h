// The engine's insides, shared by its source files: the loop's state, and the steps that read and
// write deployments on a connection. Nothing here calls a hook; effects are collected and fired by
// the caller once the connection is released.
#pragma once

#include <condition_variable>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "catalog/catalog.h"
#include "domain/in_place_policy.h"
#include "engine/deployment_rows.h"
#include "engine/engine.h"

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

  void requestWake();
  void runLoop();
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
};

// The group's instances a deployment starts on: not Terminated and, for static groups, carrying
// every tag of the group's selector.
std::vector<catalog::Instance> eligibleInstances(const catalog::DeploymentGroup& group,
                                                 std::vector<catalog::Instance> instances);
// How the in-place strategy sees an instance for a deployment of `revision` (none: unknown).
domain::TargetState targetStateFor(const catalog::Instance& instance,
                                   const std::optional<std::string>& revision,
                                   domain::InstanceStatus status);
// The in-place policy of a frozen configuration.
Result<domain::InPlacePolicy> policyFromConfigJson(const nlohmann::json& config);

}  // namespace greenlight::engine
