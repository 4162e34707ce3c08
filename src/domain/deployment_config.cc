// Names, descriptions and JSON form of deployment configurations.
#include "domain/deployment_config.h"

#include <algorithm>

#include "domain/enum_names.h"
#include "domain/json_parse.h"

namespace greenlight::domain {

namespace {

constexpr EnumNames<MinimumHealthyHostsType, 3> kTypeNames{
    {{MinimumHealthyHostsType::HostCount, "HOST_COUNT"},
     {MinimumHealthyHostsType::FleetPercent, "FLEET_PERCENT"},
     {MinimumHealthyHostsType::MostConcurrency, "MOST_CONCURRENCY"}}};

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

std::string minutes(int count) {
  return std::to_string(count) + (count == 1 ? " minute" : " minutes");
}

constexpr EnumNames<GateDeadlineAction, 2> kDeadlineActionNames{
    {{GateDeadlineAction::Stop, "stop"}, {GateDeadlineAction::Continue, "continue"}}};

// 3600 -> "1h", 90 -> "90s", 120 -> "2m".
std::string duration(int seconds) {
  if (seconds % 3600 == 0) return std::to_string(seconds / 3600) + "h";
  if (seconds % 60 == 0) return std::to_string(seconds / 60) + "m";
  return std::to_string(seconds) + "s";
}

std::string describeGate(const Gate& gate) {
  std::string text = "gate (";
  if (gate.approval) text += "continue";
  if (gate.approval && gate.webhook) text += " and ";
  if (gate.webhook) text += "2xx from " + gate.webhook->url;
  text += ", then " + std::string(toString(gate.onDeadline)) + " after " + duration(gate.deadlineSeconds) + ")";
  return text;
}

nlohmann::json gateToJson(const Gate& gate) {
  nlohmann::json json = {{"continue", gate.approval},
                         {"deadlineSeconds", gate.deadlineSeconds},
                         {"onDeadline", toString(gate.onDeadline)}};
  if (gate.webhook) {
    json["webhook"] = {{"url", gate.webhook->url},
                       {"intervalSeconds", gate.webhook->intervalSeconds},
                       {"timeoutSeconds", gate.webhook->timeoutSeconds}};
  }
  return json;
}

Gate gateFromJson(const nlohmann::json& json) {
  if (!json.is_object()) {
    throw std::invalid_argument("'gate' must be an object, e.g. {\"continue\": true}");
  }
  for (const auto& [key, value] : json.items()) {
    if (key != "continue" && key != "webhook" && key != "deadlineSeconds" && key != "onDeadline") {
      throw std::invalid_argument("unknown gate key '" + key +
                                  "'; a gate has continue, webhook, deadlineSeconds and onDeadline");
    }
  }
  Gate gate;
  if (json.contains("continue")) gate.approval = requiredMember<bool>(json, "continue");
  if (json.contains("webhook")) {
    const nlohmann::json& hook = json.at("webhook");
    if (!hook.is_object()) throw std::invalid_argument("'webhook' must be an object with a 'url'");
    GateWebhook webhook;
    webhook.url = requiredMember<std::string>(hook, "url");
    if (hook.contains("intervalSeconds")) webhook.intervalSeconds = requiredMember<int>(hook, "intervalSeconds");
    if (hook.contains("timeoutSeconds")) webhook.timeoutSeconds = requiredMember<int>(hook, "timeoutSeconds");
    gate.webhook = std::move(webhook);
  }
  if (json.contains("deadlineSeconds")) gate.deadlineSeconds = requiredMember<int>(json, "deadlineSeconds");
  if (json.contains("onDeadline")) {
    auto text = requiredMember<std::string>(json, "onDeadline");
    auto action = enumNamed(kDeadlineActionNames, text);
    if (!action) throw std::invalid_argument("'onDeadline' is stop or continue, not '" + text + "'");
    gate.onDeadline = *action;
  }
  return gate;
}

}  // namespace

const char* toString(MinimumHealthyHostsType type) { return nameOf(kTypeNames, type); }

const char* toString(GateDeadlineAction action) { return nameOf(kDeadlineActionNames, action); }

std::optional<MinimumHealthyHostsType> parseMinimumHealthyHostsType(std::string_view text) {
  return enumNamed(kTypeNames, text);
}

const char* trafficRoutingTypeName(const TrafficRouting& routing) {
  return std::visit(Overloaded{[](const AllAtOnceTraffic&) { return "AllAtOnce"; },
                               [](const TimeBasedCanary&) { return "TimeBasedCanary"; },
                               [](const TimeBasedLinear&) { return "TimeBasedLinear"; },
                               [](const TrafficSteps&) { return "Steps"; }},
                    routing);
}

std::string describe(const DeploymentConfig& config) {
  if (const auto* hosts = config.minimumHealthyHosts()) {
    if (hosts->type == MinimumHealthyHostsType::MostConcurrency) {
      return "one instance at a time, all others kept healthy";
    }
    return std::string("minimum healthy hosts ") + toString(hosts->type) + " " +
           std::to_string(hosts->value);
  }
  return std::visit(
      Overloaded{[](const AllAtOnceTraffic&) { return std::string("all traffic at once"); },
                 [](const TimeBasedCanary& canary) {
                   return "canary " + std::to_string(canary.percent) +
                          "% then the rest after " + minutes(canary.intervalMinutes);
                 },
                 [](const TimeBasedLinear& linear) {
                   return std::to_string(linear.percent) + "% more every " +
                          minutes(linear.intervalMinutes);
                 },
                 [](const TrafficSteps& steps) { return "steps " + describe(steps.steps); }},
      *config.trafficRouting());
}

std::vector<TrafficStep> shiftSteps(const DeploymentConfig& config) {
  const TrafficRouting* routing = config.trafficRouting();
  if (routing == nullptr) return {TrafficStep::weight(100)};
  return std::visit(
      Overloaded{[](const AllAtOnceTraffic&) { return std::vector{TrafficStep::weight(100)}; },
                 [](const TimeBasedCanary& canary) {
                   return std::vector{TrafficStep::weight(canary.percent),
                                      TrafficStep::pause(canary.intervalMinutes * 60),
                                      TrafficStep::weight(100)};
                 },
                 [](const TimeBasedLinear& linear) {
                   std::vector<TrafficStep> steps;
                   int percent = std::max(linear.percent, 1);
                   for (int share = percent; share < 100; share += percent) {
                     steps.push_back(TrafficStep::weight(share));
                     steps.push_back(TrafficStep::pause(linear.intervalMinutes * 60));
                   }
                   steps.push_back(TrafficStep::weight(100));
                   return steps;
                 },
                 [](const TrafficSteps& steps) { return steps.steps; }},
      *routing);
}

std::string describe(const std::vector<TrafficStep>& steps) {
  std::string text;
  for (const auto& step : steps) {
    if (!text.empty()) text += ", ";
    if (step.gate) {
      text += describeGate(*step.gate);
    } else if (!step.isPause()) {
      text += std::to_string(*step.setWeight) + "%";
    } else if (!step.pauseSeconds) {
      text += "pause (until continue)";
    } else if (*step.pauseSeconds % 60 == 0) {
      text += "pause " + std::to_string(*step.pauseSeconds / 60) + "m";
    } else {
      text += "pause " + std::to_string(*step.pauseSeconds) + "s";
    }
  }
  return text;
}

void to_json(nlohmann::json& json, MinimumHealthyHostsType type) { json = toString(type); }

void from_json(const nlohmann::json& json, MinimumHealthyHostsType& type) {
  type = enumFromJson(kTypeNames, json, "minimum healthy hosts type");
}

void to_json(nlohmann::json& json, const MinimumHealthyHosts& hosts) {
  json = {{"type", hosts.type}, {"value", hosts.value}};
}

void from_json(const nlohmann::json& json, MinimumHealthyHosts& hosts) {
  hosts.type = requiredMember<MinimumHealthyHostsType>(json, "type");
  hosts.value = requiredMember<int>(json, "value");
}

nlohmann::json trafficRoutingToJson(const TrafficRouting& routing) {
  nlohmann::json json = {{"type", trafficRoutingTypeName(routing)}};
  std::visit(Overloaded{[](const AllAtOnceTraffic&) {},
                        [&json](const TimeBasedCanary& canary) {
                          json["percent"] = canary.percent;
                          json["intervalMinutes"] = canary.intervalMinutes;
                        },
                        [&json](const TimeBasedLinear& linear) {
                          json["percent"] = linear.percent;
                          json["intervalMinutes"] = linear.intervalMinutes;
                        },
                        [&json](const TrafficSteps& steps) {
                          json["steps"] = nlohmann::json::array();
                          for (const auto& step : steps.steps) {
                            json["steps"].push_back(trafficStepToJson(step));
                          }
                        }},
             routing);
  return json;
}

nlohmann::json trafficStepToJson(const TrafficStep& step) {
  if (step.gate) return {{"gate", gateToJson(*step.gate)}};
  if (!step.isPause()) return {{"setWeight", *step.setWeight}};
  nlohmann::json pause = nlohmann::json::object();
  if (step.pauseSeconds) pause["seconds"] = *step.pauseSeconds;
  return {{"pause", pause}};
}

TrafficStep trafficStepFromJson(const nlohmann::json& json) {
  if (!json.is_object() || json.size() != 1 ||
      (!json.contains("setWeight") && !json.contains("pause") && !json.contains("gate"))) {
    throw std::invalid_argument(
        "a step is {\"setWeight\": N}, {\"pause\": {}} / {\"pause\": {\"seconds\": N}} or "
        "{\"gate\": {\"continue\": true}}, not " + json.dump());
  }
  if (json.contains("gate")) return TrafficStep::gated(gateFromJson(json.at("gate")));
  if (json.contains("setWeight")) return TrafficStep::weight(requiredMember<int>(json, "setWeight"));
  const nlohmann::json& pause = json.at("pause");
  if (!pause.is_object()) throw std::invalid_argument("'pause' must be an object, e.g. {\"seconds\": 30}");
  if (!pause.contains("seconds")) return TrafficStep::pause();
  return TrafficStep::pause(requiredMember<int>(pause, "seconds"));
}

TrafficRouting trafficRoutingFromJson(const nlohmann::json& json) {
  auto type = requiredMember<std::string>(json, "type");
  if (equalsIgnoringCase(type, "AllAtOnce")) return AllAtOnceTraffic{};
  if (equalsIgnoringCase(type, "TimeBasedCanary")) {
    return TimeBasedCanary{requiredMember<int>(json, "percent"),
                           requiredMember<int>(json, "intervalMinutes")};
  }
  if (equalsIgnoringCase(type, "TimeBasedLinear")) {
    return TimeBasedLinear{requiredMember<int>(json, "percent"),
                           requiredMember<int>(json, "intervalMinutes")};
  }
  if (equalsIgnoringCase(type, "Steps")) {
    if (!json.contains("steps") || !json.at("steps").is_array()) {
      throw std::invalid_argument("a Steps routing needs 'steps', a list such as "
                                  "[{\"setWeight\": 10}, {\"pause\": {}}, {\"setWeight\": 100}]");
    }
    TrafficSteps steps;
    std::size_t index = 0;
    for (const auto& step : json.at("steps")) {
      try {
        steps.steps.push_back(trafficStepFromJson(step));
      } catch (const std::invalid_argument& error) {
        throw std::invalid_argument("steps[" + std::to_string(index) + "]: " + error.what());
      }
      ++index;
    }
    return steps;
  }
  throw std::invalid_argument("unknown traffic routing type '" + type +
                              "'; expected AllAtOnce, TimeBasedCanary, TimeBasedLinear or Steps");
}

void to_json(nlohmann::json& json, const DeploymentConfig& config) {
  json = {{"name", config.name}, {"computePlatform", config.computePlatform}};
  if (const auto* hosts = config.minimumHealthyHosts()) {
    json["minimumHealthyHosts"] = *hosts;
  } else {
    json["trafficRouting"] = trafficRoutingToJson(*config.trafficRouting());
  }
}

void from_json(const nlohmann::json& json, DeploymentConfig& config) {
  config.name = requiredMember<std::string>(json, "name");
  config.computePlatform = requiredMember<ComputePlatform>(json, "computePlatform");
  bool hasHosts = json.contains("minimumHealthyHosts");
  bool hasRouting = json.contains("trafficRouting");
  if (hasHosts == hasRouting) {
    throw std::invalid_argument(
        "a deployment configuration needs exactly one of 'minimumHealthyHosts' (server) or "
        "'trafficRouting' (lambda, ecs, blue/green servers)");
  }
  if (hasHosts) {
    config.kind = requiredMember<MinimumHealthyHosts>(json, "minimumHealthyHosts");
  } else {
    try {
      config.kind = trafficRoutingFromJson(json.at("trafficRouting"));
    } catch (const std::invalid_argument& error) {
      throw std::invalid_argument(std::string("in 'trafficRouting': ") + error.what());
    }
  }
}

}  // namespace greenlight::domain
