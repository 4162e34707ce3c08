// Deployment order of instances.
#include "domain/target_state.h"

#include <algorithm>
#include <tuple>

namespace greenlight::domain {

namespace {

int revisionRank(RevisionHealth health) {
  switch (health) {
    case RevisionHealth::Unknown: return 0;
    case RevisionHealth::Old: return 1;
    case RevisionHealth::Current: return 2;
  }
  return 0;
}

}  // namespace

bool deployedBefore(const TargetState& first, const TargetState& second) {
  const int firstHealthy = first.health == InstanceHealth::Healthy ? 1 : 0;
  const int secondHealthy = second.health == InstanceHealth::Healthy ? 1 : 0;
  const int firstRevision = revisionRank(first.revisionHealth);
  const int secondRevision = revisionRank(second.revisionHealth);
  return std::tie(firstHealthy, firstRevision, first.instanceId) <
         std::tie(secondHealthy, secondRevision, second.instanceId);
}

std::vector<TargetState> inDeploymentOrder(std::vector<TargetState> targets) {
  std::stable_sort(targets.begin(), targets.end(), deployedBefore);
  return targets;
}

}  // namespace greenlight::domain
