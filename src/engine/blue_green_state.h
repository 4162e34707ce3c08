// What a blue/green deployment has done and is doing, kept with the deployment (JSON column
// `blue_green`, and the view's `blueGreen`). Every field is a fact the driver recorded after its
// effect was seen to hold, or an intent recorded before it; the driver asserts the phase's effect
// again on every pass, so a restarted server picks up exactly where it stopped.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "domain/deployment_config.h"
#include "engine/analysis.h"

namespace greenlight::engine {

// Phases, in order for a deployment that goes through: Provisioning (the new fleet version is
// made), Installing (the revision's lifecycle on it, minimum healthy hosts applied to it),
// Registering (its instances join the pool at weight 0 and must pass the balancer's health
// check), Ready (optionally waiting for `continue`), Shifting (the steps), TerminationWait (the
// old fleet warm, rollback a switch), Retiring (fleet versions drained from the pool and stopped),
// Done. SwitchingBack moves traffic back to the previous fleet: a failed or stopped deployment
// unwinding, or a rollback deployment whose whole job that is.
namespace phases {
inline constexpr const char* kProvisioning = "Provisioning";
inline constexpr const char* kInstalling = "Installing";
inline constexpr const char* kRegistering = "Registering";
inline constexpr const char* kReady = "Ready";
inline constexpr const char* kShifting = "Shifting";
inline constexpr const char* kTerminationWait = "TerminationWait";
inline constexpr const char* kRetiring = "Retiring";
inline constexpr const char* kSwitchingBack = "SwitchingBack";
inline constexpr const char* kDone = "Done";
}  // namespace phases

// The steps of a rolling replace of `fleetSize` instances, `batchSize` at a time: the new fleet's
// nominal share after each batch (the last 100), with a pause of `pauseSeconds` between batches.
std::vector<domain::TrafficStep> rollingSteps(int fleetSize, int batchSize, int pauseSeconds);
// The number of batches the weight steps up to and including `stepIndex` need.
int batchesFor(const std::vector<domain::TrafficStep>& steps, int stepIndex);

struct FleetTraffic {
  std::string fleetVersion;
  double percent = 0;  // share of new requests, from the balancer's weights and health
  int instances = 0;   // members in the pool
  int healthy = 0;
  bool operator==(const FleetTraffic&) const = default;
};

// What a gate step has seen: when it began waiting, the webhook's latest answer, how it opened.
struct GateProgress {
  int stepIndex = -1;
  std::optional<WallTime> startedAt;
  std::optional<WallTime> lastCheckedAt;  // the webhook was last asked
  int checks = 0;
  bool webhookPassed = false;             // it answered 2xx once: that part of the gate is open
  std::optional<CheckResult> webhook;     // its latest answer
  std::string outcome;                    // "" while waiting; "Opened", "OpenedAtDeadline", "TimedOut"
  bool operator==(const GateProgress&) const = default;
};
nlohmann::json toJson(const GateProgress& gate);
GateProgress gateProgressFromJson(const nlohmann::json& json);

struct BlueGreenState {
  // The fleet version this deployment makes (or, for a switch back, brings back) and the one
  // serving when it started (the one it drains); "" when there was none.
  std::string fleetVersion;
  std::string previousFleetVersion;
  std::string previousRevision;  // what previousFleetVersion runs
  bool switchBack = false;       // a rollback that only moves traffic back to fleetVersion
  std::string phase = phases::kProvisioning;
  std::vector<domain::TrafficStep> steps;
  int stepIndex = 0;          // the step being carried out or waited on
  std::optional<WallTime> stepStartedAt;
  int trafficPercent = 0;     // the share the new fleet is meant to have now
  bool trafficMoved = false;  // the new fleet has been given weight at some point
  bool completed = false;     // the provider completed the serving fleet (fleetVersionServing)
  std::optional<WallTime> phaseStartedAt;
  bool continueRequested = false;
  std::vector<std::string> retire;  // Retiring: these fleet versions leave the pool and stop
  std::vector<std::string> keepAlive;  // ... except these, which stay running, deregistered
  std::string retireReason;
  std::vector<FleetTraffic> traffic;  // as last read from the balancer
  std::optional<WallTime> switchRequestedAt;  // a switch back was asked for (stop, failure)
  std::optional<std::int64_t> switchMs;       // ... and took this long to hold in the balancer
  // The analysis of each pause with traffic on the new fleet, in order; the last may be running.
  std::vector<AnalysisWindow> analyses;
  // Each gate step reached, in order; the last may be waiting.
  std::vector<GateProgress> gates;
  // Rolling replace (blueGreen.rolling): the new fleet is made batchSize instances at a time,
  // up to fleetSize; batches is how many have been asked for. 0: the whole fleet at once.
  int batchSize = 0;
  int fleetSize = 0;
  int batches = 0;
  // New instances a batch left out, unhealthy at its grace period's end yet within
  // batchMinHealthyPercentage: they get no traffic and are retired with the fleet if it goes.
  std::vector<std::string> leftOut;
  // The group's alarms, as last measured (while the new fleet may have traffic).
  std::optional<WallTime> alarmsCheckedAt;
  std::vector<CheckResult> alarms;
};

// How many batches a rolling replace makes (1 for a whole-fleet deployment).
int batchCount(const BlueGreenState& state);

nlohmann::json toJson(const BlueGreenState& state);
BlueGreenState blueGreenStateFromJson(const nlohmann::json& json);  // tolerant: defaults
// The view's `blueGreen` (docs/openapi.yaml BlueGreenProgress): the state plus what it is waiting
// for and until when, worked out from the group's options.
nlohmann::json blueGreenProgress(const BlueGreenState& state, int readyTimeoutSeconds,
                                 bool waitForReady, int terminationWaitSeconds);

// `<app>-<group>-vNNN` (three digits at least: v001 ... v999, v1000 ...).
std::string fleetVersionName(const std::string& application, const std::string& group, int number);
// The NNN of a fleet version name, or 0.
int fleetVersionNumber(const std::string& fleetVersion);

}  // namespace greenlight::engine
