// Dry run of the in-place step function with every instance succeeding.
#include "domain/in_place_plan.h"

namespace greenlight::domain {

InPlacePlan planBatches(const InPlacePolicy& policy, const std::vector<TargetState>& targets) {
  InPlacePlan plan;
  plan.configName = policy.configName;
  plan.numbers = inPlaceNumbers(policy, static_cast<int>(targets.size()));
  std::vector<TargetState> simulated = targets;
  // Each round starts an instance, or finishes the ones in flight, or ends: a bound, not a guess.
  for (std::size_t round = 0; round <= simulated.size() + 1; ++round) {
    InPlaceDecision decision = decide(policy, simulated);
    if (decision.outcome == InPlaceOutcome::Failed) {
      plan.feasible = false;
      plan.errorCode = decision.errorCode;
      plan.reason = decision.reason;
      return plan;
    }
    if (decision.outcome == InPlaceOutcome::Succeeded) return plan;
    // Every instance in flight finishes with this round: the plan is a sequence of waves.
    for (auto& target : simulated) {
      if (target.status == InstanceStatus::InProgress) target.status = InstanceStatus::Succeeded;
    }
    for (const auto& id : decision.instancesToStart) {
      for (auto& target : simulated) {
        if (target.instanceId == id && target.status == InstanceStatus::Pending) {
          target.status = InstanceStatus::Succeeded;
          target.health = InstanceHealth::Healthy;
          target.revisionHealth = RevisionHealth::Current;
          break;
        }
      }
    }
    if (decision.instancesToStart.empty()) continue;
    plan.batches.push_back(std::move(decision.instancesToStart));
  }
  return plan;
}

}  // namespace greenlight::domain
