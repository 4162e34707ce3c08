// The command payload sent to agents.
#include "engine/command_payload.h"

#include "catalog/traffic_spec.h"

namespace greenlight::engine {

std::string commandIdFor(const std::string& deploymentId, const std::string& instanceId) {
  return deploymentId + "/" + instanceId;
}

nlohmann::json commandPayload(const std::string& commandId, const rows::DeploymentRow& deployment,
                              const catalog::DeploymentGroup& group,
                              const catalog::Revision& revision) {
  nlohmann::json environment = nlohmann::json::object();
  for (const auto& [name, value] : group.spec.environment) environment[name] = value;
  nlohmann::json payload = {
      {"id", commandId},
      {"deploymentId", deployment.view.id},
      {"applicationName", deployment.view.application},
      {"deploymentGroupName", deployment.view.groupName},
      {"deploymentGroupId", deployment.view.groupId},
      {"revision",
       {{"sha256", revision.sha256},
        {"bundleType", revision.bundleType},
        {"sizeBytes", revision.sizeBytes},
        {"url", "/v1/revisions/" + revision.sha256 + "/bundle"}}},
      {"appspecFilename", revision.appspecFilename},
      {"fileExistsBehavior", deployment.fileExistsBehavior},
      {"ignoreApplicationStopFailures", deployment.ignoreApplicationStopFailures},
      {"environment", environment},
      {"revisionsToKeep", group.spec.revisionsToKeep},
  };
  // In place behind a load balancer, the agent runs the traffic events and asks the server to
  // drain and restore the instance (blue/green moves traffic itself, between fleets). A stored
  // group's spec was validated when it was saved, so an unreadable one cannot occur here.
  auto loadBalancer = catalog::loadBalancerOf(group);
  if (group.spec.style == catalog::DeploymentStyle::InPlace && loadBalancer.ok() && loadBalancer->has_value()) {
    payload["loadBalancer"] = {{"blockTimeoutSeconds", (*loadBalancer)->drainTimeoutSeconds},
                               {"allowTimeoutSeconds", (*loadBalancer)->startGracePeriodSeconds}};
  }
  return payload;
}

}  // namespace greenlight::engine
