// The deployment configurations every greenlight installation has, under CodeDeploy's names.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "domain/deployment_config.h"

namespace greenlight::domain {

// The configuration used when neither the deployment nor its group names one.
inline constexpr std::string_view kDefaultServerConfigName = "CodeDeployDefault.OneAtATime";

// Server, then Lambda, then ECS configurations, in a stable order.
const std::vector<DeploymentConfig>& predefinedConfigs();

// Exact (case-sensitive) name, as CodeDeploy matches it; nullopt when not predefined.
std::optional<DeploymentConfig> findPredefinedConfig(std::string_view name);

bool isPredefinedConfigName(std::string_view name);

}  // namespace greenlight::domain
