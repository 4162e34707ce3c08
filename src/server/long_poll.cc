// Park, re-check, then wait: the order that makes a change between the check and the wait
// impossible to miss.
#include "server/long_poll.h"

#include <nlohmann/json.hpp>

#include "domain/deployment_status.h"
#include "server/error_mapping.h"

namespace greenlight::server {

namespace {

using nlohmann::json;

bool isDue(const engine::DeploymentView& deployment, std::uint64_t after) {
  return deployment.version > after || domain::isFinal(deployment.status);
}

}  // namespace

Result<http::HttpResponse> commandsResponse(ApiContext& context, const std::string& instanceId,
                                            bool* any) {
  Result<std::vector<engine::AgentCommand>> commands = context.engine.commandsFor(instanceId);
  if (!commands.ok()) return commands.error();
  json payloads = json::array();
  for (const engine::AgentCommand& command : *commands) payloads.push_back(command.payload);
  if (any != nullptr) *any = !payloads.empty();
  return http::jsonResponse({{"commands", payloads}});
}

void pollCommands(ApiContext& context, const std::string& instanceId,
                  const http::Responder& responder, std::chrono::milliseconds wait) {
  ParkingLot::Ticket ticket = context.agentPolls.park(instanceId, responder);
  bool any = false;
  Result<http::HttpResponse> response = commandsResponse(context, instanceId, &any);
  if (!response.ok() || any || wait.count() <= 0) {
    context.agentPolls.forget(instanceId, ticket);
    responder.send(response.ok() ? *response : errorFor(response.error()));
    return;
  }
  responder.sendAfter(wait, http::jsonResponse({{"commands", json::array()}}));
}

void watchDeployment(ApiContext& context, const std::string& deploymentId, std::uint64_t after,
                     const http::Responder& responder, std::chrono::milliseconds wait) {
  ParkingLot::Ticket ticket = context.watchers.park(deploymentId, responder, after);
  Result<engine::DeploymentView> deployment = context.engine.getDeployment(deploymentId, true);
  if (!deployment.ok() || isDue(*deployment, after) || wait.count() <= 0) {
    context.watchers.forget(deploymentId, ticket);
    responder.send(deployment.ok() ? http::jsonResponse(engine::toJson(*deployment))
                                   : errorFor(deployment.error()));
    return;
  }
  responder.sendAfter(wait, http::jsonResponse(engine::toJson(*deployment)));
}

void answerAgentPolls(ApiContext& context, const std::string& instanceId) {
  std::vector<ParkingLot::Parked> parked = context.agentPolls.waiting(instanceId);
  if (parked.empty()) return;
  bool any = false;
  Result<http::HttpResponse> response = commandsResponse(context, instanceId, &any);
  if (response.ok() && !any) return;  // nothing for it after all: keep waiting
  for (const ParkingLot::Parked& entry : parked) {
    entry.responder.send(response.ok() ? *response : errorFor(response.error()));
    context.agentPolls.forget(instanceId, entry.ticket);
  }
}

void answerWatchers(ApiContext& context, const std::string& deploymentId) {
  std::vector<ParkingLot::Parked> parked = context.watchers.waiting(deploymentId);
  if (parked.empty()) return;
  Result<engine::DeploymentView> deployment = context.engine.getDeployment(deploymentId, true);
  if (!deployment.ok()) return;  // the timeout still answers them
  http::HttpResponse response = http::jsonResponse(engine::toJson(*deployment));
  for (const ParkingLot::Parked& entry : parked) {
    if (!isDue(*deployment, entry.after)) continue;
    entry.responder.send(response);
    context.watchers.forget(deploymentId, entry.ticket);
  }
}

}  // namespace greenlight::server
