// The deployment engine: a durable state machine per deployment, kept in the store. Every
// transition is committed before its effect is requested (a command row for an agent is written in
// the same transaction as the target that needs it), and effects are idempotent and keyed, so a
// server killed at any moment resumes every deployment on restart without repeating or losing a
// step. One active deployment per group; the others queue. In place (CodeDeploy's minimum-
// healthy-hosts arithmetic, domain/in_place_decision.h) or blue/green (a new fleet version per
// deployment, traffic shifted by steps in the load balancer: blue_green_driver.cc).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "auth/audit_log.h"
#include "auth/principal.h"
#include "common/clock.h"
#include "common/result.h"
#include "domain/deployment_status.h"
#include "domain/in_place_plan.h"
#include "domain/instance_state.h"
#include "engine/analysis.h"
#include "store/sqlite_database.h"
#include "store/sqlite_serialized.h"

namespace greenlight::catalog {
struct DeploymentGroup;
}

namespace greenlight::fleet {
class ComputeProvider;
}
namespace greenlight::traffic {
class TrafficProvider;
}

namespace greenlight::engine {

// Brings the "engine" component of the store schema up to date (after the catalog's).
Status migrateEngineSchema(store::SqliteDatabase& database, const Clock& clock);

struct DeploymentRequest {
  std::string application;
  std::string group;
  std::string revision;                    // a sha256, a unique prefix, or "latest"
  std::optional<std::string> configName;   // none: the group's default
  std::string description;
  std::optional<std::string> fileExistsBehavior;      // none: the group's
  std::optional<bool> ignoreApplicationStopFailures;  // none: the group's
  domain::DeploymentCreator creator = domain::DeploymentCreator::User;
  std::optional<std::string> rollbackOf;   // the deployment this one undoes
};

// One lifecycle event on one instance. status: "Pending", "InProgress", "Succeeded", "Failed",
// "Skipped".
struct LifecycleEventView {
  std::string event;
  std::string status;
  std::optional<WallTime> startedAt;
  std::optional<WallTime> endedAt;
  std::optional<std::int64_t> durationMs;
  std::string errorCode;
  std::string message;
  std::string logTail;  // the last few KiB of the hook's output
};

struct TargetView {
  std::string instanceId;
  std::string hostName;
  int port = 0;
  domain::InstanceStatus status = domain::InstanceStatus::Pending;
  std::string currentEvent;  // the event in progress or the last one reported
  std::optional<WallTime> startedAt;
  std::optional<WallTime> endedAt;
  std::string errorCode;     // when Failed: the event's code, or InstanceLost, ...
  std::string message;
  std::vector<LifecycleEventView> events;  // in lifecycle order
};

struct DeploymentCounts {
  int pending = 0, inProgress = 0, succeeded = 0, failed = 0, skipped = 0, unknown = 0, ready = 0;
};

struct DeploymentView {
  std::string id;  // "d-" + 9 of [A-Z0-9]
  std::string application;
  std::string groupName;
  std::string groupId;
  std::string revision;  // sha256
  std::string configName;
  nlohmann::json config;  // the configuration as it was when the deployment was created
  domain::DeploymentStatus status = domain::DeploymentStatus::Created;
  domain::DeploymentCreator creator = domain::DeploymentCreator::User;
  std::string createdBy;  // the principal's name
  std::string description;
  std::optional<std::string> rollbackOf;
  std::optional<std::string> rolledBackBy;
  bool stopRequested = false;
  std::string errorCode;
  std::string errorMessage;
  WallTime createdAt{};
  std::optional<WallTime> startedAt;
  std::optional<WallTime> endedAt;
  std::optional<std::int64_t> durationMs;
  // Fixed when the deployment starts: instance count, minimum healthy hosts, max in flight.
  std::optional<domain::InPlaceNumbers> numbers;
  DeploymentCounts counts;
  // "in-place" or "blue-green" (decided from the group when the deployment was created).
  std::string strategy = "in-place";
  // Blue/green only (null otherwise), see docs/openapi.yaml BlueGreenProgress:
  //   {"fleetVersion": "sample-web-v002", "previousFleetVersion": "sample-web-v001" | null,
  //    "phase": "Provisioning" | "Installing" | "Registering" | "Ready" | "Shifting" |
  //             "TerminationWait" | "Retiring" | "SwitchingBack" | "Done",
  //    "steps": [{"setWeight": 10}, {"pause": {"seconds": 30}}, {"pause": {}}, {"setWeight": 100}],
  //    "stepIndex": 1,                 // the step being carried out or waited on
  //    "trafficPercent": 10,           // the share of requests the new fleet is meant to get now
  //    "waitingFor": "greenlight continue (step 2 of 3)",   // "" when not waiting on anything
  //    "waitUntil": "2026-12-03T10:00:00Z" | null,          // when a timed wait ends
  //    "traffic": [{"fleetVersion": "sample-web-v001", "percent": 90.0, "instances": 4,
  //                 "healthy": 4}, ...]}                   // read from the load balancer
  nlohmann::json blueGreen = nullptr;
  // In place with a group analysis only (null otherwise), see docs/openapi.yaml InPlaceJudgement:
  //   {"analyses": [AnalysisWindow, ...],   // one per batch boundary, stepIndex = batches done
  //    "waitingFor": "greenlight continue (after batch 1 of 4)" | ""}
  nlohmann::json inPlace = nullptr;
  std::vector<TargetView> targets;  // filled when asked for
  std::uint64_t version = 0;        // grows with every change to the deployment or its targets
};
// camelCase keys as in the structs; timestamps RFC 3339; "targets" only when filled.
nlohmann::json toJson(const DeploymentView& deployment);

struct DeploymentFilter {
  std::optional<std::string> application;
  std::optional<std::string> group;
  std::optional<domain::DeploymentStatus> status;
  int limit = 50;  // newest first
};

// Every deployment in the store, counted, for metrics. Deployments are never deleted, so the
// finished ones' count and total only grow.
struct DeploymentStatistics {
  std::map<domain::DeploymentStatus, std::int64_t> byStatus;  // a status none is in is absent
  // Deployments that ended after having started (durationMs set), by strategy and final status.
  struct Finished {
    std::string strategy;  // "in-place", "blue-green"
    domain::DeploymentStatus status = domain::DeploymentStatus::Succeeded;
    std::int64_t count = 0;
    double totalSeconds = 0;  // of endedAt - startedAt
  };
  std::vector<Finished> finished;  // by strategy, then status
};

// What an agent is asked to do: run one deployment's lifecycle. `payload` is what the agent
// receives (see the agent protocol): id, deploymentId, applicationName, deploymentGroupName,
// deploymentGroupId, revision {sha256, bundleType, sizeBytes, url}, appspecFilename,
// fileExistsBehavior, ignoreApplicationStopFailures, environment, revisionsToKeep.
struct AgentCommand {
  std::string id;  // "<deploymentId>/<instanceId>": one per target, stable across restarts
  std::string deploymentId;
  std::string instanceId;
  nlohmann::json payload;
};

struct EventReport {
  std::string event;
  std::string status;  // InProgress, Succeeded, Failed, Skipped
  std::optional<WallTime> startedAt;
  std::optional<WallTime> endedAt;
  std::string errorCode;
  std::string message;
  std::string logTail;
};

struct ResultReport {
  bool succeeded = false;
  std::string errorCode;
  std::string message;
  std::vector<EventReport> events;  // every event of the run, final
};

// Called after the transaction that caused them has committed, on whichever thread made the
// change; must not block nor call back into the engine synchronously.
struct EngineHooks {
  std::function<void(const std::string& instanceId)> commandQueued;
  std::function<void(const std::string& deploymentId)> deploymentChanged;
  // A pass of the loop failed (a provider away, the store busy) and will be tried again: called
  // when the failure changes, and again every minute while it lasts, for the server's log.
  std::function<void(const std::string& message)> passFailed;
};

struct EngineOptions {
  // The loop also runs this often when nothing wakes it (deadlines, missed wake-ups).
  std::chrono::milliseconds idleInterval{1000};
};

// Thread-safe. API handlers call the request methods from server threads; the engine's own thread
// advances deployments. The catalog (instances, groups, revisions) is read through the same store.
class Engine {
 public:
  Engine(store::SerializedSqliteDatabase& database, const Clock& clock, auth::AuditLog& audit,
         EngineHooks hooks, EngineOptions options = {});
  ~Engine();  // stop()s
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Blue/green's providers: the fleet versions' compute and the load balancer. Set before
  // start(); without them a blue/green deployment fails, saying so.
  void setProviders(fleet::ComputeProvider* compute, traffic::TrafficProvider* traffic);
  // How `cloudwatch` alarm checks are read (the server's AWS access); set before start.
  void setCloudWatchReader(
      std::function<CheckResult(const catalog::DeploymentGroup&, const catalog::CheckSpec&)> reader);
  // Starts the loop thread; its first pass resumes every deployment left unfinished.
  void start();
  void stop();
  // Asks the loop for a pass soon (an agent reported, an instance was lost, ...).
  void wake();
  // One pass over every unfinished deployment, on the caller's thread (tests, and the loop).
  Status reconcileOnce();

  // Requests (audited, in the change's transaction).
  Result<DeploymentView> createDeployment(const DeploymentRequest& request,
                                          const auth::Principal& principal);
  // What an in-place deployment of the group would do now, without doing it.
  Result<domain::InPlacePlan> plan(const std::string& application, const std::string& group,
                                   const std::optional<std::string>& configName);
  // Stops a deployment that is not final: nothing more starts, instances in flight finish, status
  // Stopped. With `rollback`, the last good revision is redeployed. Conflict when already final.
  Result<DeploymentView> stopDeployment(const std::string& id, bool rollback,
                                        const auth::Principal& principal);
  // Lets a deployment waiting for a person go on: a blue/green deployment at Ready, or at a
  // traffic step's pause without a duration. Conflict (saying what it is doing instead) when the
  // deployment is not waiting for `continue`.
  Result<DeploymentView> continueDeployment(const std::string& id, const auth::Principal& principal);
  // A new deployment of `revision` (default: the group's last successful revision before its
  // latest deployment), created by "rollback". NotFound when there is none.
  Result<DeploymentView> rollback(const std::string& application, const std::string& group,
                                  const std::optional<std::string>& revision,
                                  const auth::Principal& principal);
  Result<DeploymentView> getDeployment(const std::string& id, bool withTargets = true);
  Result<std::vector<DeploymentView>> listDeployments(const DeploymentFilter& filter);
  // Two aggregate queries, read at once.
  Result<DeploymentStatistics> deploymentStatistics();

  // Agents. Commands not yet finished for the instance (sent again after a restart or a lost
  // answer: the agent recognises a deployment it already ran and only reports it again).
  Result<std::vector<AgentCommand>> commandsFor(const std::string& instanceId);
  // Reports for a command that is not the instance's, or unknown, are NotFound; reports for a
  // target already final are accepted and ignored (a late or repeated report changes nothing).
  Status reportEvent(const std::string& instanceId, const std::string& commandId,
                     const EventReport& report);
  Status reportResult(const std::string& instanceId, const std::string& commandId,
                      const ResultReport& report);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace greenlight::engine
