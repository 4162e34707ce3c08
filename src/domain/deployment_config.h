// Deployment configurations: how fast a revision may go out. A minimum of healthy hosts (servers,
// in place), or a traffic routing (all at once, canary, linear, explicit steps): Lambda and ECS,
// and blue/green server groups, which install the new fleet all at once and then shift by it.
// CodeDeploy's model, plus Argo Rollouts' explicit steps.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

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
// One step of an explicit shift: set the new fleet's share of requests (0..100), or pause, for
// `pauseSeconds` or, without it, until someone says `greenlight continue`.
// A gate holds the shift at its step until it opens: `greenlight continue` was run (approval), a
// webhook answered 2xx (asked every intervalSeconds; once it has, that part stays open), or both
// when both are asked for. At deadlineSeconds an unopened gate stops the deployment (traffic goes
// back) or, with onDeadline continue, opens.
struct GateWebhook {
  std::string url;  // http://host:port/path, sent a POST with the deployment's context
  int intervalSeconds = 10;
  int timeoutSeconds = 5;
  bool operator==(const GateWebhook&) const = default;
};
enum class GateDeadlineAction { Stop, Continue };
const char* toString(GateDeadlineAction action);  // "stop", "continue"
struct Gate {
  bool approval = false;  // waits for `greenlight continue`
  std::optional<GateWebhook> webhook;
  int deadlineSeconds = 3600;
  GateDeadlineAction onDeadline = GateDeadlineAction::Stop;
  bool operator==(const Gate&) const = default;
};

struct TrafficStep {
  std::optional<int> setWeight;
  std::optional<int> pauseSeconds;  // with setWeight and gate empty: a pause; none = wait for continue
  std::optional<Gate> gate;         // with setWeight empty: a gate
  static TrafficStep weight(int percent) { return {percent, std::nullopt, std::nullopt}; }
  static TrafficStep pause(std::optional<int> seconds = std::nullopt) {
    return {std::nullopt, seconds, std::nullopt};
  }
  static TrafficStep gated(Gate gate) { return {std::nullopt, std::nullopt, std::move(gate)}; }
  bool isPause() const { return !setWeight.has_value() && !gate.has_value(); }
  bool isGate() const { return gate.has_value(); }
  bool operator==(const TrafficStep&) const = default;
};
// Weights, pauses and gates spelled out (Argo Rollouts' steps), e.g. 10, pause, 50, pause 30 s, 100.
struct TrafficSteps {
  std::vector<TrafficStep> steps;
  bool operator==(const TrafficSteps&) const = default;
};
using TrafficRouting =
    std::variant<AllAtOnceTraffic, TimeBasedCanary, TimeBasedLinear, TrafficSteps>;

// "AllAtOnce", "TimeBasedCanary", "TimeBasedLinear", "Steps".
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

// The steps a blue/green shift takes under `config`: AllAtOnce (and a minimum-healthy-hosts
// configuration, whose shift is all at once) is [100]; a canary is [p, pause interval, 100]; a
// linear shift is [p, pause, 2p, pause, ..., 100]; explicit steps are themselves.
std::vector<TrafficStep> shiftSteps(const DeploymentConfig& config);
// "10%, pause 5m, 100%", for plans and messages.
std::string describe(const std::vector<TrafficStep>& steps);

// JSON:
//   {"name": "fast", "computePlatform": "server",
//    "minimumHealthyHosts": {"type": "HOST_COUNT", "value": 2}}
//   {"name": "slow", "computePlatform": "lambda",
//    "trafficRouting": {"type": "TimeBasedLinear", "percent": 10, "intervalMinutes": 3}}
//   {"name": "gentle", "computePlatform": "server",
//    "trafficRouting": {"type": "Steps", "steps": [{"setWeight": 10}, {"pause": {}},
//                                                  {"pause": {"seconds": 30}}, {"setWeight": 100}]}}
//   a gate step: {"gate": {"continue": true, "webhook": {"url": "http://ci:8080/ok",
//                 "intervalSeconds": 10, "timeoutSeconds": 5}, "deadlineSeconds": 3600,
//                 "onDeadline": "stop"}}  (continue or webhook, or both)
void to_json(nlohmann::json& json, MinimumHealthyHostsType type);
void from_json(const nlohmann::json& json, MinimumHealthyHostsType& type);
void to_json(nlohmann::json& json, const MinimumHealthyHosts& hosts);
void from_json(const nlohmann::json& json, MinimumHealthyHosts& hosts);
nlohmann::json trafficRoutingToJson(const TrafficRouting& routing);
TrafficRouting trafficRoutingFromJson(const nlohmann::json& json);  // throws std::invalid_argument
nlohmann::json trafficStepToJson(const TrafficStep& step);
TrafficStep trafficStepFromJson(const nlohmann::json& json);  // throws std::invalid_argument
void to_json(nlohmann::json& json, const DeploymentConfig& config);
void from_json(const nlohmann::json& json, DeploymentConfig& config);

}  // namespace greenlight::domain
