// Keeps each group's fleet as its specification says: creates and launches local instances,
// adopts running ones after a server restart, notices lost agents (a dead process, or an agent
// silent for too long) and marks them Lost — never restarting anything on its own — and stops a
// group's instances leaving no process behind.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "auth/audit_log.h"
#include "catalog/catalog.h"
#include "common/clock.h"
#include "common/result.h"
#include "fleet/compute_provider.h"
#include "fleet/local_fleet.h"
#include "store/sqlite_serialized.h"

namespace greenlight::fleet {

// When each agent was last heard from (any authenticated agent call), in memory: a server that
// restarts gives every agent a fresh grace period rather than trusting stale times.
class AgentPresence {
 public:
  explicit AgentPresence(const Clock& clock) : clock_(clock), startedAt_(clock.now()) {}
  void touch(const std::string& instanceId);
  // The last time heard from, or the presence's own start when never heard from since.
  WallTime lastSeen(const std::string& instanceId) const;
  bool everSeen(const std::string& instanceId) const;
  // Agents heard from less than `timeout` ago: those the instances API calls online.
  std::size_t countSeenWithin(std::chrono::milliseconds timeout) const;

 private:
  const Clock& clock_;
  WallTime startedAt_;
  mutable std::mutex mutex_;
  std::map<std::string, WallTime> lastSeen_;  // GUARDED_BY(mutex_)
};

struct FleetManagerOptions {
  std::filesystem::path dataDir;   // local instances live in dataDir/fleet/<group-id>/<instance-id>
  std::string serverAddress;       // given to local agents
  // An agent silent this long is Lost (it long-polls and heartbeats far more often).
  std::chrono::milliseconds agentTimeout{30000};
};

// Thread-safe. Changes to instances are committed (and audited when a person asked for them)
// before processes are started or stopped. An in-place group has one standing fleet (ensureFleet);
// a blue-green group has none, only the fleet versions its deployments provision and retire.
class FleetManager final : public ComputeProvider {
 public:
  FleetManager(store::SerializedSqliteDatabase& database, const Clock& clock,
               auth::AuditLog& audit, LocalFleet& local, AgentPresence& presence,
               FleetManagerOptions options, std::function<void()> onFleetChanged);

  // At server start: for each local instance not Terminated, adopt it when its recorded process
  // is still running (Running), else mark it Lost ("the agent process was gone when the server
  // started") — never launching a second agent for it. Rows committed but never launched (of a
  // standing fleet or of a fleet version) are launched now.
  Status adoptAll();
  // After a group is created or changed: creates the missing local instances (ordinals 0..N-1)
  // of its standing fleet with their ports and folders, and launches those never launched.
  // Instances beyond N are terminated. Writes the group's enrolment token file
  // (dataDir/fleet/<group-id>/enrolment.token) on first use. Does nothing for static groups, and
  // for blue-green groups nothing but the token file (each deployment provisions a fleet version).
  Status ensureFleet(const std::string& groupId);

  // ComputeProvider, for blue-green groups with a local fleet. Fleet version instances are named
  // "<fleetVersion>-<ordinal>" and live in dataDir/fleet/<group-id>/<instance-id>. With
  // fleet.basePort, instance k of a fleet version of `count` gets basePort + k + j*count for the
  // smallest j >= 0 whose ports no live instance holds. Errors: NotFound (unknown group),
  // Conflict (a static or in-place group), InvalidArgument (empty fleet version, count < 1),
  // AgentLaunchFailed (an agent did not start; it is marked Lost with the reason).
  Result<std::vector<catalog::Instance>> provisionFleetVersion(const std::string& groupId,
                                                               const std::string& fleetVersion,
                                                               int count) override;
  // Errors: InvalidArgument (an empty fleet version: that would be the standing fleet),
  // InstanceProcessesSurvived (the rows are Terminated regardless; call again to retry the stop).
  Status retireFleetVersion(const std::string& groupId, const std::string& fleetVersion,
                            const std::string& reason) override;
  // Stops every instance of the group (no process left behind) and marks them Terminated.
  Status terminateGroup(const std::string& groupId, const auth::Principal& principal);
  // Launches a Lost local instance again, on request (the same id, port and folder).
  Result<catalog::Instance> restartInstance(const std::string& instanceId,
                                            const auth::Principal& principal);
  // Periodic: local processes that died and agents silent past agentTimeout become Lost; agents
  // heard from again become Running. Calls onFleetChanged when anything changed.
  Status check();
  // An agent call arrived for the instance (marks it Running if it was Launching or Lost).
  void agentSeen(const std::string& instanceId);
  // The group's enrolment token file (dataDir/fleet/<group-id>/enrolment.token), made on first
  // use: what local agents start with, and what an aws fleet's user data carries.
  Result<std::filesystem::path> enrolmentTokenFile(const std::string& groupId);

 private:
  struct LifecycleChange {
    std::string instanceId;
    catalog::InstanceLifecycle lifecycle;
    std::string reason;
  };

  // The group's enrolment token file, created (with its token) on first use. REQUIRES: mutex_.
  Result<std::filesystem::path> ensureEnrolmentTokenFile(const catalog::DeploymentGroup& group);
  // Launches an instance whose row is committed, and records its process. REQUIRES: mutex_.
  Status launchInstance(const catalog::Instance& instance, const std::string& groupId,
                        const std::filesystem::path& tokenFile);
  // Launches committed rows never launched; a row not in `createdNow` that already has a process
  // (started before a crash, not recorded) is marked Lost instead of getting a second agent.
  // REQUIRES: mutex_.
  Status launchNeverLaunched(const std::vector<catalog::Instance>& toLaunch,
                             const std::set<std::string>& createdNow, const std::string& groupId,
                             const std::filesystem::path& tokenFile);
  // At start: launches the fleet version's rows left Launching without a process.
  Status resumeFleetVersion(const std::string& groupId, const std::string& fleetVersion);
  // Stops the processes of these local instances, several at a time.
  Status terminateInstances(const std::vector<catalog::Instance>& instances);
  // Commits the changes in one transaction (no audit: greenlight's own observations).
  Status applyLifecycleChanges(const std::vector<LifecycleChange>& changes);
  // When this instance's agent was last heard from, or launched by us if later.
  WallTime lastHeardFrom(const std::string& instanceId);  // REQUIRES: mutex_
  void rememberLifecycle(const std::string& instanceId, catalog::InstanceLifecycle lifecycle);
  void notifyChanged();

  store::SerializedSqliteDatabase& database_;
  const Clock& clock_;
  auth::AuditLog& audit_;
  LocalFleet& local_;
  AgentPresence& presence_;
  FleetManagerOptions options_;
  std::function<void()> onFleetChanged_;
  std::mutex mutex_;  // one fleet change at a time
  std::map<std::string, WallTime> launchedAt_;  // GUARDED_BY(mutex_)
  // agentSeen runs on every agent call: a known-Running instance must cost no store read.
  std::mutex lifecycleCacheMutex_;
  std::map<std::string, catalog::InstanceLifecycle> lifecycleCache_;  // GUARDED_BY(lifecycleCacheMutex_)
};

}  // namespace greenlight::fleet
