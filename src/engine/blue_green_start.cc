// Starting a blue/green deployment: which fleet version it makes, which one it replaces (the
// group's serving one, if it still runs), the steps of its shift; and the switch back a rollback
// does while the previous fleet is alive.
#include <algorithm>

#include "catalog/aws_fleet_spec.h"
#include "catalog/analysis_spec.h"
#include "catalog/traffic_spec.h"
#include "common/error_codes.h"
#include "engine/engine_impl.h"

namespace greenlight::engine {
namespace {

Result<bool> fleetAlive(catalog::Catalog& catalog, const std::string& groupId,
                        const std::string& fleetVersion) {
  if (fleetVersion.empty()) return false;
  auto instances = catalog.listInstances(groupId);
  if (!instances.ok()) return instances.error();
  for (const auto& instance : *instances) {
    if (instance.fleetVersion == fleetVersion) return true;
  }
  return false;
}

}  // namespace

Status Engine::Impl::startBlueGreen(store::SqliteDatabase& db, rows::DeploymentRow& row,
                                    const catalog::DeploymentGroup& group) {
  WallTime now = clock.now();
  BlueGreenState state = blueGreenStateFromJson(row.view.blueGreen);
  row.blueGreenOpen = true;
  state.phaseStartedAt = now;
  if (state.switchBack) {
    state.phase = phases::kSwitchingBack;
    if (!state.switchRequestedAt) state.switchRequestedAt = now;
    row.view.blueGreen = toJson(state);
    return Status::success();
  }
  auto deployments = rows::blueGreenDeployments(db, group.id);
  if (!deployments.ok()) return deployments.error();
  int highest = 0;
  std::optional<rows::DeploymentRow> serving;
  for (const auto& other : *deployments) {
    if (other.view.id == row.view.id) continue;
    BlueGreenState theirs = blueGreenStateFromJson(other.view.blueGreen);
    highest = std::max({highest, fleetVersionNumber(theirs.fleetVersion),
                        fleetVersionNumber(theirs.previousFleetVersion)});
    if (!serving && other.view.status == domain::DeploymentStatus::Succeeded) serving = other;
  }
  catalog::Catalog catalog(db, clock);
  auto instances = catalog.listInstances(group.id, /*includeTerminated=*/true);
  if (!instances.ok()) return instances.error();
  for (const auto& instance : *instances) {
    highest = std::max(highest, fleetVersionNumber(instance.fleetVersion));
  }
  state.fleetVersion = fleetVersionName(group.spec.application, group.spec.name, highest + 1);
  if (serving) {
    BlueGreenState theirs = blueGreenStateFromJson(serving->view.blueGreen);
    auto alive = fleetAlive(catalog, group.id, theirs.fleetVersion);
    if (!alive.ok()) return alive.error();
    if (*alive) {
      state.previousFleetVersion = theirs.fleetVersion;
      state.previousRevision = serving->view.revision;
    }
  }
  domain::DeploymentConfig config;
  try {
    config = row.view.config.get<domain::DeploymentConfig>();
  } catch (const std::exception& error) {
    return Error{"InvalidDeploymentConfig",
                 std::string("the deployment's configuration could not be read: ") + error.what()};
  }
  // The group's first fleet takes all traffic at once: there is nothing to shift from.
  state.steps = state.previousFleetVersion.empty() ? std::vector{domain::TrafficStep::weight(100)}
                                                   : domain::shiftSteps(config);
  // A rolling replace makes the new fleet a batch at a time; its steps are the batches'.
  auto blueGreenOptions = catalog::blueGreenOf(group);
  if (!blueGreenOptions.ok()) return blueGreenOptions.error();
  if (blueGreenOptions->rolling && !state.previousFleetVersion.empty()) {
    state.fleetSize = row.view.numbers ? row.view.numbers->instanceCount : group.spec.fleet.instances;
    if (group.spec.fleet.provider == catalog::FleetProvider::Aws) {
      auto aws = catalog::awsFleetOf(group);
      if (!aws.ok()) return aws.error();
      state.fleetSize = aws->autoScaling.capacity.desired;
    }
    state.batchSize = std::max(1, (state.fleetSize * blueGreenOptions->rolling->batchSizePercentage + 99) / 100);
    state.batches = 1;
    // With an analysis, every batch serves under its checks before the next is made: without a
    // pause of its own, for the analysis's batchSeconds (as an in-place batch boundary is judged).
    int pauseSeconds = blueGreenOptions->rolling->pauseSeconds;
    auto analysis = catalog::analysisOf(group);
    if (!analysis.ok()) return analysis.error();
    if (pauseSeconds == 0 && !analysis->checks.empty()) pauseSeconds = analysis->batchSeconds;
    state.steps = rollingSteps(state.fleetSize, state.batchSize, pauseSeconds);
  }
  state.phase = phases::kProvisioning;
  row.view.blueGreen = toJson(state);
  return Status::success();
}

Result<std::optional<nlohmann::json>> Engine::Impl::switchBackState(
    store::SqliteDatabase& db, const rows::DeploymentRow& undone) {
  if (undone.view.strategy != "blue-green") return std::optional<nlohmann::json>{};
  BlueGreenState theirs = blueGreenStateFromJson(undone.view.blueGreen);
  catalog::Catalog catalog(db, clock);
  auto alive = fleetAlive(catalog, undone.view.groupId, theirs.previousFleetVersion);
  if (!alive.ok()) return alive.error();
  if (!*alive) return std::optional<nlohmann::json>{};
  BlueGreenState state;
  state.switchBack = true;
  state.fleetVersion = theirs.previousFleetVersion;
  state.previousFleetVersion = theirs.fleetVersion;
  state.previousRevision = undone.view.revision;
  state.phase = phases::kSwitchingBack;
  state.trafficMoved = true;
  state.trafficPercent = 100;
  state.steps = {domain::TrafficStep::weight(100)};
  state.switchRequestedAt = clock.now();
  return std::optional<nlohmann::json>{toJson(state)};
}

}  // namespace greenlight::engine
