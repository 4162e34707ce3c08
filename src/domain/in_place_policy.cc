// Minimum healthy hosts, in-flight limit and success count for an in-place deployment.
#include "domain/in_place_policy.h"

#include <algorithm>

namespace greenlight::domain {

Result<InPlacePolicy> InPlacePolicy::fromConfig(const DeploymentConfig& config) {
  const auto* hosts = config.minimumHealthyHosts();
  if (hosts == nullptr) {
    return Error{"InvalidDeploymentConfig",
                 "Deployment configuration '" + config.name + "' shifts traffic (" +
                     describe(config) + ") and cannot drive an in-place deployment to servers; "
                     "use a server configuration such as CodeDeployDefault.OneAtATime."};
  }
  return InPlacePolicy{config.name, *hosts};
}

std::string InPlacePolicy::label() const {
  return "'" + configName + "' (" + toString(minimumHealthyHosts.type) + " " +
         std::to_string(minimumHealthyHosts.value) + ")";
}

InPlaceNumbers inPlaceNumbers(const InPlacePolicy& policy, int instanceCount) {
  InPlaceNumbers numbers;
  numbers.instanceCount = instanceCount;
  const long long count = instanceCount;
  const long long value = policy.minimumHealthyHosts.value;
  long long minimum = 0;
  switch (policy.minimumHealthyHosts.type) {
    case MinimumHealthyHostsType::HostCount: minimum = value; break;
    // Rounded up: a fractional host must stay healthy, never be taken down.
    case MinimumHealthyHostsType::FleetPercent: minimum = (count * value + 99) / 100; break;
    case MinimumHealthyHostsType::MostConcurrency:
      minimum = count - std::max<long long>(value, 1);
      break;
  }
  minimum = std::clamp<long long>(minimum, 0, 1'000'000'000);
  numbers.minimumHealthyHosts = static_cast<int>(minimum);
  numbers.maxInFlight = static_cast<int>(std::max<long long>(count - minimum, 0));
  numbers.neededSuccesses = std::max(numbers.minimumHealthyHosts, 1);
  return numbers;
}

}  // namespace greenlight::domain
