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

constexpr std::size_t kMaxSteps = 100;
constexpr int kMaxGateDeadlineSeconds = 7 * 24 * 3600;

Status validateGate(const DeploymentConfig& config, const std::string& where, const Gate& gate) {
  if (!gate.approval && !gate.webhook) {
    return invalid(config, where + "is a gate that waits for nothing; a gate waits for `greenlight "
                               "continue` (continue: true), a webhook's 2xx (webhook: {url: ...}), or both.");
  }
  if (gate.deadlineSeconds < 1 || gate.deadlineSeconds > kMaxGateDeadlineSeconds) {
    return invalid(config, where + "has a gate deadline of " + std::to_string(gate.deadlineSeconds) +
                               " seconds; it is from 1 second to 7 days (604800).");
  }
  if (gate.webhook) {
    const GateWebhook& hook = *gate.webhook;
    if (hook.url.rfind("http://", 0) != 0 && hook.url.rfind("https://", 0) != 0) {
      return invalid(config, where + "has a gate webhook url '" + hook.url +
                                 "'; it must be an http:// or https:// URL.");
    }
    if (hook.intervalSeconds < 1 || hook.intervalSeconds > 3600) {
      return invalid(config, where + "asks the gate webhook every " +
                                 std::to_string(hook.intervalSeconds) +
                                 " seconds; intervalSeconds is from 1 to 3600.");
    }
    if (hook.timeoutSeconds < 1 || hook.timeoutSeconds > 60) {
      return invalid(config, where + "gives the gate webhook " + std::to_string(hook.timeoutSeconds) +
                                 " seconds to answer; timeoutSeconds is from 1 to 60.");
    }
  }
  return Status::success();
}

Status validateSteps(const DeploymentConfig& config, const std::vector<TrafficStep>& steps) {
  const std::string example = " For example: 10, pause, 50, pause=30s, 100.";
  if (steps.empty()) return invalid(config, "the traffic steps are empty." + example);
  if (steps.size() > kMaxSteps) {
    return invalid(config, "there are " + std::to_string(steps.size()) +
                               " traffic steps; the limit is 100.");
  }
  for (std::size_t index = 0; index < steps.size(); ++index) {
    const TrafficStep& step = steps[index];
    std::string where = "step " + std::to_string(index + 1) + " ";
    if (step.setWeight && (*step.setWeight < 0 || *step.setWeight > 100)) {
      return invalid(config, where + "sets the new fleet's weight to " +
                                 std::to_string(*step.setWeight) +
                                 "%; a weight is a share of requests from 0 to 100.");
    }
    if (step.gate) {
      if (Status gate = validateGate(config, where, *step.gate); !gate.ok()) return gate;
    }
    if (step.isPause() && step.pauseSeconds && *step.pauseSeconds < 1) {
      return invalid(config, where + "pauses for " + std::to_string(*step.pauseSeconds) +
                                 " seconds; a timed pause lasts at least 1 second (a pause "
                                 "without a duration waits for `greenlight continue`).");
    }
  }
  if (!steps.back().setWeight || *steps.back().setWeight != 100) {
    return invalid(config, "the last step must send all traffic to the new fleet (setWeight 100), "
                           "so a shift that goes through its steps ends with the new version "
                           "serving." + example);
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
  if (const auto* explicitSteps = std::get_if<TrafficSteps>(&routing)) {
    return validateSteps(config, explicitSteps->steps);
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
  // A server configuration with a traffic routing drives blue/green groups (the new fleet is
  // installed all at once, then traffic moves by the routing); in-place groups refuse it.
  return validateTrafficRouting(config, *config.trafficRouting());
}

}  // namespace greenlight::domain
