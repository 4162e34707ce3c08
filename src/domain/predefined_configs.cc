// Table of the predefined deployment configurations.
#include "domain/predefined_configs.h"

#include <string>

namespace greenlight::domain {

namespace {

DeploymentConfig server(const char* suffix, MinimumHealthyHostsType type, int value) {
  return {std::string("CodeDeployDefault.") + suffix, ComputePlatform::Server,
          MinimumHealthyHosts{type, value}};
}

DeploymentConfig routed(const char* suffix, ComputePlatform platform, TrafficRouting routing) {
  return {std::string("CodeDeployDefault.") + suffix, platform, std::move(routing)};
}

std::vector<DeploymentConfig> buildTable() {
  using Type = MinimumHealthyHostsType;
  const auto lambda = ComputePlatform::Lambda;
  const auto ecs = ComputePlatform::Ecs;
  return {
      server("OneAtATime", Type::MostConcurrency, 1),
      server("HalfAtATime", Type::FleetPercent, 50),
      server("AllAtOnce", Type::HostCount, 0),
      routed("LambdaCanary10Percent5Minutes", lambda, TimeBasedCanary{10, 5}),
      routed("LambdaCanary10Percent10Minutes", lambda, TimeBasedCanary{10, 10}),
      routed("LambdaCanary10Percent15Minutes", lambda, TimeBasedCanary{10, 15}),
      routed("LambdaCanary10Percent30Minutes", lambda, TimeBasedCanary{10, 30}),
      routed("LambdaLinear10PercentEvery1Minute", lambda, TimeBasedLinear{10, 1}),
      routed("LambdaLinear10PercentEvery2Minutes", lambda, TimeBasedLinear{10, 2}),
      routed("LambdaLinear10PercentEvery3Minutes", lambda, TimeBasedLinear{10, 3}),
      routed("LambdaLinear10PercentEvery10Minutes", lambda, TimeBasedLinear{10, 10}),
      routed("LambdaAllAtOnce", lambda, AllAtOnceTraffic{}),
      // CodeDeploy spells the one-minute ECS configuration "Every1Minutes"; kept as it is.
      routed("ECSCanary10Percent5Minutes", ecs, TimeBasedCanary{10, 5}),
      routed("ECSCanary10Percent15Minutes", ecs, TimeBasedCanary{10, 15}),
      routed("ECSLinear10PercentEvery1Minutes", ecs, TimeBasedLinear{10, 1}),
      routed("ECSLinear10PercentEvery3Minutes", ecs, TimeBasedLinear{10, 3}),
      routed("ECSAllAtOnce", ecs, AllAtOnceTraffic{}),
  };
}

}  // namespace

const std::vector<DeploymentConfig>& predefinedConfigs() {
  static const std::vector<DeploymentConfig> table = buildTable();
  return table;
}

std::optional<DeploymentConfig> findPredefinedConfig(std::string_view name) {
  for (const auto& config : predefinedConfigs()) {
    if (config.name == name) return config;
  }
  return std::nullopt;
}

bool isPredefinedConfigName(std::string_view name) {
  return findPredefinedConfig(name).has_value();
}

}  // namespace greenlight::domain
