// Writing new deployments (requested ones and rollbacks) and reading them back as views.
#include <algorithm>

#include "catalog/traffic_spec.h"
#include "common/error_codes.h"
#include "domain/deployment_config.h"
#include "engine/engine_impl.h"

namespace greenlight::engine {

std::vector<catalog::Instance> eligibleInstances(const catalog::DeploymentGroup& group,
                                                 std::vector<catalog::Instance> instances) {
  std::erase_if(instances, [&](const catalog::Instance& instance) {
    if (instance.lifecycle == catalog::InstanceLifecycle::Terminated) return true;
    if (group.spec.fleet.provider != catalog::FleetProvider::Static) return false;
    for (const auto& [key, value] : group.spec.fleet.tags) {
      auto tag = instance.tags.find(key);
      if (tag == instance.tags.end() || tag->second != value) return true;
    }
    return false;
  });
  return instances;
}

domain::TargetState targetStateFor(const catalog::Instance& instance,
                                   const std::optional<std::string>& revision,
                                   domain::InstanceStatus status) {
  domain::TargetState state;
  state.instanceId = instance.id;
  state.status = status;
  bool lost = instance.lifecycle == catalog::InstanceLifecycle::Lost ||
              instance.lifecycle == catalog::InstanceLifecycle::Terminated;
  state.health = lost || instance.lastDeploymentFailed ? domain::InstanceHealth::Unhealthy
                                                       : domain::InstanceHealth::Healthy;
  if (!instance.currentRevision) {
    state.revisionHealth = domain::RevisionHealth::Unknown;
  } else if (revision && *instance.currentRevision == *revision) {
    state.revisionHealth = domain::RevisionHealth::Current;
  } else {
    state.revisionHealth = domain::RevisionHealth::Old;
  }
  return state;
}

Result<domain::InPlacePolicy> policyFromConfigJson(const nlohmann::json& config, bool blueGreen) {
  domain::DeploymentConfig parsed;
  try {
    parsed = config.get<domain::DeploymentConfig>();
  } catch (const std::exception& error) {
    return Error{"InvalidDeploymentConfig",
                 std::string("the deployment's configuration could not be read (") + error.what() +
                     "); deploy again with a valid configuration"};
  }
  if (blueGreen && parsed.trafficRouting() != nullptr) {
    return domain::InPlacePolicy{parsed.name, {domain::MinimumHealthyHostsType::HostCount, 0}};
  }
  return domain::InPlacePolicy::fromConfig(parsed);
}

Result<rows::DeploymentRow> Engine::Impl::insertNewDeployment(store::SqliteDatabase& db,
                                                              const NewDeployment& request) {
  Result<std::string> id = rows::newDeploymentId(db);
  if (!id.ok()) return id.error();
  rows::DeploymentRow row;
  DeploymentView& view = row.view;
  view.id = *id;
  view.application = request.group.spec.application;
  view.groupName = request.group.spec.name;
  view.groupId = request.group.id;
  view.revision = request.revision;
  view.configName = request.configName;
  view.config = request.config;
  view.status = domain::DeploymentStatus::Created;
  view.creator = request.creator;
  view.createdBy = request.createdBy;
  view.description = request.description;
  view.rollbackOf = request.rollbackOf;
  view.createdAt = clock.now();
  view.strategy =
      request.group.spec.style == catalog::DeploymentStyle::BlueGreen ? "blue-green" : "in-place";
  view.blueGreen = request.blueGreen;
  row.fileExistsBehavior = request.fileExistsBehavior;
  row.ignoreApplicationStopFailures = request.ignoreApplicationStopFailures;
  if (Status inserted = rows::insertDeployment(db, row); !inserted.ok()) return inserted.error();
  return row;
}

Result<rows::DeploymentRow> Engine::Impl::createRollbackOf(store::SqliteDatabase& db,
                                                           rows::DeploymentRow& undone,
                                                           const std::string& revision,
                                                           const std::string& createdBy) {
  catalog::Catalog catalog(db, clock);
  Result<catalog::DeploymentGroup> group = catalog.getGroupById(undone.view.groupId);
  if (!group.ok()) return group.error();
  NewDeployment request;
  request.group = std::move(group).value();
  request.revision = revision;
  request.configName = undone.view.configName;
  request.config = undone.view.config;
  request.description = "Rollback of " + undone.view.id;
  request.fileExistsBehavior = undone.fileExistsBehavior;
  request.ignoreApplicationStopFailures = undone.ignoreApplicationStopFailures;
  request.creator = domain::DeploymentCreator::Rollback;
  request.rollbackOf = undone.view.id;
  request.createdBy = createdBy;
  auto switchBack = switchBackState(db, undone);
  if (!switchBack.ok()) return switchBack.error();
  if (*switchBack) {
    request.blueGreen = **switchBack;
    BlueGreenState undoneState = blueGreenStateFromJson(undone.view.blueGreen);
    if (!undoneState.previousRevision.empty()) request.revision = undoneState.previousRevision;
    request.description = "Rollback of " + undone.view.id + ": traffic back to " +
                          undoneState.previousFleetVersion;
  }
  Result<rows::DeploymentRow> rollback = insertNewDeployment(db, request);
  if (!rollback.ok()) return rollback.error();
  undone.view.rolledBackBy = rollback->view.id;
  return rollback;
}

Result<DeploymentView> Engine::Impl::buildView(store::SqliteDatabase& db, rows::DeploymentRow row,
                                               bool withTargets) {
  DeploymentView view = std::move(row.view);
  if (view.strategy == "blue-green") {
    BlueGreenState state = blueGreenStateFromJson(view.blueGreen);
    catalog::BlueGreenSpec spec;
    catalog::Catalog catalog(db, clock);
    if (auto group = catalog.getGroupById(view.groupId); group.ok()) {
      if (auto read = catalog::blueGreenOf(*group); read.ok()) spec = *read;
    }
    view.blueGreen = view.blueGreen.is_null()
                         ? nlohmann::json(nullptr)
                         : blueGreenProgress(state, spec.readyTimeoutSeconds, spec.waitForReady,
                                             spec.terminationWaitSeconds);
  }
  if (view.inPlace.is_object()) {
    // The counters each window started from are the engine's, not the reader's.
    for (auto& window : view.inPlace["analyses"]) {
      if (window.is_object()) window.erase("baseline");
    }
    view.inPlace.erase("continueRequested");
  }
  Result<DeploymentCounts> counts = rows::countTargets(db, view.id);
  if (!counts.ok()) return counts.error();
  view.counts = *counts;
  if (!withTargets) return view;
  Result<std::vector<rows::TargetRow>> targets = rows::loadTargets(db, view.id);
  if (!targets.ok()) return targets.error();
  auto events = rows::loadEvents(db, view.id);
  if (!events.ok()) return events.error();
  for (auto& target : *targets) {
    TargetView shown;
    shown.instanceId = target.instanceId;
    shown.hostName = target.hostName;
    shown.port = target.port;
    shown.status = target.status;
    shown.currentEvent = target.currentEvent;
    shown.startedAt = target.startedAt;
    shown.endedAt = target.endedAt;
    shown.errorCode = target.errorCode;
    shown.message = target.message;
    if (auto found = events->find(target.instanceId); found != events->end()) {
      shown.events = std::move(found->second);
    }
    view.targets.push_back(std::move(shown));
  }
  return view;
}

}  // namespace greenlight::engine
