// The engine's pass: for each group, settle what happened to the deployments in flight (lost
// instances, results), ask the in-place strategy what comes next and commit it, then start the
// next queued deployment when the group is free. Every change is committed before its effect
// (a command for an agent, a hook) is requested.
#include <algorithm>
#include <map>

#include "catalog/analysis_spec.h"
#include "common/error_codes.h"
#include "domain/in_place_decision.h"
#include "engine/command_payload.h"
#include "engine/engine_impl.h"
#include "engine/in_place_judgement.h"
#include "store/sqlite_transaction.h"

namespace greenlight::engine {
namespace {

bool isActive(domain::DeploymentStatus status) {
  return status == domain::DeploymentStatus::InProgress ||
         status == domain::DeploymentStatus::Baking || status == domain::DeploymentStatus::Ready;
}

bool isWaiting(domain::DeploymentStatus status) {
  return status == domain::DeploymentStatus::Created || status == domain::DeploymentStatus::Queued;
}

Result<std::vector<rows::DeploymentRow>> groupWork(store::SqliteDatabase& db,
                                                   const std::string& groupId) {
  auto all = rows::deploymentsWithWork(db);
  if (!all.ok()) return all.error();
  std::erase_if(*all, [&](const rows::DeploymentRow& row) { return row.view.groupId != groupId; });
  return all;
}

std::string shortSha(const std::string& sha) { return sha.substr(0, 12); }

// "First failure: instance i-1 (web-0) during ValidateService: ScriptFailed: ..." and the log
// tail of the failed event, so `status` shows where to look without opening the agent's log.
std::string firstFailureDetail(
    const std::vector<rows::TargetRow>& targets,
    const std::map<std::string, std::vector<LifecycleEventView>>& events) {
  const rows::TargetRow* first = nullptr;
  for (const auto& target : targets) {
    if (target.status != domain::InstanceStatus::Failed) continue;
    if (first == nullptr || (target.endedAt && first->endedAt && *target.endedAt < *first->endedAt)) {
      first = &target;
    }
  }
  if (first == nullptr) return "";
  std::string eventName = first->currentEvent;
  std::string logTail;
  if (auto found = events.find(first->instanceId); found != events.end()) {
    for (const auto& event : found->second) {
      if (event.status == "Failed") {
        eventName = event.event;
        logTail = event.logTail;
        break;
      }
    }
  }
  std::string detail = " First failure: instance " + first->instanceId;
  if (!first->hostName.empty()) detail += " (" + first->hostName + ")";
  if (!eventName.empty()) detail += " during " + eventName;
  if (!first->errorCode.empty()) detail += ": " + first->errorCode;
  if (!first->message.empty()) detail += ": " + first->message;
  if (!logTail.empty()) {
    detail += "\nLast output of " + (eventName.empty() ? std::string("the hook") : eventName) +
              " on " + first->instanceId + ":\n" + logTail;
  }
  return detail;
}

// The group's instances (Terminated ones too) by id: one query per step instead of one per target.
Result<std::map<std::string, catalog::Instance>> instancesById(catalog::Catalog& catalog,
                                                               const std::string& groupId) {
  auto instances = catalog.listInstances(groupId, /*includeTerminated=*/true);
  if (!instances.ok()) return instances.error();
  std::map<std::string, catalog::Instance> byId;
  for (auto& instance : *instances) {
    std::string id = instance.id;
    byId.emplace(std::move(id), std::move(instance));
  }
  return byId;
}

// True when the group's analysis has checks (a spec that cannot be read judges too: the judging
// pass reports it rather than the batches going on unjudged).
Result<bool> groupJudgesBatches(catalog::Catalog& catalog, const std::string& groupId) {
  Result<catalog::DeploymentGroup> group = catalog.getGroupById(groupId);
  if (!group.ok()) return group.error();
  if (group->spec.analysis.is_null()) return false;
  auto analysis = catalog::analysisOf(*group);
  return !analysis.ok() || !analysis->checks.empty();
}

}  // namespace

Status Engine::Impl::reconcilePass() {
  std::lock_guard pass(passMutex);
  auto groups = database.withConnection(
      [&](store::SqliteDatabase& db) -> Result<std::vector<std::string>> {
        auto work = rows::deploymentsWithWork(db);
        if (!work.ok()) return work.error();
        std::vector<std::string> ids;
        for (const auto& row : *work) {
          if (std::find(ids.begin(), ids.end(), row.view.groupId) == ids.end()) {
            ids.push_back(row.view.groupId);
          }
        }
        return ids;
      });
  if (!groups.ok()) return groups.error();
  Status firstFailure;
  for (const auto& groupId : *groups) {
    Effects effects;
    if (Status watched = watchInPlaceAlarms(groupId, effects); !watched.ok() && firstFailure.ok()) {
      firstFailure = watched;
    }
    if (Status judged = judgeInPlaceBatches(groupId, effects); !judged.ok() && firstFailure.ok()) {
      firstFailure = judged;
    }
    // A blue/green phase that moved may give the in-place part or the queue work (installing
    // begins, a rollback waits to start): the group goes round again, a few times at most.
    Status done;
    for (int round = 0; round < 4 && done.ok(); ++round) {
      done = database.withConnection(
          [&](store::SqliteDatabase& db) { return reconcileGroup(db, groupId, effects); });
      if (!done.ok()) break;
      Result<bool> drove = driveBlueGreen(groupId, effects);
      if (!drove.ok()) done = drove.error();
      else if (!*drove) break;
    }
    fire(effects);
    if (!done.ok() && firstFailure.ok()) firstFailure = done;
  }
  return firstFailure;
}

Status Engine::Impl::reconcileGroup(store::SqliteDatabase& db, const std::string& groupId,
                                    Effects& effects) {
  auto work = groupWork(db, groupId);
  if (!work.ok()) return work.error();
  for (auto& row : *work) {
    if (isWaiting(row.view.status)) continue;
    if (Status advanced = advanceDeployment(db, row, effects); !advanced.ok()) return advanced;
  }
  // The group is free when no deployment is active and none that ended still has an instance
  // in flight: the next one would otherwise run a second lifecycle on the same instance.
  for (std::size_t attempt = 0;; ++attempt) {
    work = groupWork(db, groupId);
    if (!work.ok()) return work.error();
    std::vector<rows::DeploymentRow*> waiting;
    bool busy = false;
    for (auto& row : *work) {
      if (isWaiting(row.view.status)) {
        waiting.push_back(&row);
      } else if (!(row.view.strategy == "blue-green" && domain::isFinal(row.view.status))) {
        // A blue/green deployment that ended only retires its own fleet version: the next
        // deployment makes another, so it need not wait for that.
        busy = true;
      }
    }
    if (waiting.empty()) return Status::success();
    if (busy || attempt > work->size()) {
      for (auto* row : waiting) {
        if (row->view.status != domain::DeploymentStatus::Created) continue;
        row->view.status = domain::DeploymentStatus::Queued;
        if (Status saved = rows::saveDeployment(db, *row); !saved.ok()) return saved;
        effects.changedDeployments.insert(row->view.id);
      }
      return Status::success();
    }
    // Rollbacks go first: they restore service; then the oldest.
    auto next = std::find_if(waiting.begin(), waiting.end(), [](const rows::DeploymentRow* row) {
      return row->view.creator == domain::DeploymentCreator::Rollback;
    });
    rows::DeploymentRow& starting = next == waiting.end() ? *waiting.front() : **next;
    if (Status started = startDeployment(db, starting, effects); !started.ok()) return started;
    if (Status advanced = advanceDeployment(db, starting, effects); !advanced.ok()) return advanced;
  }
}

Status Engine::Impl::startDeployment(store::SqliteDatabase& db, rows::DeploymentRow& row,
                                     Effects& effects) {
  Result<store::Transaction> transaction = store::Transaction::begin(db);
  if (!transaction.ok()) return transaction.error();
  catalog::Catalog catalog(db, clock);
  DeploymentView& view = row.view;
  WallTime now = clock.now();
  view.startedAt = now;
  auto fail = [&](const std::string& code, const std::string& message) -> Status {
    view.status = domain::DeploymentStatus::Failed;
    view.endedAt = now;
    view.errorCode = code;
    view.errorMessage = message;
    if (Status saved = rows::saveDeployment(db, row); !saved.ok()) return saved;
    if (Status committed = transaction->commit(); !committed.ok()) return committed;
    effects.changedDeployments.insert(view.id);
    return Status::success();
  };
  Result<catalog::DeploymentGroup> group = catalog.getGroupById(view.groupId);
  if (!group.ok()) {
    if (group.error().code != codes::kNotFound) return group.error();
    return fail("GroupNotFound", "Deployment group " + view.application + "/" + view.groupName +
                                     " (" + view.groupId + ") no longer exists, so there is "
                                     "nothing to deploy to.");
  }
  const bool blueGreen = view.strategy == "blue-green";
  Result<domain::InPlacePolicy> policy = policyFromConfigJson(view.config, blueGreen);
  if (!policy.ok()) return fail(policy.error().code, policy.error().message);
  if (blueGreen) {
    // Targets are the new fleet version's instances, added once it is provisioned.
    if (Status begun = startBlueGreen(db, row, *group); !begun.ok()) {
      return fail(begun.error().code, begun.error().message);
    }
    if (!blueGreenStateFromJson(view.blueGreen).switchBack) {
      view.numbers = domain::inPlaceNumbers(*policy, group->spec.fleet.instances);
    }
    view.status = domain::DeploymentStatus::InProgress;
    if (Status saved = rows::saveDeployment(db, row); !saved.ok()) return saved;
    if (Status committed = transaction->commit(); !committed.ok()) return committed;
    effects.changedDeployments.insert(view.id);
    effects.wakeLoop = true;
    return Status::success();
  }
  auto instances = catalog.listInstances(view.groupId);
  if (!instances.ok()) return instances.error();
  std::vector<catalog::Instance> chosen = eligibleInstances(*group, std::move(instances).value());
  for (const auto& instance : chosen) {
    rows::TargetRow target;
    target.deploymentId = view.id;
    target.instanceId = instance.id;
    target.hostName = instance.hostName;
    target.port = instance.port;
    if (Status inserted = rows::insertTarget(db, target); !inserted.ok()) return inserted;
  }
  view.numbers = domain::inPlaceNumbers(*policy, static_cast<int>(chosen.size()));
  view.status = domain::DeploymentStatus::InProgress;
  if (Status saved = rows::saveDeployment(db, row); !saved.ok()) return saved;
  if (Status committed = transaction->commit(); !committed.ok()) return committed;
  effects.changedDeployments.insert(view.id);
  return Status::success();
}

Status Engine::Impl::failLostTargets(store::SqliteDatabase& db, rows::DeploymentRow& row,
                                     Effects& effects) {
  auto targets = rows::loadTargets(db, row.view.id);
  if (!targets.ok()) return targets.error();
  catalog::Catalog catalog(db, clock);
  struct Lost {
    rows::TargetRow* target;
    std::optional<catalog::Instance> instance;
  };
  std::vector<Lost> lost;
  bool anyInFlight = std::any_of(targets->begin(), targets->end(), [](const auto& target) {
    return target.status == domain::InstanceStatus::InProgress;
  });
  if (!anyInFlight) return Status::success();
  auto instances = instancesById(catalog, row.view.groupId);
  if (!instances.ok()) return instances.error();
  for (auto& target : *targets) {
    if (target.status != domain::InstanceStatus::InProgress) continue;
    auto instance = instances->find(target.instanceId);
    if (instance == instances->end()) {
      lost.push_back({&target, std::nullopt});
    } else if (instance->second.lifecycle == catalog::InstanceLifecycle::Lost ||
               instance->second.lifecycle == catalog::InstanceLifecycle::Terminated) {
      lost.push_back({&target, instance->second});
    }
  }
  if (lost.empty()) return Status::success();
  Result<store::Transaction> transaction = store::Transaction::begin(db);
  if (!transaction.ok()) return transaction.error();
  WallTime now = clock.now();
  for (auto& [target, instance] : lost) {
    std::string where = target->currentEvent.empty()
                            ? std::string("before it reported any lifecycle event")
                            : "during " + target->currentEvent;
    std::string why = !instance ? std::string("it is no longer in the catalog")
                      : instance->lifecycleReason.empty()
                          ? std::string(catalog::toString(instance->lifecycle))
                          : instance->lifecycleReason;
    target->status = domain::InstanceStatus::Failed;
    target->endedAt = now;
    target->errorCode = "InstanceLost";
    target->message = "Instance " + target->instanceId +
                      (target->hostName.empty() ? "" : " (" + target->hostName + ")") +
                      " was lost " + where + ": " + why +
                      ". Check the host and its agent, then deploy again.";
    if (Status saved = rows::saveTarget(db, *target); !saved.ok()) return saved;
    if (!target->currentEvent.empty()) {
      EventReport event;
      event.event = target->currentEvent;
      event.status = "Failed";
      event.endedAt = now;
      event.errorCode = "InstanceLost";
      event.message = target->message;
      if (Status upserted = rows::upsertEvent(db, row.view.id, target->instanceId, event);
          !upserted.ok()) {
        return upserted;
      }
    }
    Status done = rows::setCommandState(db, commandIdFor(row.view.id, target->instanceId),
                                        rows::CommandState::Done, now);
    if (!done.ok()) return done;
    if (instance) {
      Status recorded = catalog.recordInstanceDeployment(target->instanceId, row.view.id,
                                                         row.view.revision, false);
      if (!recorded.ok()) return recorded;
    }
  }
  if (Status bumped = rows::bumpVersion(db, row.view.id); !bumped.ok()) return bumped;
  if (Status committed = transaction->commit(); !committed.ok()) return committed;
  row.view.version += 1;
  effects.changedDeployments.insert(row.view.id);
  effects.wakeLoop = true;
  return Status::success();
}

Status Engine::Impl::advanceDeployment(store::SqliteDatabase& db, rows::DeploymentRow& row,
                                       Effects& effects) {
  // Each round starts instances or settles lost ones; a bound rather than trust.
  const int rounds = 2 * (row.view.numbers ? row.view.numbers->instanceCount : 0) + 4;
  const bool blueGreen = row.view.strategy == "blue-green";
  for (int round = 0; round < rounds; ++round) {
    if (Status settled = failLostTargets(db, row, effects); !settled.ok()) return settled;
    if (!isActive(row.view.status)) return Status::success();
    // Blue/green installs in place on its new fleet; its other phases are the driver's.
    if (blueGreen && blueGreenStateFromJson(row.view.blueGreen).phase != phases::kInstalling) {
      return Status::success();
    }
    auto targets = rows::loadTargets(db, row.view.id);
    if (!targets.ok()) return targets.error();
    catalog::Catalog catalog(db, clock);
    auto instances = instancesById(catalog, row.view.groupId);
    if (!instances.ok()) return instances.error();
    std::vector<domain::TargetState> states;
    for (const auto& target : *targets) {
      auto instance = instances->find(target.instanceId);
      if (instance != instances->end()) {
        states.push_back(targetStateFor(instance->second, row.view.revision, target.status));
      } else {
        states.push_back({target.instanceId, target.status, domain::InstanceHealth::Unhealthy,
                          domain::RevisionHealth::Unknown});
      }
    }
    Result<domain::InPlacePolicy> policy = policyFromConfigJson(row.view.config, blueGreen);
    domain::InPlaceDecision decision;
    if (policy.ok()) {
      decision = domain::decide(*policy, states);
    } else {
      decision.outcome = domain::InPlaceOutcome::Failed;
      decision.errorCode = policy.error().code;
      decision.reason = policy.error().message;
    }

    if (decision.outcome == domain::InPlaceOutcome::Continue && decision.instancesToStart.empty()) {
      return Status::success();  // waiting for the instances in flight
    }
    if (decision.outcome == domain::InPlaceOutcome::Continue && !blueGreen &&
        row.view.creator != domain::DeploymentCreator::Rollback) {
      // With a group analysis the deployment goes in whole batches, each judged before the next
      // (judgeInPlaceBatches measures it): hold while a batch is in flight or being judged.
      Result<bool> judged = groupJudgesBatches(catalog, row.view.groupId);
      if (!judged.ok()) return judged.error();
      if (*judged) {
        bool inFlight = std::any_of(targets->begin(), targets->end(), [](const rows::TargetRow& t) {
          return t.status == domain::InstanceStatus::InProgress;
        });
        if (inFlight) return Status::success();
        if (batchBoundary(*targets, inPlaceJudgementFromJson(row.view.inPlace)) ==
            BatchBoundary::Judging) {
          pollSoon = true;
          return Status::success();
        }
      }
    }
    Result<store::Transaction> transaction = store::Transaction::begin(db);
    if (!transaction.ok()) return transaction.error();
    WallTime now = clock.now();
    if (decision.outcome == domain::InPlaceOutcome::Continue) {
      Result<catalog::DeploymentGroup> group = catalog.getGroupById(row.view.groupId);
      if (!group.ok()) return group.error();
      Result<catalog::Revision> revision =
          catalog.getRevision(row.view.application, row.view.revision);
      if (!revision.ok()) return revision.error();
      for (const auto& instanceId : decision.instancesToStart) {
        auto target = std::find_if(targets->begin(), targets->end(),
                                   [&](const auto& t) { return t.instanceId == instanceId; });
        if (target == targets->end()) continue;
        target->status = domain::InstanceStatus::InProgress;
        target->startedAt = now;
        if (Status saved = rows::saveTarget(db, *target); !saved.ok()) return saved;
        AgentCommand command;
        command.id = commandIdFor(row.view.id, instanceId);
        command.deploymentId = row.view.id;
        command.instanceId = instanceId;
        command.payload = commandPayload(command.id, row, *group, *revision);
        if (Status inserted = rows::insertCommand(db, command, now); !inserted.ok()) return inserted;
      }
      if (Status bumped = rows::bumpVersion(db, row.view.id); !bumped.ok()) return bumped;
      if (Status committed = transaction->commit(); !committed.ok()) return committed;
      row.view.version += 1;
      for (const auto& id : decision.instancesToStart) effects.queuedInstances.push_back(id);
      effects.changedDeployments.insert(row.view.id);
      continue;
    }

    if (decision.outcome == domain::InPlaceOutcome::Succeeded && blueGreen) {
      // Installed: the new fleet joins the load balancer next (the driver's part).
      BlueGreenState state = blueGreenStateFromJson(row.view.blueGreen);
      state.phase = phases::kRegistering;
      state.phaseStartedAt = now;
      row.view.blueGreen = toJson(state);
      if (Status saved = rows::saveDeployment(db, row); !saved.ok()) return saved;
      if (Status committed = transaction->commit(); !committed.ok()) return committed;
      effects.changedDeployments.insert(row.view.id);
      effects.wakeLoop = true;
      return Status::success();
    }
    if (decision.outcome == domain::InPlaceOutcome::Succeeded) {
      row.view.status = domain::DeploymentStatus::Succeeded;
      row.view.endedAt = now;
      if (Status saved = rows::saveDeployment(db, row); !saved.ok()) return saved;
      if (Status committed = transaction->commit(); !committed.ok()) return committed;
      effects.changedDeployments.insert(row.view.id);
      effects.wakeLoop = true;
      return Status::success();
    }

    // Failed: nothing more starts; instances in flight finish and are recorded as they report.
    if (Status ended = endInPlaceFailed(db, row, *targets, decision.errorCode, decision.reason, now, effects);
        !ended.ok()) {
      return ended;
    }
    if (Status committed = transaction->commit(); !committed.ok()) return committed;
    return Status::success();
  }
  return Status::success();
}

Status Engine::Impl::endInPlaceFailed(store::SqliteDatabase& db, rows::DeploymentRow& row,
                                      std::vector<rows::TargetRow>& targets, const std::string& code,
                                      const std::string& reason, WallTime now, Effects& effects) {
  const bool blueGreen = row.view.strategy == "blue-green";
  for (auto& target : targets) {
    if (target.status != domain::InstanceStatus::Pending) continue;
    target.status = domain::InstanceStatus::Skipped;
    target.endedAt = now;
    target.message = "Not deployed: the deployment failed before reaching this instance.";
    if (Status saved = rows::saveTarget(db, target); !saved.ok()) return saved;
  }
  auto events = rows::loadEvents(db, row.view.id);
  if (!events.ok()) return events.error();
  row.view.status = domain::DeploymentStatus::Failed;
  row.view.endedAt = now;
  row.view.errorCode = code;
  row.view.errorMessage = reason + firstFailureDetail(targets, *events);
  catalog::Catalog groups(db, clock);
  Result<catalog::DeploymentGroup> group = groups.getGroupById(row.view.groupId);
  if (blueGreen) {
    // No traffic reached the new fleet: the previous one still serves; the driver retires
    // the new one.
    // A rolling replace's later batch is the exception: its earlier batches took traffic, which
    // the driver gives back to the previous fleet before retiring the new one.
    BlueGreenState state = blueGreenStateFromJson(row.view.blueGreen);
    if (state.previousFleetVersion.empty()) {
      row.view.errorMessage += "\nThe new fleet " + state.fleetVersion + " is retired.";
    } else if (state.trafficMoved) {
      row.view.errorMessage += "\nEvery request goes back to " + state.previousFleetVersion +
                               "; the new fleet " + state.fleetVersion + " is retired.";
    } else {
      row.view.errorMessage += "\n" + state.previousFleetVersion +
                               " still serves every request; the new fleet " + state.fleetVersion +
                               " is retired.";
    }
  } else if (group.ok() && group->spec.autoRollback.onFailure() &&
             row.view.creator != domain::DeploymentCreator::Rollback) {
    auto good = rows::lastGoodRevision(db, row.view.groupId, row.sequence);
    if (!good.ok()) return good.error();
    if (*good) {
      auto rollback = createRollbackOf(db, row, **good, "greenlight");
      if (!rollback.ok()) return rollback.error();
      row.view.errorMessage += "\nAutomatic rollback: redeploying revision " +
                               shortSha(**good) + " in deployment " + rollback->view.id + ".";
      effects.changedDeployments.insert(rollback->view.id);
    } else {
      row.view.errorMessage +=
          "\nAutomatic rollback: the group has no earlier successful deployment to go back to.";
    }
  }
  if (Status saved = rows::saveDeployment(db, row); !saved.ok()) return saved;
  effects.changedDeployments.insert(row.view.id);
  effects.wakeLoop = true;
  return Status::success();
}

}  // namespace greenlight::engine
