// Deployment configurations: how fast a revision may go out. For servers a minimum of healthy
// hosts; for Lambda and ECS a traffic routing (all at once, canary, linear). CodeDeploy's model.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "domain/compute_platform.h"

namespace greenlight::domain {

// HOST_COUNT: an absolute number of instances; FLEET_PERCENT: a percentage of the deployment's
// instances, rounded up. MOST_CONCURRENCY (value 1) is what CodeDeploy reports for
// CodeDeployDefault.OneAtATime: one instance at a time, all but one kept healthy. Custom
// configurations cannot use it.
enum class MinimumHealthyHostsType { HostCount, FleetPercent, MostConcurrency };

const char* toString(MinimumHealthyHostsType type);  // "HOST_COUNT", ...
std::optional<MinimumHealthyHostsType> parseMinimumHealthyHostsType(std::string_view text);

struct MinimumHealthyHosts {
  MinimumHealthyHostsType type = MinimumHealthyHostsType::HostCount;
  int value = 0;

  bool operator==(const MinimumHealthyHosts&) const = default;
};

// Traffic shifting for Lambda and ECS.
struct AllAtOnceTraffic {
  bool operator==(const AllAtOnceTraffic&) const = default;
};
// `percent` first, the rest after `intervalMinutes`.
struct TimeBasedCanary {
  int percent = 0;
  int intervalMinutes = 0;
  bool operator==(const TimeBasedCanary&) const = default;
};
// `percent` more every `intervalMinutes` until all traffic has moved.
struct TimeBasedLinear {
  int percent = 0;
  int intervalMinutes = 0;
  bool operator==(const TimeBasedLinear&) const = default;
};
using TrafficRouting = std::variant<AllAtOnceTraffic, TimeBasedCanary, TimeBasedLinear>;

// "AllAtOnce", "TimeBasedCanary", "TimeBasedLinear".
const char* trafficRoutingTypeName(const TrafficRouting& routing);

struct DeploymentConfig {
  std::string name;
  ComputePlatform computePlatform = ComputePlatform::Server;
  std::variant<MinimumHealthyHosts, TrafficRouting> kind;

  // Null when the configuration is of the other kind.
  const MinimumHealthyHosts* minimumHealthyHosts() const {
    return std::get_if<MinimumHealthyHosts>(&kind);
  }
  const TrafficRouting* trafficRouting() const { return std::get_if<TrafficRouting>(&kind); }

  bool operator==(const DeploymentConfig&) const = default;
};

// One line for an operator, e.g. "FLEET_PERCENT 50" or "canary 10% then the rest after 5 minutes".
std::string describe(const DeploymentConfig& config);

// JSON:
//   {"name": "fast", "computePlatform": "server",
//    "minimumHealthyHosts": {"type": "HOST_COUNT", "value": 2}}
//   {"name": "slow", "computePlatform": "lambda",
//    "trafficRouting": {"type": "TimeBasedLinear", "percent": 10, "intervalMinutes": 3}}
void to_json(nlohmann::json& json, MinimumHealthyHostsType type);
void from_json(const nlohmann::json& json, MinimumHealthyHostsType& type);
void to_json(nlohmann::json& json, const MinimumHealthyHosts& hosts);
void from_json(const nlohmann::json& json, MinimumHealthyHosts& hosts);
nlohmann::json trafficRoutingToJson(const TrafficRouting& routing);
TrafficRouting trafficRoutingFromJson(const nlohmann::json& json);  // throws std::invalid_argument
void to_json(nlohmann::json& json, const DeploymentConfig& config);
void from_json(const nlohmann::json& json, DeploymentConfig& config);

}  // namespace greenlight::domain
