// One instance as the in-place strategy sees it, and the order in which instances are deployed.
#pragma once

#include <string>
#include <vector>

#include "domain/instance_state.h"

namespace greenlight::domain {

struct TargetState {
  std::string instanceId;
  InstanceStatus status = InstanceStatus::Pending;
  InstanceHealth health = InstanceHealth::Healthy;
  RevisionHealth revisionHealth = RevisionHealth::Unknown;

  bool operator==(const TargetState&) const = default;
};

// Whether `first` is deployed before `second`: unhealthy instances first (deploying cannot make
// them worse and may mend them), then revision Unknown, Old, Current; ties by instance id, so
// the order is the same on every call and after a restart.
bool deployedBefore(const TargetState& first, const TargetState& second);

// The targets sorted by deployedBefore.
std::vector<TargetState> inDeploymentOrder(std::vector<TargetState> targets);

}  // namespace greenlight::domain
