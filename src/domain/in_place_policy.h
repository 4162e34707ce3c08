// The numbers behind an in-place deployment, CodeDeploy's arithmetic: the minimum of healthy
// hosts fixed at the start, how many instances may be in flight, how many must succeed.
#pragma once

#include <string>

#include "common/result.h"
#include "domain/deployment_config.h"

namespace greenlight::domain {

struct InPlacePolicy {
  std::string configName;
  MinimumHealthyHosts minimumHealthyHosts;

  // Error "InvalidDeploymentConfig" for a traffic-routing (lambda/ecs) configuration.
  static Result<InPlacePolicy> fromConfig(const DeploymentConfig& config);
  // e.g. "'CodeDeployDefault.HalfAtATime' (FLEET_PERCENT 50)", for messages.
  std::string label() const;
};

// Fixed for the `instanceCount` instances of a deployment when it starts.
struct InPlaceNumbers {
  int instanceCount = 0;
  // HOST_COUNT n: n. FLEET_PERCENT p: ceil(N*p/100). MOST_CONCURRENCY (OneAtATime): N-1, so one
  // instance at a time, and a failure on the last one still leaves N-1 successes, which is enough.
  int minimumHealthyHosts = 0;
  // N - minimumHealthyHosts (0 when that is not positive): the most instances ever in flight.
  int maxInFlight = 0;
  // At least minimumHealthyHosts, and at least one even when the minimum is 0.
  int neededSuccesses = 1;
};

InPlaceNumbers inPlaceNumbers(const InPlacePolicy& policy, int instanceCount);

}  // namespace greenlight::domain
