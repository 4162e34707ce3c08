// The engine's lifecycle (its loop thread) and the operator's requests: deploy, stop, roll back,
// plan, and reading deployments back.
#include "engine/engine.h"

#include "common/error_codes.h"
#include "domain/deployment_config.h"
#include "engine/engine_impl.h"
#include "engine/in_place_judgement.h"
#include "store/sqlite_transaction.h"

namespace greenlight::engine {
namespace {

bool validFileExistsBehavior(const std::string& value) {
  return value == "DISALLOW" || value == "OVERWRITE" || value == "RETAIN";
}

// The deployment configuration `name`, checked to drive a deployment of `group`: in place it
// needs minimum healthy hosts; blue/green takes either (a traffic routing shifts by its steps).
Result<domain::DeploymentConfig> serverConfig(catalog::Catalog& catalog, const std::string& name,
                                              const catalog::DeploymentGroup& group) {
  Result<domain::DeploymentConfig> config = catalog.getConfig(name);
  if (!config.ok()) return config.error();
  if (config->computePlatform != domain::ComputePlatform::Server) {
    return Error{codes::kInvalidArgument,
                 "Deployment configuration '" + config->name + "' is for " +
                     toString(config->computePlatform) + "; a server group needs a server one."};
  }
  if (group.spec.style == catalog::DeploymentStyle::BlueGreen) return config;
  Result<domain::InPlacePolicy> policy = domain::InPlacePolicy::fromConfig(*config);
  if (!policy.ok()) {
    return Error{codes::kInvalidArgument,
                 policy.error().message + " A traffic routing drives blue/green groups "
                 "(deploymentStyle: blue-green)."};
  }
  return config;
}

// A blue/green deployment's state, changed by `change` (for requests that touch it).
void changeBlueGreen(DeploymentView& view, const std::function<void(BlueGreenState&)>& change) {
  if (view.strategy != "blue-green" || view.blueGreen.is_null()) return;
  BlueGreenState state = blueGreenStateFromJson(view.blueGreen);
  change(state);
  view.blueGreen = toJson(state);
}

}  // namespace

Result<int> markStopped(store::SqliteDatabase& db, rows::DeploymentRow& row, WallTime now,
                        const std::string& message, const std::string& skipped) {
  Result<std::vector<rows::TargetRow>> targets = rows::loadTargets(db, row.view.id);
  if (!targets.ok()) return targets.error();
  int inFlight = 0;
  for (auto& target : *targets) {
    if (target.status == domain::InstanceStatus::InProgress) ++inFlight;
    if (target.status != domain::InstanceStatus::Pending) continue;
    target.status = domain::InstanceStatus::Skipped;
    target.endedAt = now;
    target.message = skipped;
    if (Status saved = rows::saveTarget(db, target); !saved.ok()) return saved.error();
  }
  DeploymentView& view = row.view;
  view.stopRequested = true;
  view.status = domain::DeploymentStatus::Stopped;
  view.endedAt = now;
  view.errorCode = "DeploymentStopped";
  view.errorMessage = message;
  changeBlueGreen(view, [&](BlueGreenState& state) { state.switchRequestedAt = now; });
  return inFlight;
}

Engine::Engine(store::SerializedSqliteDatabase& database, const Clock& clock,
               auth::AuditLog& audit, EngineHooks hooks, EngineOptions options)
    : impl_(std::make_unique<Impl>(database, clock, audit, std::move(hooks), options)) {}

Engine::~Engine() { stop(); }

void Engine::start() {
  std::lock_guard guard(impl_->startStopMutex);
  if (impl_->loop.joinable()) return;
  {
    std::lock_guard lock(impl_->loopMutex);
    impl_->stopping = false;
    impl_->wakeRequested = true;
  }
  impl_->loop = std::thread([this] { impl_->runLoop(); });
}

void Engine::stop() {
  std::lock_guard guard(impl_->startStopMutex);
  {
    std::lock_guard lock(impl_->loopMutex);
    impl_->stopping = true;
  }
  impl_->wakeSignal.notify_all();
  if (impl_->loop.joinable()) impl_->loop.join();
}

void Engine::wake() { impl_->requestWake(); }

Status Engine::reconcileOnce() { return impl_->reconcilePass(); }

void Engine::Impl::requestWake() {
  {
    std::lock_guard lock(loopMutex);
    wakeRequested = true;
  }
  wakeSignal.notify_all();
}

void Engine::Impl::runLoop() {
  std::unique_lock lock(loopMutex);
  while (!stopping) {
    wakeRequested = false;
    lock.unlock();
    // A failed pass (the store busy, a disk error, a provider away) is retried on the next one:
    // every step re-reads what it needs, so nothing is lost by trying again. It is reported when
    // it changes and once a minute while it lasts, so a deployment held by it is never silent.
    Status passed = reconcilePass();
    if (!passed.ok() && hooks.passFailed) {
      const WallTime now = clock.now();
      if (passed.error().message != lastPassFailure ||
          now - lastPassFailureReportedAt >= std::chrono::minutes(1)) {
        hooks.passFailed(passed.error().code + ": " + passed.error().message);
        lastPassFailure = passed.error().message;
        lastPassFailureReportedAt = now;
      }
    } else if (passed.ok() && !lastPassFailure.empty()) {
      lastPassFailure.clear();
      if (hooks.passFailed) hooks.passFailed("the engine's passes succeed again");
    }
    lock.lock();
    // While a blue/green deployment watches the balancer (health, a pause's end), sooner.
    auto interval = pollSoon.exchange(false)
                        ? std::min(options.idleInterval, std::chrono::milliseconds(200))
                        : options.idleInterval;
    wakeSignal.wait_for(lock, interval, [&] { return wakeRequested || stopping; });
  }
}

void Engine::Impl::fire(const Effects& effects) {
  if (hooks.commandQueued) {
    for (const auto& instanceId : effects.queuedInstances) hooks.commandQueued(instanceId);
  }
  if (hooks.deploymentChanged) {
    for (const auto& id : effects.changedDeployments) hooks.deploymentChanged(id);
  }
  if (effects.wakeLoop) requestWake();
}

Result<DeploymentView> Engine::createDeployment(const DeploymentRequest& request,
                                                const auth::Principal& principal) {
  Effects effects;
  auto created = impl_->database.withConnection(
      [&](store::SqliteDatabase& db) -> Result<DeploymentView> {
        catalog::Catalog catalog(db, impl_->clock);
        Result<store::Transaction> transaction = store::Transaction::begin(db);
        if (!transaction.ok()) return transaction.error();
        Result<catalog::DeploymentGroup> group = catalog.getGroup(request.application, request.group);
        if (!group.ok()) return group.error();
        Result<catalog::Revision> revision =
            catalog.getRevision(request.application, request.revision);
        if (!revision.ok()) return revision.error();
        std::string configName = request.configName.value_or(group->spec.deploymentConfig);
        Result<domain::DeploymentConfig> config = serverConfig(catalog, configName, *group);
        if (!config.ok()) return config.error();
        std::string fileExists = request.fileExistsBehavior.value_or(group->spec.fileExistsBehavior);
        if (!validFileExistsBehavior(fileExists)) {
          return Error{codes::kInvalidArgument,
                       "fileExistsBehavior '" + fileExists +
                           "' is not one greenlight knows; use DISALLOW, OVERWRITE or RETAIN"};
        }
        NewDeployment deployment;
        deployment.group = *group;
        deployment.revision = revision->sha256;
        deployment.configName = config->name;
        deployment.config = *config;
        deployment.description = request.description;
        deployment.fileExistsBehavior = fileExists;
        deployment.ignoreApplicationStopFailures = request.ignoreApplicationStopFailures.value_or(
            group->spec.ignoreApplicationStopFailures);
        deployment.creator = request.creator;
        deployment.rollbackOf = request.rollbackOf;
        deployment.createdBy = principal.name;
        Result<rows::DeploymentRow> row = impl_->insertNewDeployment(db, deployment);
        if (!row.ok()) return row.error();
        Result<std::int64_t> audited = impl_->audit.record(
            db, principal, "create-deployment", "deployment:" + row->view.id,
            {{"application", request.application},
             {"group", request.group},
             {"revision", revision->sha256},
             {"deploymentConfig", config->name},
             {"description", request.description}});
        if (!audited.ok()) return audited.error();
        if (Status committed = transaction->commit(); !committed.ok()) return committed.error();
        effects.changedDeployments.insert(row->view.id);
        effects.wakeLoop = true;
        return impl_->buildView(db, std::move(row).value(), true);
      });
  impl_->fire(effects);
  return created;
}

Result<DeploymentView> Engine::stopDeployment(const std::string& id, bool rollback,
                                              const auth::Principal& principal) {
  Effects effects;
  auto stopped = impl_->database.withConnection(
      [&](store::SqliteDatabase& db) -> Result<DeploymentView> {
        catalog::Catalog catalog(db, impl_->clock);
        Result<store::Transaction> transaction = store::Transaction::begin(db);
        if (!transaction.ok()) return transaction.error();
        Result<rows::DeploymentRow> row = rows::loadDeployment(db, id);
        if (!row.ok()) return row.error();
        DeploymentView& view = row->view;
        if (domain::isFinal(view.status)) {
          return Error{codes::kConflict, "deployment " + id + " has already ended (" +
                                             toString(view.status) +
                                             "); there is nothing to stop. To undo it, roll the "
                                             "group back instead"};
        }
        WallTime now = impl_->clock.now();
        Result<int> inFlight = markStopped(db, *row, now, "Stopped by " + principal.name + ".",
                                           "Not deployed: the deployment was stopped.");
        if (!inFlight.ok()) return inFlight.error();
        row->stopRollback = rollback;
        if (*inFlight > 0) {
          view.errorMessage += " " + std::to_string(*inFlight) +
                               " instance(s) already in progress finish their lifecycle.";
        }
        Result<catalog::DeploymentGroup> group = catalog.getGroupById(view.groupId);
        bool rollBack = rollback || (group.ok() && group->spec.autoRollback.onStopRequest());
        std::optional<std::string> rollbackId;
        if (rollBack) {
          auto good = rows::lastGoodRevision(db, view.groupId, row->sequence);
          if (!good.ok()) return good.error();
          if (*good) {
            auto created = impl_->createRollbackOf(db, *row, **good, principal.name);
            if (!created.ok()) return created.error();
            rollbackId = created->view.id;
            view.errorMessage += " Rolling back to revision " + good->value().substr(0, 12) +
                                 " in deployment " + *rollbackId + ".";
            effects.changedDeployments.insert(*rollbackId);
          } else {
            view.errorMessage += " No earlier successful deployment of the group to roll back to.";
          }
        }
        if (Status saved = rows::saveDeployment(db, *row); !saved.ok()) return saved.error();
        nlohmann::json details = {{"rollback", rollback}};
        if (rollbackId) details["rollbackDeployment"] = *rollbackId;
        Result<std::int64_t> audited =
            impl_->audit.record(db, principal, "stop-deployment", "deployment:" + id, details);
        if (!audited.ok()) return audited.error();
        if (Status committed = transaction->commit(); !committed.ok()) return committed.error();
        effects.changedDeployments.insert(id);
        effects.wakeLoop = true;
        return impl_->buildView(db, std::move(row).value(), true);
      });
  impl_->fire(effects);
  return stopped;
}

Result<DeploymentView> Engine::rollback(const std::string& application, const std::string& group,
                                        const std::optional<std::string>& revision,
                                        const auth::Principal& principal) {
  Effects effects;
  auto created = impl_->database.withConnection(
      [&](store::SqliteDatabase& db) -> Result<DeploymentView> {
        catalog::Catalog catalog(db, impl_->clock);
        Result<store::Transaction> transaction = store::Transaction::begin(db);
        if (!transaction.ok()) return transaction.error();
        Result<catalog::DeploymentGroup> found = catalog.getGroup(application, group);
        if (!found.ok()) return found.error();
        Result<std::int64_t> latest = rows::latestSequence(db, found->id);
        if (!latest.ok()) return latest.error();
        std::string sha;
        if (revision) {
          Result<catalog::Revision> named = catalog.getRevision(application, *revision);
          if (!named.ok()) return named.error();
          sha = named->sha256;
        } else {
          auto good = rows::lastGoodRevision(db, found->id, *latest);
          if (!good.ok()) return good.error();
          if (!*good) {
            return Error{codes::kNotFound,
                         "group " + application + "/" + group +
                             " has no successful deployment before its latest one, so there is "
                             "nothing to roll back to; name the revision to deploy instead"};
          }
          sha = **good;
        }
        // The rollback undoes the group's newest deployment, whatever its status.
        auto newest = rows::listDeployments(db, DeploymentFilter{application, group, {}, 1});
        if (!newest.ok()) return newest.error();
        Result<rows::DeploymentRow> row = Error{};
        if (!newest->empty()) {
          rows::DeploymentRow& undone = newest->front();
          if (undone.view.strategy == "blue-green" && !domain::isFinal(undone.view.status)) {
            // Rolling back a blue/green deployment under way stops it: traffic goes back to
            // the previous fleet at once (its driver unwinds), and the rollback records it.
            Result<int> stopped =
                markStopped(db, undone, impl_->clock.now(), "Rolled back by " + principal.name + ".",
                            "Not deployed: the deployment was rolled back.");
            if (!stopped.ok()) return stopped.error();
          }
          row = impl_->createRollbackOf(db, undone, sha, principal.name);
          if (!row.ok()) return row.error();
          if (Status saved = rows::saveDeployment(db, undone); !saved.ok()) return saved.error();
          effects.changedDeployments.insert(undone.view.id);
        } else {
          Result<domain::DeploymentConfig> config =
              serverConfig(catalog, found->spec.deploymentConfig, *found);
          if (!config.ok()) return config.error();
          NewDeployment request;
          request.group = *found;
          request.revision = sha;
          request.configName = config->name;
          request.config = *config;
          request.description = "Rollback";
          request.fileExistsBehavior = found->spec.fileExistsBehavior;
          request.ignoreApplicationStopFailures = found->spec.ignoreApplicationStopFailures;
          request.creator = domain::DeploymentCreator::Rollback;
          request.createdBy = principal.name;
          row = impl_->insertNewDeployment(db, request);
          if (!row.ok()) return row.error();
        }
        Result<std::int64_t> audited = impl_->audit.record(
            db, principal, "rollback", "deployment:" + row->view.id,
            {{"application", application},
             {"group", group},
             {"revision", sha},
             {"rollbackOf", row->view.rollbackOf ? nlohmann::json(*row->view.rollbackOf)
                                                 : nlohmann::json(nullptr)}});
        if (!audited.ok()) return audited.error();
        if (Status committed = transaction->commit(); !committed.ok()) return committed.error();
        effects.changedDeployments.insert(row->view.id);
        effects.wakeLoop = true;
        return impl_->buildView(db, std::move(row).value(), true);
      });
  impl_->fire(effects);
  return created;
}

Result<DeploymentView> Engine::getDeployment(const std::string& id, bool withTargets) {
  return impl_->database.withConnection([&](store::SqliteDatabase& db) -> Result<DeploymentView> {
    Result<rows::DeploymentRow> row = rows::loadDeployment(db, id);
    if (!row.ok()) return row.error();
    return impl_->buildView(db, std::move(row).value(), withTargets);
  });
}

Result<std::vector<DeploymentView>> Engine::listDeployments(const DeploymentFilter& filter) {
  return impl_->database.withConnection(
      [&](store::SqliteDatabase& db) -> Result<std::vector<DeploymentView>> {
        auto found = rows::listDeployments(db, filter);
        if (!found.ok()) return found.error();
        std::vector<DeploymentView> views;
        for (auto& row : *found) {
          Result<DeploymentView> view = impl_->buildView(db, std::move(row), false);
          if (!view.ok()) return view.error();
          views.push_back(std::move(view).value());
        }
        return views;
      });
}

Result<DeploymentStatistics> Engine::deploymentStatistics() {
  return impl_->database.withConnection(
      [](store::SqliteDatabase& db) { return rows::deploymentStatistics(db); });
}

Result<domain::InPlacePlan> Engine::plan(const std::string& application, const std::string& group,
                                         const std::optional<std::string>& configName) {
  return impl_->database.withConnection(
      [&](store::SqliteDatabase& db) -> Result<domain::InPlacePlan> {
        catalog::Catalog catalog(db, impl_->clock);
        Result<catalog::DeploymentGroup> found = catalog.getGroup(application, group);
        if (!found.ok()) return found.error();
        Result<domain::DeploymentConfig> config =
            serverConfig(catalog, configName.value_or(found->spec.deploymentConfig), *found);
        if (!config.ok()) return config.error();
        Result<domain::InPlacePolicy> policy = policyFromConfigJson(
            nlohmann::json(*config), found->spec.style == catalog::DeploymentStyle::BlueGreen);
        if (!policy.ok()) return policy.error();
        auto instances = catalog.listInstances(found->id);
        if (!instances.ok()) return instances.error();
        // Revision health is measured against the application's newest revision: the one a
        // deployment is most likely to carry.
        std::optional<std::string> revision;
        if (auto latest = catalog.getRevision(application, "latest"); latest.ok()) {
          revision = latest->sha256;
        }
        std::vector<domain::TargetState> targets;
        for (const auto& instance : eligibleInstances(*found, std::move(instances).value())) {
          targets.push_back(targetStateFor(instance, revision, domain::InstanceStatus::Pending));
        }
        return domain::planBatches(*policy, targets);
      });
}

}  // namespace greenlight::engine

namespace greenlight::engine {

void Engine::setProviders(fleet::ComputeProvider* compute, traffic::TrafficProvider* traffic) {
  std::lock_guard pass(impl_->passMutex);
  impl_->compute = compute;
  impl_->traffic = traffic;
}

void Engine::setCloudWatchReader(
    std::function<CheckResult(const catalog::DeploymentGroup&, const catalog::CheckSpec&)> reader) {
  std::lock_guard pass(impl_->passMutex);
  impl_->cloudwatch = std::move(reader);
}

Result<DeploymentView> Engine::continueDeployment(const std::string& id,
                                                  const auth::Principal& principal) {
  Effects effects;
  auto continued = impl_->database.withConnection(
      [&](store::SqliteDatabase& db) -> Result<DeploymentView> {
        Result<store::Transaction> transaction = store::Transaction::begin(db);
        if (!transaction.ok()) return transaction.error();
        Result<rows::DeploymentRow> row = rows::loadDeployment(db, id);
        if (!row.ok()) return row.error();
        DeploymentView& view = row->view;
        auto notWaiting = [&](const std::string& doing) -> Error {
          return Error{codes::kConflict, "deployment " + id + " is not waiting for `greenlight "
                                         "continue`: " + doing + "."};
        };
        if (domain::isFinal(view.status)) {
          return notWaiting("it has ended (" + std::string(toString(view.status)) + ")");
        }
        if (view.strategy != "blue-green" || view.blueGreen.is_null()) {
          // In place, only the judgement between batches waits (or may be cut short).
          InPlaceJudgement judgement = inPlaceJudgementFromJson(view.inPlace);
          Result<std::vector<rows::TargetRow>> targets = rows::loadTargets(db, id);
          if (!targets.ok()) return targets.error();
          if (batchBoundary(*targets, judgement) != BatchBoundary::Judging) {
            return notWaiting("it is an in-place deployment (" + std::string(toString(view.status)) +
                              ") that is not between batches with an analysis to wait on");
          }
          if (judgement.continueRequested) return impl_->buildView(db, std::move(row).value(), true);
          judgement.continueRequested = true;
          view.inPlace = toJson(judgement);
          if (Status saved = rows::saveDeployment(db, *row); !saved.ok()) return saved.error();
          Result<std::int64_t> audited = impl_->audit.record(
              db, principal, "continue-deployment", "deployment:" + id,
              {{"at", "batch boundary after " + std::to_string(finishedTargets(*targets)) + " instances"}});
          if (!audited.ok()) return audited.error();
          if (Status committed = transaction->commit(); !committed.ok()) return committed.error();
          effects.changedDeployments.insert(id);
          effects.wakeLoop = true;
          return impl_->buildView(db, std::move(row).value(), true);
        }
        BlueGreenState state = blueGreenStateFromJson(view.blueGreen);
        bool waiting = false;
        std::string step;
        if (state.phase == phases::kReady && view.status == domain::DeploymentStatus::Ready) {
          waiting = true;
          step = "ready";
        } else if (state.phase == phases::kShifting && state.stepIndex >= 0 &&
                   state.stepIndex < static_cast<int>(state.steps.size()) &&
                   (state.steps[static_cast<std::size_t>(state.stepIndex)].isPause() ||
                    state.steps[static_cast<std::size_t>(state.stepIndex)].isGate())) {
          waiting = true;  // a timed pause may be cut short too
          step = std::string(state.steps[static_cast<std::size_t>(state.stepIndex)].isGate() ? "gate" : "pause") +
                 " at step " + std::to_string(state.stepIndex + 1);
        } else if (state.phase == phases::kTerminationWait) {
          waiting = true;
          step = "termination wait";
        }
        if (!waiting) {
          std::string doing = "it is at " + state.phase;
          if (state.phase == phases::kShifting && state.stepIndex < static_cast<int>(state.steps.size())) {
            doing += " (step " + std::to_string(state.stepIndex + 1) + " of " +
                     std::to_string(state.steps.size()) + ", moving traffic)";
          }
          return notWaiting(doing);
        }
        if (state.continueRequested) {
          // Said twice: the first is being acted on; answering the same is idempotent.
          return impl_->buildView(db, std::move(row).value(), true);
        }
        state.continueRequested = true;
        view.blueGreen = toJson(state);
        if (Status saved = rows::saveDeployment(db, *row); !saved.ok()) return saved.error();
        Result<std::int64_t> audited = impl_->audit.record(
            db, principal, "continue-deployment", "deployment:" + id, {{"at", step}});
        if (!audited.ok()) return audited.error();
        if (Status committed = transaction->commit(); !committed.ok()) return committed.error();
        effects.changedDeployments.insert(id);
        effects.wakeLoop = true;
        return impl_->buildView(db, std::move(row).value(), true);
      });
  impl_->fire(effects);
  return continued;
}

}  // namespace greenlight::engine
