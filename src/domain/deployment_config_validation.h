// Checks a custom deployment configuration before it is stored, with messages that say which
// value is wrong, what is allowed, and why.
#pragma once

#include "common/result.h"
#include "domain/deployment_config.h"

namespace greenlight::domain {

// Rules (CodeDeploy's): a name of 1..100 characters, not starting with "CodeDeployDefault." (kept
// for the predefined ones); minimum healthy hosts are for servers (HOST_COUNT >= 0, or
// FLEET_PERCENT 0..99; MOST_CONCURRENCY is predefined only); a traffic routing (lambda, ecs, and
// blue/green servers) has canary and linear percent 1..99 and interval >= 1 minute, or explicit
// steps: 1..100 of them, weights 0..100, timed pauses >= 1 s, the last one setWeight 100.
// Error code: "InvalidDeploymentConfig".
Status validateCustomConfig(const DeploymentConfig& config);

}  // namespace greenlight::domain
