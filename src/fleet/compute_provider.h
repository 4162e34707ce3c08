// The seam between the engine and a compute provider for blue/green deployments: a group's fleet
// versions (`<app>-<group>-vNNN`), each a set of instances that all run one revision, made for a
// deployment and retired after it. The engine depends on this interface only; the local fleet
// (FleetManager) implements it, and the AWS provider will (launch template + Auto Scaling group).
#pragma once

#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "common/result.h"

namespace greenlight::fleet {

// Thread-safe. Both calls are idempotent and keyed by (group, fleet version): a restarted server
// calls them again with the same arguments and nothing is made or stopped twice. They may take a
// few seconds (processes are started and stopped); the caller holds no store connection.
class ComputeProvider {
 public:
  ComputeProvider() = default;
  virtual ~ComputeProvider() = default;
  ComputeProvider(const ComputeProvider&) = delete;
  ComputeProvider& operator=(const ComputeProvider&) = delete;

  // Makes the `count` instances of `fleetVersion` in the group (committed first, then started),
  // or, when some exist already, starts only those never started. Returns the fleet version's
  // instances that are not Terminated, by ordinal. An instance whose agent cannot be started is
  // marked Lost with the reason and the call fails; calling again does not start it again (it
  // is not "never started"). REQUIRES: the group is blue-green with a fleet this provider runs,
  // `fleetVersion` is non-empty, `count` >= 1.
  virtual Result<std::vector<catalog::Instance>> provisionFleetVersion(
      const std::string& groupId, const std::string& fleetVersion, int count) = 0;
  // Marks every instance of `fleetVersion` Terminated with `reason` (committed first), then stops
  // them (no process left behind). Nothing to do (an unknown or already retired fleet version) is
  // a success; after a failed stop, calling again retries it. Unavailable means the retirement is
  // under way (an aws fleet scaled down gradually): call again later. REQUIRES: `fleetVersion`
  // non-empty.
  virtual Status retireFleetVersion(const std::string& groupId, const std::string& fleetVersion,
                                    const std::string& reason) = 0;
  // The fleet version's instances the provider itself holds unhealthy, described for an operator
  // ("" when none): beside the load balancer's check and the agents' lifecycle, an aws fleet's
  // instances must be InService and Healthy in their Auto Scaling group. The local fleet has none.
  virtual Result<std::string> unhealthyInstances(const std::string& groupId,
                                                 const std::string& fleetVersion) {
    (void)groupId;
    (void)fleetVersion;
    return std::string();
  }
  // The group is being deleted: every fleet version of it the provider still holds goes (an aws
  // fleet's Auto Scaling groups, found by tag, with their launch templates and alarms), so nothing
  // is left running or billed. The local fleet's instances are stopped by the fleet manager.
  virtual Status retireGroup(const std::string& groupId, const std::string& reason) {
    (void)groupId;
    (void)reason;
    return Status::success();
  }
  // The fleet version serves every request now (its deployment succeeded, before older versions
  // are retired): an aws fleet adds its scaling policies, alarms and scheduled actions. Idempotent.
  virtual Status fleetVersionServing(const std::string& groupId, const std::string& fleetVersion) {
    (void)groupId;
    (void)fleetVersion;
    return Status::success();
  }
};

}  // namespace greenlight::fleet
