// Names, descriptions and JSON form of deployment configurations.
#include "domain/deployment_config.h"

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

}  // namespace

const char* toString(MinimumHealthyHostsType type) { return nameOf(kTypeNames, type); }

std::optional<MinimumHealthyHostsType> parseMinimumHealthyHostsType(std::string_view text) {
  return enumNamed(kTypeNames, text);
}

const char* trafficRoutingTypeName(const TrafficRouting& routing) {
  return std::visit(Overloaded{[](const AllAtOnceTraffic&) { return "AllAtOnce"; },
                               [](const TimeBasedCanary&) { return "TimeBasedCanary"; },
                               [](const TimeBasedLinear&) { return "TimeBasedLinear"; }},
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
                 }},
      *config.trafficRouting());
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
                        }},
             routing);
  return json;
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
  throw std::invalid_argument("unknown traffic routing type '" + type +
                              "'; expected AllAtOnce, TimeBasedCanary or TimeBasedLinear");
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
        "'trafficRouting' (lambda, ecs)");
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
