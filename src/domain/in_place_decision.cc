// CodeDeploy's in-place rules applied to the current state of a deployment's targets.
#include "domain/in_place_decision.h"

#include <algorithm>

namespace greenlight::domain {

namespace {

constexpr std::size_t kIdsInMessage = 5;

bool isSuccess(const TargetState& target) {
  return (target.status == InstanceStatus::Succeeded || target.status == InstanceStatus::Ready) &&
         target.health == InstanceHealth::Healthy;
}

bool isServingHealthy(const TargetState& target) {
  switch (target.status) {
    case InstanceStatus::Pending:
    case InstanceStatus::Succeeded:
    case InstanceStatus::Ready:
    case InstanceStatus::Skipped: return target.health == InstanceHealth::Healthy;
    case InstanceStatus::InProgress:
    case InstanceStatus::Failed:
    case InstanceStatus::Unknown: return false;
  }
  return false;
}

std::string plural(int count, const char* singular, const char* pluralForm) {
  return std::to_string(count) + " " + (count == 1 ? singular : pluralForm);
}

std::string instances(int count) { return plural(count, "instance", "instances"); }

// "i-1, i-2 and 3 more", or empty when nothing was lost.
std::string lostInstances(const std::vector<TargetState>& targets) {
  std::vector<std::string> ids;
  for (const auto& target : targets) {
    bool lost = target.status == InstanceStatus::Failed || target.status == InstanceStatus::Unknown ||
                (target.status != InstanceStatus::InProgress && target.status != InstanceStatus::Pending &&
                 target.health == InstanceHealth::Unhealthy);
    if (lost) ids.push_back(target.instanceId + " (" + toString(target.status) + ", " +
                            toString(target.health) + ")");
  }
  if (ids.empty()) return "";
  std::string text;
  for (std::size_t i = 0; i < ids.size() && i < kIdsInMessage; ++i) text += (i ? ", " : "") + ids[i];
  if (ids.size() > kIdsInMessage) text += " and " + std::to_string(ids.size() - kIdsInMessage) + " more";
  return " Failed or unhealthy: " + text + ".";
}

InPlaceDecision failed(InPlaceCounts counts, const char* code, std::string reason) {
  InPlaceDecision decision;
  decision.outcome = InPlaceOutcome::Failed;
  decision.errorCode = code;
  decision.reason = std::move(reason);
  decision.counts = counts;
  return decision;
}

InPlaceDecision cannotStart(const InPlacePolicy& policy, const InPlaceCounts& counts) {
  const auto& numbers = counts.numbers;
  if (numbers.instanceCount == 0) {
    return failed(counts, "NO_INSTANCES",
                  "The deployment has no instances. Check that the deployment group's fleet "
                  "selection matches running instances with an agent, then deploy again.");
  }
  const int largestPercent = (100 * (numbers.instanceCount - 1)) / numbers.instanceCount;
  return failed(
      counts, "HEALTH_CONSTRAINTS_INVALID",
      "Configuration " + policy.label() + " requires " +
          instances(numbers.minimumHealthyHosts) + " to stay healthy, but the deployment has " +
          instances(numbers.instanceCount) + ", so none could ever be taken out of service. "
          "Add instances to the group, or use a configuration that keeps fewer healthy: "
          "HOST_COUNT " + std::to_string(numbers.instanceCount - 1) + " or less, or FLEET_PERCENT " +
          std::to_string(largestPercent) + " or less for " + instances(numbers.instanceCount) + ".");
}

std::string successReason(const InPlacePolicy& policy, const InPlaceCounts& counts) {
  std::string text = std::to_string(counts.succeeded) + " of " +
                     instances(counts.numbers.instanceCount) + " succeeded; " +
                     std::to_string(counts.numbers.neededSuccesses) + " needed by " + policy.label() + ".";
  if (policy.minimumHealthyHosts.type == MinimumHealthyHostsType::MostConcurrency &&
      counts.succeeded < counts.numbers.instanceCount) {
    text += " One at a time tolerates a failure on the last instance.";
  }
  return text;
}

}  // namespace

const char* toString(InPlaceOutcome outcome) {
  switch (outcome) {
    case InPlaceOutcome::Continue: return "Continue";
    case InPlaceOutcome::Succeeded: return "Succeeded";
    case InPlaceOutcome::Failed: return "Failed";
  }
  return "Unknown";
}

InPlaceDecision decide(const InPlacePolicy& policy, const std::vector<TargetState>& targets) {
  InPlaceCounts counts;
  counts.numbers = inPlaceNumbers(policy, static_cast<int>(targets.size()));
  const auto& numbers = counts.numbers;
  std::vector<TargetState> pending;
  for (const auto& target : targets) {
    if (target.status == InstanceStatus::InProgress) ++counts.inFlight;
    if (target.status == InstanceStatus::Pending) pending.push_back(target);
    if (isSuccess(target)) ++counts.succeeded;
    if (isServingHealthy(target)) ++counts.healthy;
  }
  counts.pending = static_cast<int>(pending.size());

  if (numbers.instanceCount <= numbers.minimumHealthyHosts) return cannotStart(policy, counts);

  if (counts.inFlight == 0 && pending.empty()) {
    if (counts.succeeded >= numbers.neededSuccesses) {
      InPlaceDecision decision;
      decision.outcome = InPlaceOutcome::Succeeded;
      decision.reason = successReason(policy, counts);
      decision.counts = counts;
      return decision;
    }
    return failed(counts, "HEALTH_CONSTRAINTS",
                  "Only " + std::to_string(counts.succeeded) + " of " +
                      instances(numbers.instanceCount) + " succeeded; " + policy.label() + " needs " +
                      std::to_string(numbers.neededSuccesses) + "." + lostInstances(targets) +
                      " Read the failed instances' lifecycle events, fix the revision or the "
                      "instances, and deploy again.");
  }

  const int canStillSucceed = counts.succeeded + counts.inFlight + counts.pending;
  if (canStillSucceed < numbers.neededSuccesses) {
    return failed(counts, "HEALTH_CONSTRAINTS",
                  "The deployment can no longer succeed: " + policy.label() + " needs " +
                      std::to_string(numbers.neededSuccesses) + " successful instances, but at most " +
                      std::to_string(canStillSucceed) + " can still succeed (" +
                      std::to_string(counts.succeeded) + " succeeded, " +
                      std::to_string(counts.inFlight) + " in progress, " +
                      std::to_string(counts.pending) + " not started)." + lostInstances(targets) +
                      " Read the failed instances' lifecycle events, fix the revision or the "
                      "instances, and deploy again.");
  }

  InPlaceDecision decision;
  decision.counts = counts;
  int room = numbers.maxInFlight - counts.inFlight;
  int healthy = counts.healthy;
  for (const auto& target : inDeploymentOrder(std::move(pending))) {
    if (room <= 0) break;
    // Deploying to an unhealthy instance takes nothing out of service; a healthy one may only go
    // while the rest still meet the minimum. Unhealthy ones sort first, so stop at the first miss.
    if (target.health == InstanceHealth::Healthy) {
      if (healthy - 1 < numbers.minimumHealthyHosts) break;
      --healthy;
    }
    decision.instancesToStart.push_back(target.instanceId);
    --room;
  }

  if (decision.instancesToStart.empty() && counts.inFlight == 0) {
    return failed(counts, "HEALTH_CONSTRAINTS",
                  "The deployment cannot go on: " + instances(counts.healthy) +
                      (counts.healthy == 1 ? " is" : " are") + " healthy and " + policy.label() +
                      " requires " + std::to_string(numbers.minimumHealthyHosts) +
                      " to stay healthy, so deploying to any of the " + instances(counts.pending) +
                      " left would go below the minimum." + lostInstances(targets) +
                      " Bring the failed instances back to health or fix the revision, or lower "
                      "the minimum healthy hosts, and deploy again.");
  }
  if (!decision.instancesToStart.empty()) {
    decision.reason = "Starting " + instances(static_cast<int>(decision.instancesToStart.size())) +
                      ": " + std::to_string(counts.healthy) + " healthy, " +
                      std::to_string(numbers.minimumHealthyHosts) + " must stay healthy, up to " +
                      std::to_string(numbers.maxInFlight) + " at a time.";
  } else {
    decision.reason = "Waiting for " + instances(counts.inFlight) + " in progress: " +
                      std::to_string(counts.healthy) + " healthy, " +
                      std::to_string(numbers.minimumHealthyHosts) + " must stay healthy.";
  }
  return decision;
}

}  // namespace greenlight::domain
