// Validation of custom deployment configurations.
#include "domain/deployment_config_validation.h"

#include <string>

namespace greenlight::domain {

namespace {

constexpr std::size_t kMaxNameLength = 100;
constexpr std::string_view kReservedPrefix = "CodeDeployDefault.";

Error invalid(const DeploymentConfig& config, const std::string& problem) {
  return Error{"InvalidDeploymentConfig",
               "Deployment configuration '" + config.name + "' is invalid: " + problem};
}

Status validateMinimumHealthyHosts(const DeploymentConfig& config, const MinimumHealthyHosts& hosts) {
  switch (hosts.type) {
    case MinimumHealthyHostsType::HostCount:
      if (hosts.value < 0) {
        return invalid(config, "HOST_COUNT is " + std::to_string(hosts.value) +
                                   "; it must be 0 or more (0 lets every instance be deployed "
                                   "at once).");
      }
      return Status::success();
    case MinimumHealthyHostsType::FleetPercent:
      if (hosts.value < 0 || hosts.value > 99) {
        return invalid(config, "FLEET_PERCENT is " + std::to_string(hosts.value) +
                                   "; it must be between 0 and 99, because at 100 no instance "
                                   "could ever be taken out of service to be deployed.");
      }
      return Status::success();
    case MinimumHealthyHostsType::MostConcurrency:
      return invalid(config, "MOST_CONCURRENCY is reserved for CodeDeployDefault.OneAtATime; use "
                             "that configuration, or HOST_COUNT / FLEET_PERCENT.");
  }
  return Status::success();
}

Status validateShift(const DeploymentConfig& config, const char* kind, int percent, int interval) {
  if (percent < 1 || percent > 99) {
    return invalid(config, std::string(kind) + " percent is " + std::to_string(percent) +
                               "; it must be between 1 and 99 (use AllAtOnce to move all "
                               "traffic in one step).");
  }
  if (interval < 1) {
    return invalid(config, std::string(kind) + " interval is " + std::to_string(interval) +
                               " minutes; it must be at least 1 minute.");
  }
  return Status::success();
}

Status validateTrafficRouting(const DeploymentConfig& config, const TrafficRouting& routing) {
  if (const auto* canary = std::get_if<TimeBasedCanary>(&routing)) {
    return validateShift(config, "canary", canary->percent, canary->intervalMinutes);
  }
  if (const auto* linear = std::get_if<TimeBasedLinear>(&routing)) {
    return validateShift(config, "linear", linear->percent, linear->intervalMinutes);
  }
  return Status::success();
}

}  // namespace

Status validateCustomConfig(const DeploymentConfig& config) {
  if (config.name.empty()) {
    return Error{"InvalidDeploymentConfig",
                 "A deployment configuration needs a name (1 to 100 characters)."};
  }
  if (config.name.size() > kMaxNameLength) {
    return invalid(config, "the name is " + std::to_string(config.name.size()) +
                               " characters long; the limit is 100.");
  }
  if (std::string_view(config.name).substr(0, kReservedPrefix.size()) == kReservedPrefix) {
    return invalid(config, "names starting with 'CodeDeployDefault.' are reserved for the "
                           "predefined configurations; choose another name.");
  }
  if (const auto* hosts = config.minimumHealthyHosts()) {
    if (config.computePlatform != ComputePlatform::Server) {
      return invalid(config, std::string("minimum healthy hosts applies to the server platform "
                                         "only; a ") + toString(config.computePlatform) +
                                 " configuration sets a traffic routing (AllAtOnce, "
                                 "TimeBasedCanary or TimeBasedLinear).");
    }
    return validateMinimumHealthyHosts(config, *hosts);
  }
  if (config.computePlatform == ComputePlatform::Server) {
    return invalid(config, "a server configuration sets minimum healthy hosts (HOST_COUNT or "
                           "FLEET_PERCENT), not a traffic routing.");
  }
  return validateTrafficRouting(config, *config.trafficRouting());
}

}  // namespace greenlight::domain
