// Refusing, at save time, the groups whose providers this server has not set up.
#include "server/provider_support.h"

#include <vector>

#include "catalog/analysis_spec.h"
#include "catalog/traffic_spec.h"
#include "common/error_codes.h"

namespace greenlight::server {

Status checkRunnable(const catalog::GroupSpec& spec, const ProviderSupport& support) {
  std::vector<std::string> missing;
  if (spec.fleet.provider == catalog::FleetProvider::Aws && !support.aws) {
    missing.push_back("fleet.provider: the aws fleet provider needs AWS settings (credentials, "
                      "region endpoints) and is not configured on this server");
  }
  std::vector<catalog::TrafficSpecProblem> ignored;
  auto loadBalancer = catalog::readLoadBalancerSpec(spec.loadBalancer, ignored);
  if (loadBalancer && loadBalancer->isElbv2() && !support.awsElbv2) {
    missing.push_back("loadBalancer.provider: the aws-elbv2 traffic provider is not configured on "
                      "this server");
  }
  catalog::AlarmsSpec alarms = catalog::readAlarmsSpec(spec.alarms, ignored);
  for (std::size_t i = 0; i < alarms.checks.size(); ++i) {
    if (alarms.checks[i].cloudwatch && !support.cloudWatch) {
      missing.push_back("alarms.checks[" + std::to_string(i) + "].cloudwatch: CloudWatch alarms "
                        "cannot be read by this server (no AWS settings)");
    }
  }
  if (missing.empty()) return Status::success();
  std::string message = "The group " + spec.application + "/" + spec.name +
                        " is valid but this server cannot run it, so it was not saved:";
  for (const std::string& line : missing) message += "\n" + line;
  message += "\nStart the server with its AWS settings (greenlight server --aws-region REGION, "
             "with credentials in the environment, a profile or ~/.aws) to run AWS groups, or "
             "use a local or static fleet with HAProxy.";
  return Error{codes::kProviderNotConfigured, message};
}

}  // namespace greenlight::server
