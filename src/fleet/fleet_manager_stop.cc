// Stopping a group's instances, or one fleet version's: marked Terminated and their tokens revoked
// in one audited transaction, then every process of theirs stopped, several instances at a time.
#include <atomic>
#include <thread>

#include "auth/token_store.h"
#include "common/error_codes.h"
#include "fleet/fleet_manager.h"
#include "store/sqlite_transaction.h"

namespace greenlight::fleet {
namespace {

// Each stop mostly waits for processes to exit; stopping instances side by side keeps a large
// group's teardown near one grace period rather than one per instance.
constexpr size_t kParallelStops = 16;

// Marks the instances not yet Terminated so with `reason` and revokes their agent credentials
// (agent tokens are named by instance id: none may outlive its instance); their ids.
Result<nlohmann::json> markTerminated(catalog::Catalog& catalog, auth::TokenStore& tokens,
                                      const std::string& groupId,
                                      const std::vector<catalog::Instance>& instances,
                                      const std::string& reason) {
  nlohmann::json ids = nlohmann::json::array();
  for (const auto& instance : instances) {
    if (instance.lifecycle == catalog::InstanceLifecycle::Terminated) continue;
    if (Status set = catalog.setInstanceLifecycle(instance.id,
                                                  catalog::InstanceLifecycle::Terminated, reason);
        !set.ok()) {
      return set.error();
    }
    auto revoked = tokens.revokeActive(auth::Role::Agent, groupId, instance.id);
    if (!revoked.ok()) return revoked.error();
    ids.push_back(instance.id);
  }
  return ids;
}

}  // namespace

Status FleetManager::terminateInstances(const std::vector<catalog::Instance>& instances) {
  std::vector<const catalog::Instance*> local;
  for (const auto& instance : instances) {
    if (instance.provider == catalog::FleetProvider::Local) local.push_back(&instance);
  }
  if (local.empty()) return Status::success();
  std::atomic<size_t> next{0};
  std::mutex failuresMutex;
  std::string failures;  // GUARDED_BY(failuresMutex)
  auto worker = [&] {
    for (size_t index = next++; index < local.size(); index = next++) {
      const auto& instance = *local[index];
      Status stopped = local_.terminate(instance.id, instance.pid, instance.pidStartTime);
      if (!stopped.ok()) {
        std::lock_guard lock(failuresMutex);
        failures += (failures.empty() ? "" : "; ") + stopped.error().message;
      }
    }
  };
  std::vector<std::thread> workers;
  for (size_t count = 0; count < std::min(kParallelStops, local.size()); ++count) {
    workers.emplace_back(worker);
  }
  for (auto& thread : workers) thread.join();
  if (!failures.empty()) return Error{kInstanceProcessesSurvived, failures};
  return Status::success();
}

Status FleetManager::terminateGroup(const std::string& groupId, const auth::Principal& principal) {
  Status outcome;
  {
    std::lock_guard lock(mutex_);
    auto stopping = database_.withConnection(
        [&](store::SqliteDatabase& db) -> Result<std::vector<catalog::Instance>> {
          catalog::Catalog catalog(db, clock_);
          auto transaction = store::Transaction::begin(db);
          if (!transaction.ok()) return transaction.error();
          auto instances = catalog.listInstances(groupId);
          if (!instances.ok()) return instances.error();
          auth::TokenStore tokens(db, clock_);
          auto stopped = markTerminated(catalog, tokens, groupId, *instances,
                                        "stopped with its group by " + principal.name);
          if (!stopped.ok()) return stopped.error();
          auto group = catalog.getGroupById(groupId);
          if (group.ok() && group->spec.fleet.provider == catalog::FleetProvider::Local) {
            auto revoked = tokens.revokeActive(auth::Role::Enrolment, groupId,
                                               "local-fleet:" + group->spec.name);
            if (!revoked.ok()) return revoked.error();
          }
          auto audited = audit_.record(db, principal, "terminate-instances", "group:" + groupId,
                                       {{"instances", *stopped}});
          if (!audited.ok()) return audited.error();
          if (Status committed = transaction->commit(); !committed.ok()) return committed.error();
          return std::move(*instances);
        });
    if (!stopping.ok()) return stopping.error();
    for (const auto& instance : *stopping) {
      rememberLifecycle(instance.id, catalog::InstanceLifecycle::Terminated);
      launchedAt_.erase(instance.id);
    }
    std::error_code ignored;
    std::filesystem::remove(options_.dataDir / "fleet" / groupId / "enrolment.token", ignored);
    outcome = terminateInstances(*stopping);
  }
  notifyChanged();
  return outcome;
}

Status FleetManager::retireFleetVersion(const std::string& groupId,
                                        const std::string& fleetVersion,
                                        const std::string& reason) {
  if (fleetVersion.empty()) {
    return Error{codes::kInvalidArgument,
                 "a fleet version to retire must be named; the empty name is the group's "
                 "standing fleet, stopped only with the group"};
  }
  Status outcome;
  bool changed = false;
  {
    std::lock_guard lock(mutex_);
    auto retired = database_.withConnection(
        [&](store::SqliteDatabase& db) -> Result<std::vector<catalog::Instance>> {
          catalog::Catalog catalog(db, clock_);
          auto transaction = store::Transaction::begin(db);
          if (!transaction.ok()) return transaction.error();
          auto instances = catalog.listFleetVersion(groupId, fleetVersion, true);
          if (!instances.ok()) return instances.error();
          auth::TokenStore tokens(db, clock_);
          auto marked = markTerminated(catalog, tokens, groupId, *instances, reason);
          if (!marked.ok()) return marked.error();
          const nlohmann::json& ids = *marked;
          if (!ids.empty()) {
            auto audited = audit_.record(db, auth::systemPrincipal(), "retire-fleet-version",
                                         "group:" + groupId,
                                         {{"fleetVersion", fleetVersion},
                                          {"instances", ids},
                                          {"reason", reason}});
            if (!audited.ok()) return audited.error();
          }
          if (Status committed = transaction->commit(); !committed.ok()) return committed.error();
          return std::move(*instances);
        });
    if (!retired.ok()) return retired.error();
    std::vector<catalog::Instance> toStop;
    for (auto& instance : *retired) {
      const bool wasLive = instance.lifecycle != catalog::InstanceLifecycle::Terminated;
      // Retired before but its processes survived (a crash between the commit and the stop, or a
      // stop that failed): this call finishes the stop.
      const bool leftBehind =
          !wasLive && instance.provider == catalog::FleetProvider::Local &&
          (local_.isRunning(instance.pid, instance.pidStartTime) ||
           !local_.processesOf(instance.id).empty());
      if (!wasLive && !leftBehind) continue;
      changed = changed || wasLive;
      rememberLifecycle(instance.id, catalog::InstanceLifecycle::Terminated);
      launchedAt_.erase(instance.id);
      toStop.push_back(std::move(instance));
    }
    outcome = terminateInstances(toStop);
  }
  if (changed) notifyChanged();
  return outcome;
}

}  // namespace greenlight::fleet
