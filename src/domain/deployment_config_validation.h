// Checks a custom deployment configuration before it is stored, with messages that say which
// value is wrong, what is allowed, and why.
#pragma once

#include "common/result.h"
#include "domain/deployment_config.h"

namespace greenlight::domain {

// Rules (CodeDeploy's): a name of 1..100 characters, not starting with "CodeDeployDefault." (kept
// for the predefined ones); server configurations set minimum healthy hosts (HOST_COUNT >= 0, or
// FLEET_PERCENT 0..99; MOST_CONCURRENCY is predefined only); lambda and ecs configurations set a
// traffic routing (canary and linear percent 1..99, interval >= 1 minute).
// Error code: "InvalidDeploymentConfig".
Status validateCustomConfig(const DeploymentConfig& config);

}  // namespace greenlight::domain
