// The JSON shape of deployments as the API and the CLI show them.
#include <nlohmann/json.hpp>

#include "engine/engine.h"

namespace greenlight::engine {
namespace {

template <typename T>
nlohmann::json orNull(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json timeOrNull(const std::optional<WallTime>& time) {
  return time ? nlohmann::json(formatTimestamp(*time)) : nlohmann::json(nullptr);
}

nlohmann::json toJson(const LifecycleEventView& event) {
  return {{"event", event.event},           {"status", event.status},
          {"startedAt", timeOrNull(event.startedAt)}, {"endedAt", timeOrNull(event.endedAt)},
          {"durationMs", orNull(event.durationMs)},   {"errorCode", event.errorCode},
          {"message", event.message},       {"logTail", event.logTail}};
}

nlohmann::json toJson(const TargetView& target) {
  nlohmann::json events = nlohmann::json::array();
  for (const auto& event : target.events) events.push_back(toJson(event));
  return {{"instanceId", target.instanceId},
          {"hostName", target.hostName},
          {"port", target.port},
          {"status", target.status},
          {"currentEvent", target.currentEvent},
          {"startedAt", timeOrNull(target.startedAt)},
          {"endedAt", timeOrNull(target.endedAt)},
          {"errorCode", target.errorCode},
          {"message", target.message},
          {"events", events}};
}

}  // namespace

nlohmann::json toJson(const DeploymentView& deployment) {
  nlohmann::json numbers = nullptr;
  if (deployment.numbers) {
    numbers = {{"instanceCount", deployment.numbers->instanceCount},
               {"minimumHealthyHosts", deployment.numbers->minimumHealthyHosts},
               {"maxInFlight", deployment.numbers->maxInFlight},
               {"neededSuccesses", deployment.numbers->neededSuccesses}};
  }
  const DeploymentCounts& counts = deployment.counts;
  nlohmann::json json = {
      {"id", deployment.id},
      {"application", deployment.application},
      {"groupName", deployment.groupName},
      {"groupId", deployment.groupId},
      {"revision", deployment.revision},
      {"configName", deployment.configName},
      {"config", deployment.config},
      {"status", deployment.status},
      {"creator", deployment.creator},
      {"createdBy", deployment.createdBy},
      {"description", deployment.description},
      {"rollbackOf", orNull(deployment.rollbackOf)},
      {"rolledBackBy", orNull(deployment.rolledBackBy)},
      {"stopRequested", deployment.stopRequested},
      {"errorCode", deployment.errorCode},
      {"errorMessage", deployment.errorMessage},
      {"createdAt", formatTimestamp(deployment.createdAt)},
      {"startedAt", timeOrNull(deployment.startedAt)},
      {"endedAt", timeOrNull(deployment.endedAt)},
      {"durationMs", orNull(deployment.durationMs)},
      {"numbers", numbers},
      {"counts",
       {{"pending", counts.pending},
        {"inProgress", counts.inProgress},
        {"succeeded", counts.succeeded},
        {"failed", counts.failed},
        {"skipped", counts.skipped},
        {"unknown", counts.unknown},
        {"ready", counts.ready}}},
      {"version", deployment.version},
      {"strategy", deployment.strategy},
      {"blueGreen", deployment.blueGreen},
      {"inPlace", deployment.inPlace},
  };
  if (!deployment.targets.empty()) {
    nlohmann::json targets = nlohmann::json::array();
    for (const auto& target : deployment.targets) targets.push_back(toJson(target));
    json["targets"] = targets;
  }
  return json;
}

}  // namespace greenlight::engine
