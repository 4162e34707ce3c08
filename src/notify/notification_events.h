// Which notifications a deployment owes: its view compared with what has been notified of it so
// far. Pure: no store, no clock, no network. Every event is a fact that only ever becomes true
// (the deployment started, an instance failed, step 2 began), so comparing the latest view with
// the facts already notified yields each event exactly once, however many changes an
// observation missed: a deployment seen Created and then Succeeded owes DeploymentStart and then
// DeploymentSuccess; a target seen Pending and then Failed owes InstanceStart and then
// InstanceFailure.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "engine/engine.h"

namespace greenlight::notify {

// What has been notified of one deployment (kept in the store beside the outbox).
struct NotifiedState {
  struct Target {
    bool started = false;
    bool ready = false;
    std::string outcome;  // "", "Succeeded", "Failed"
    bool operator==(const Target&) const = default;
  };
  bool started = false;
  std::map<std::string, Target> targets;  // by instance id
  bool ready = false;                     // DeploymentReady
  int stepsStarted = 0;                   // steps [0, stepsStarted) had StepStarted
  std::set<int> analysesCompleted;        // indexes into blueGreen.analyses
  bool baking = false;
  std::string finalStatus;  // "" until DeploymentSuccess, ...Failure or ...Stop
  bool rolledBack = false;
  std::int64_t sequence = 0;  // the last sequence number given to an event
  bool operator==(const NotifiedState&) const = default;
};

nlohmann::json toJson(const NotifiedState& state);
NotifiedState notifiedStateFromJson(const nlohmann::json& json);  // tolerant: defaults

// One event a deployment owes, with what is particular to it.
struct DerivedEvent {
  std::string event;          // one of catalog::notificationEventNames()
  std::int64_t sequence = 0;  // 1, 2, ... per deployment, in the order the events happened
  WallTime time{};            // when it happened, as the view records it (else when it was seen)
  std::string status;         // the deployment's status as of the event
  nlohmann::json instance = nullptr;  // instance events: instanceId, hostName, status, ...
  nlohmann::json step = nullptr;      // StepStarted, PauseStarted: index, count, trafficPercent, ...
  nlohmann::json analysis = nullptr;  // AnalysisCompleted: stepIndex, verdict, results
};

struct Derivation {
  std::vector<DerivedEvent> events;  // in order
  NotifiedState state;               // `notified` with these events added
};

// The events `view` shows that `notified` has not had, in the order they must have happened:
// DeploymentStart; the instances' InstanceStart, InstanceSuccess and InstanceFailure by time;
// InstanceReady and DeploymentReady; per traffic step StepStarted, PauseStarted and the
// AnalysisCompleted of its pause; Baking; DeploymentSuccess, DeploymentFailure or
// DeploymentStop; DeploymentRollback. `now` stamps events the view has no time for.
// REQUIRES: view.targets filled.
Derivation deriveEvents(const NotifiedState& notified, const engine::DeploymentView& view,
                        WallTime now);

}  // namespace greenlight::notify
