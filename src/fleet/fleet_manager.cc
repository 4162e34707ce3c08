// Watching the fleet: adoption at start, the periodic check for dead processes and silent agents,
// and the cheap path every agent call takes (agentSeen).
#include "fleet/fleet_manager.h"

#include <algorithm>
#include <utility>

#include "store/sqlite_transaction.h"

namespace greenlight::fleet {
namespace {

using catalog::Instance;
using catalog::InstanceLifecycle;

// "31s" for an operator; below a second (only in tests) in milliseconds.
std::string describe(std::chrono::milliseconds duration) {
  if (duration < std::chrono::seconds(1)) return std::to_string(duration.count()) + "ms";
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(duration).count()) + "s";
}

}  // namespace

FleetManager::FleetManager(store::SerializedSqliteDatabase& database, const Clock& clock,
                           auth::AuditLog& audit, LocalFleet& local, AgentPresence& presence,
                           FleetManagerOptions options, std::function<void()> onFleetChanged)
    : database_(database),
      clock_(clock),
      audit_(audit),
      local_(local),
      presence_(presence),
      options_(std::move(options)),
      onFleetChanged_(std::move(onFleetChanged)) {}

void FleetManager::notifyChanged() {
  if (onFleetChanged_) onFleetChanged_();
}

void FleetManager::rememberLifecycle(const std::string& instanceId, InstanceLifecycle lifecycle) {
  std::lock_guard lock(lifecycleCacheMutex_);
  lifecycleCache_[instanceId] = lifecycle;
}

Status FleetManager::applyLifecycleChanges(const std::vector<LifecycleChange>& changes) {
  if (changes.empty()) return Status::success();
  Status applied = database_.withConnection([&](store::SqliteDatabase& db) -> Status {
    auto transaction = store::Transaction::begin(db);
    if (!transaction.ok()) return transaction.error();
    catalog::Catalog catalog(db, clock_);
    for (const auto& change : changes) {
      if (Status set = catalog.setInstanceLifecycle(change.instanceId, change.lifecycle,
                                                    change.reason);
          !set.ok()) {
        return set;
      }
    }
    return transaction->commit();
  });
  if (applied.ok()) {
    for (const auto& change : changes) rememberLifecycle(change.instanceId, change.lifecycle);
  }
  return applied;
}

WallTime FleetManager::lastHeardFrom(const std::string& instanceId) {
  WallTime heard = presence_.lastSeen(instanceId);
  auto launched = launchedAt_.find(instanceId);
  if (launched != launchedAt_.end() && launched->second > heard) heard = launched->second;
  return heard;
}

Status FleetManager::adoptAll() {
  bool changed = false;
  std::vector<std::string> neverLaunchedGroups;
  std::vector<std::pair<std::string, std::string>> neverLaunchedFleetVersions;  // (group, version)
  {
    std::lock_guard lock(mutex_);
    auto instances = database_.withConnection([&](store::SqliteDatabase& db) {
      return catalog::Catalog(db, clock_).listAllInstances();
    });
    if (!instances.ok()) return instances.error();
    std::vector<LifecycleChange> changes;
    for (const auto& instance : *instances) {
      rememberLifecycle(instance.id, instance.lifecycle);
      if (instance.provider != catalog::FleetProvider::Local) continue;
      if (instance.pid == 0) {
        // Committed but never launched (the server stopped in between): ensureFleet (or, for a
        // fleet version, resumeFleetVersion) launches it unless an unrecorded agent of it is found.
        if (instance.lifecycle == InstanceLifecycle::Launching) {
          if (instance.fleetVersion.empty()) {
            neverLaunchedGroups.push_back(instance.groupId);
          } else {
            neverLaunchedFleetVersions.emplace_back(instance.groupId, instance.fleetVersion);
          }
        }
        continue;
      }
      if (local_.isRunning(instance.pid, instance.pidStartTime)) {
        if (instance.lifecycle != InstanceLifecycle::Running) {
          changes.push_back({instance.id, InstanceLifecycle::Running,
                             "agent process " + std::to_string(instance.pid) +
                                 " adopted when the server started"});
        }
      } else if (instance.lifecycle != InstanceLifecycle::Lost) {
        changes.push_back({instance.id, InstanceLifecycle::Lost,
                           "the agent process " + std::to_string(instance.pid) +
                               " was gone when the server started"});
      }
    }
    if (Status applied = applyLifecycleChanges(changes); !applied.ok()) return applied;
    changed = !changes.empty();
  }
  if (changed) notifyChanged();
  // Launching rows without a process: finish what ensureFleet or provisionFleetVersion began
  // before the server stopped.
  std::sort(neverLaunchedGroups.begin(), neverLaunchedGroups.end());
  neverLaunchedGroups.erase(std::unique(neverLaunchedGroups.begin(), neverLaunchedGroups.end()),
                            neverLaunchedGroups.end());
  std::sort(neverLaunchedFleetVersions.begin(), neverLaunchedFleetVersions.end());
  neverLaunchedFleetVersions.erase(
      std::unique(neverLaunchedFleetVersions.begin(), neverLaunchedFleetVersions.end()),
      neverLaunchedFleetVersions.end());
  // An agent that fails to start is marked Lost with the reason, for the operator to see and
  // restart; it must not keep the server (and every other group) from starting.
  Status outcome;
  for (const auto& groupId : neverLaunchedGroups) {
    Status ensured = ensureFleet(groupId);
    if (!ensured.ok() && ensured.error().code != kAgentLaunchFailed && outcome.ok()) {
      outcome = ensured;
    }
  }
  for (const auto& [groupId, fleetVersion] : neverLaunchedFleetVersions) {
    Status resumed = resumeFleetVersion(groupId, fleetVersion);
    if (!resumed.ok() && resumed.error().code != kAgentLaunchFailed && outcome.ok()) {
      outcome = resumed;
    }
  }
  return outcome;
}

Status FleetManager::check() {
  std::vector<LifecycleChange> changes;
  {
    std::lock_guard lock(mutex_);
    auto instances = database_.withConnection([&](store::SqliteDatabase& db) {
      return catalog::Catalog(db, clock_).listAllInstances();
    });
    if (!instances.ok()) return instances.error();
    const WallTime now = clock_.now();
    for (const auto& instance : *instances) {
      const bool local = instance.provider == catalog::FleetProvider::Local;
      if (local && instance.pid == 0) continue;  // not launched (yet): nothing to watch
      // An aws instance boots before its agent calls: the deployment's provisionTimeoutSeconds
      // judges one that never does, not the agent timeout.
      if (instance.provider == catalog::FleetProvider::Aws &&
          instance.lifecycle == InstanceLifecycle::Launching && !presence_.everSeen(instance.id)) {
        continue;
      }
      const bool processAlive = !local || local_.isRunning(instance.pid, instance.pidStartTime);
      const auto silentFor =
          std::chrono::duration_cast<std::chrono::milliseconds>(now - lastHeardFrom(instance.id));
      switch (instance.lifecycle) {
        case InstanceLifecycle::Terminated:
          break;
        case InstanceLifecycle::Lost:
          if (processAlive && presence_.everSeen(instance.id) &&
              silentFor <= options_.agentTimeout) {
            changes.push_back({instance.id, InstanceLifecycle::Running,
                               "the agent is heard from again"});
          }
          break;
        case InstanceLifecycle::Launching:
        case InstanceLifecycle::Running:
          if (!processAlive) {
            changes.push_back({instance.id, InstanceLifecycle::Lost,
                               "agent process " + std::to_string(instance.pid) + " exited"});
          } else if (silentFor > options_.agentTimeout) {
            changes.push_back({instance.id, InstanceLifecycle::Lost,
                               "no word from the agent for " + describe(silentFor) +
                                   " (timeout " + describe(options_.agentTimeout) + ")"});
          }
          break;
      }
    }
    if (Status applied = applyLifecycleChanges(changes); !applied.ok()) return applied;
  }
  if (!changes.empty()) notifyChanged();
  return Status::success();
}

void FleetManager::agentSeen(const std::string& instanceId) {
  presence_.touch(instanceId);
  {
    std::lock_guard lock(lifecycleCacheMutex_);
    auto known = lifecycleCache_.find(instanceId);
    if (known != lifecycleCache_.end() && known->second == InstanceLifecycle::Running) return;
  }
  bool changed = database_.withConnection([&](store::SqliteDatabase& db) {
    catalog::Catalog catalog(db, clock_);
    auto instance = catalog.getInstance(instanceId);
    if (!instance.ok()) return false;
    InstanceLifecycle lifecycle = instance->lifecycle;
    bool becameRunning = false;
    if (lifecycle == InstanceLifecycle::Launching || lifecycle == InstanceLifecycle::Lost) {
      becameRunning = catalog.setInstanceLifecycle(instanceId, InstanceLifecycle::Running,
                                                   "the agent is connected")
                          .ok();
      if (becameRunning) lifecycle = InstanceLifecycle::Running;
    }
    rememberLifecycle(instanceId, lifecycle);
    return becameRunning;
  });
  if (changed) notifyChanged();
}

}  // namespace greenlight::fleet
