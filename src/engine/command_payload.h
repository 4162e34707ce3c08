// What an agent receives for one target: everything it needs to run the lifecycle on its own,
// frozen when the target starts so that a command sent again is the same command.
#pragma once

#include <nlohmann/json.hpp>

#include "catalog/catalog.h"
#include "engine/deployment_rows.h"

namespace greenlight::engine {

// The agent protocol's command payload (see the contract): id, deploymentId, applicationName,
// deploymentGroupName, deploymentGroupId, revision {sha256, bundleType, sizeBytes, url},
// appspecFilename, fileExistsBehavior, ignoreApplicationStopFailures, environment,
// revisionsToKeep; and for an in-place group behind a load balancer, loadBalancer
// {blockTimeoutSeconds (its drainTimeoutSeconds), allowTimeoutSeconds (its
// startGracePeriodSeconds)}, which makes the agent run the traffic events.
nlohmann::json commandPayload(const std::string& commandId, const rows::DeploymentRow& deployment,
                              const catalog::DeploymentGroup& group,
                              const catalog::Revision& revision);

// "<deploymentId>/<instanceId>": one per target, the same after a restart.
std::string commandIdFor(const std::string& deploymentId, const std::string& instanceId);

}  // namespace greenlight::engine
