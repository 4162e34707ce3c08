// The value rules of a group spec (see group_spec_rules.h).
#include "catalog/group_spec_rules.h"
#include "catalog/analysis_spec.h"
#include "catalog/aws_fleet_spec.h"
#include "catalog/notification_spec.h"
#include "catalog/traffic_spec.h"

#include <algorithm>
#include <array>

#include "catalog/catalog_support.h"

namespace greenlight::catalog::detail {
namespace {

constexpr int kMaxLocalInstances = 1000;
constexpr int kMaxRevisionsToKeep = 100;

bool isEnvironmentName(const std::string& name) {
  if (name.empty() || name.size() > 128) return false;
  if (name[0] >= '0' && name[0] <= '9') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

void checkAwsFleet(const FleetSpec& fleet, std::vector<SpecProblem>& problems) {
  if (fleet.instances != 0) {
    problems.push_back({"fleet.instances", "does not apply to an aws fleet, whose size is "
                                           "fleet.aws.autoScaling.capacity; remove it"});
  }
  if (fleet.basePort) {
    problems.push_back({"fleet.basePort", "does not apply to an aws fleet; remove it"});
  }
  if (!fleet.tags.empty()) {
    problems.push_back({"fleet.tags", "selects static agents; tag an aws fleet's instances with "
                                      "fleet.aws.launchTemplate.tags"});
  }
  std::vector<TrafficSpecProblem> awsProblems;
  readAwsFleetSpec(fleet.aws, awsProblems);
  for (auto& problem : awsProblems) {
    problems.push_back({std::move(problem.keyPath), std::move(problem.message)});
  }
}

void checkFleet(const FleetSpec& fleet, std::vector<SpecProblem>& problems) {
  if (!fleet.aws.is_null() && fleet.provider != FleetProvider::Aws) {
    problems.push_back({"fleet.aws", "describes an aws fleet; add `provider: aws` or remove it"});
  }
  if (fleet.provider == FleetProvider::Aws) {
    checkAwsFleet(fleet, problems);
  } else if (fleet.provider == FleetProvider::Local) {
    if (fleet.instances < 1 || fleet.instances > kMaxLocalInstances) {
      problems.push_back({"fleet.instances", "must be a whole number from 1 to " +
                                                 std::to_string(kMaxLocalInstances) + ", not " +
                                                 std::to_string(fleet.instances)});
    }
    if (fleet.basePort) {
      int last = *fleet.basePort + std::max(fleet.instances, 1) - 1;
      if (*fleet.basePort < 1 || *fleet.basePort > 65535) {
        problems.push_back({"fleet.basePort", "must be a TCP port from 1 to 65535, not " +
                                                  std::to_string(*fleet.basePort)});
      } else if (last > 65535) {
        problems.push_back(
            {"fleet.basePort", "gives the last of " + std::to_string(fleet.instances) +
                                   " instances port " + std::to_string(last) +
                                   ", beyond 65535; choose a lower basePort"});
      }
    }
    if (!fleet.tags.empty()) {
      problems.push_back({"fleet.tags", "selects static agents; a local fleet has none (remove "
                                        "tags, or use provider: static)"});
    }
  } else {
    if (fleet.instances != 0) {
      problems.push_back({"fleet.instances", "does not apply to a static fleet, whose instances "
                                             "are the agents that enrol; remove it"});
    }
    if (fleet.basePort) {
      problems.push_back({"fleet.basePort", "does not apply to a static fleet (each host's "
                                            "application chooses its own port); remove it"});
    }
    for (const auto& [key, value] : fleet.tags) {
      if (key.empty() || key.size() > 128 || value.size() > 256) {
        problems.push_back({"fleet.tags", "tag keys must be 1 to 128 characters and values at "
                                          "most 256"});
        break;
      }
    }
  }
}

void checkAutoRollback(const AutoRollbackSpec& rollback, std::vector<SpecProblem>& problems) {
  static const std::array<std::string, 3> known = {kRollbackOnFailure, kRollbackOnStopRequest,
                                                   kRollbackOnAlarm};
  for (std::size_t i = 0; i < rollback.events.size(); ++i) {
    const std::string& event = rollback.events[i];
    if (std::find(known.begin(), known.end(), event) == known.end()) {
      std::vector<std::string> candidates(known.begin(), known.end());
      std::vector<std::string> close = closeNames(event, candidates);
      std::string hint = close.empty() ? "" : " (did you mean '" + close.front() + "'?)";
      problems.push_back({"autoRollback.events[" + std::to_string(i) + "]",
                          "'" + event + "' is not a rollback event; use " +
                              quotedList(candidates) + hint});
    }
  }
}

void checkEnvironment(const std::map<std::string, std::string>& environment,
                      std::vector<SpecProblem>& problems) {
  for (const auto& [name, value] : environment) {
    std::string key = "environment." + name;
    if (!isEnvironmentName(name)) {
      problems.push_back({key, "'" + name + "' is not an environment variable name; use "
                                            "letters, digits and '_', not starting with a digit"});
    } else if (isReservedEnvironmentName(name)) {
      problems.push_back({key, "is set by greenlight for every hook and cannot be overridden; "
                               "choose another name"});
    }
    if (value.find('\0') != std::string::npos) {
      problems.push_back({key, "must not contain a NUL character"});
    }
  }
}

// What an aws fleet may run with, and what only an aws fleet may use.
void checkAwsTraffic(const GroupSpec& spec, const std::optional<LoadBalancerSpec>& loadBalancer,
                     const AnalysisSpec& analysis, std::vector<SpecProblem>& problems) {
  const bool aws = spec.fleet.provider == FleetProvider::Aws;
  if (aws && spec.style == DeploymentStyle::InPlace) {
    problems.push_back({"deploymentStyle",
                        "an aws fleet is deployed by making a new Auto Scaling group for each "
                        "revision; write `deploymentStyle: blue-green` (with `blueGreen: {rolling: "
                        "{...}}` to replace it a batch at a time)"});
  }
  if (aws && loadBalancer && !loadBalancer->isElbv2()) {
    problems.push_back({"loadBalancer.provider",
                        "an aws fleet's instances cannot be served by greenlight's HAProxy; use "
                        "`provider: aws-elbv2` with the target groups, or remove loadBalancer"});
  }
  if (!aws && loadBalancer && loadBalancer->isElbv2()) {
    problems.push_back({"loadBalancer.provider",
                        "aws-elbv2 registers EC2 instances of an aws fleet; use `fleet: {provider: "
                        "aws, ...}`, or `provider: haproxy` for this fleet"});
  }
  if (loadBalancer && loadBalancer->isElbv2()) {
    for (std::size_t i = 0; i < analysis.checks.size(); ++i) {
      if (!analysis.checks[i].loadBalancer) continue;
      problems.push_back({"analysis.checks[" + std::to_string(i) + "].loadBalancer",
                          "reads HAProxy's per-server counters, which an aws-elbv2 load balancer "
                          "does not have; use a prometheus: or webhook: check"});
    }
    std::vector<TrafficSpecProblem> ignored;
    AwsFleetSpec fleet = readAwsFleetSpec(spec.fleet.aws, ignored);
    if (aws && !fleet.autoScaling.targetGroups.empty()) {
      problems.push_back({"fleet.aws.autoScaling.targetGroups",
                          "the aws-elbv2 load balancer's targetGroups say where each fleet version "
                          "is registered (and drained from); list them there only"});
    }
  }
  std::vector<TrafficSpecProblem> ignored;
  AlarmsSpec alarms = readAlarmsSpec(spec.alarms, ignored);
  for (std::size_t i = 0; i < alarms.checks.size(); ++i) {
    const auto& check = alarms.checks[i];
    if (check.cloudwatch && check.cloudwatch->region.empty() && !aws) {
      problems.push_back({"alarms.checks[" + std::to_string(i) + "].cloudwatch.region",
                          "missing; name the alarms' AWS region (only an aws fleet's region is "
                          "taken by default)"});
    }
  }
}

}  // namespace

const std::vector<std::string_view>& groupSpecKeys() {
  static const std::vector<std::string_view> keys = {
      "application",     "name",         "fleet",         "deploymentConfig",
      "deploymentStyle", "loadBalancer", "blueGreen",     "analysis",
      "alarms",          "notifications", "autoRollback", "environment",
      "revisionsToKeep", "ignoreApplicationStopFailures", "fileExistsBehavior"};
  return keys;
}

const std::vector<std::string_view>& fleetKeys() {
  static const std::vector<std::string_view> keys = {"provider", "instances", "basePort", "tags", "aws"};
  return keys;
}

const std::vector<std::string_view>& autoRollbackKeys() {
  static const std::vector<std::string_view> keys = {"enabled", "events"};
  return keys;
}

bool isReservedEnvironmentName(const std::string& name) {
  static const std::array<std::string_view, 6> reserved = {
      "LIFECYCLE_EVENT",       "DEPLOYMENT_ID",       "APPLICATION_NAME",
      "DEPLOYMENT_GROUP_NAME", "DEPLOYMENT_GROUP_ID", "PATH"};
  if (std::find(reserved.begin(), reserved.end(), name) != reserved.end()) return true;
  return name.rfind("GREENLIGHT_", 0) == 0;
}

std::vector<SpecProblem> checkGroupSpec(const GroupSpec& spec) {
  std::vector<SpecProblem> problems;
  if (std::optional<std::string> problem = nameProblem(spec.application)) {
    problems.push_back({"application", "the application name " + *problem});
  }
  if (std::optional<std::string> problem = nameProblem(spec.name)) {
    problems.push_back({"name", "the group name " + *problem});
  }
  checkFleet(spec.fleet, problems);
  if (std::optional<std::string> problem = nameProblem(spec.deploymentConfig)) {
    problems.push_back({"deploymentConfig", "the configuration name " + *problem});
  }
  std::vector<TrafficSpecProblem> trafficProblems;
  std::optional<LoadBalancerSpec> loadBalancer =
      readLoadBalancerSpec(spec.loadBalancer, trafficProblems);
  readBlueGreenSpec(spec.blueGreen, trafficProblems);
  AnalysisSpec analysis = readAnalysisSpec(spec.analysis, trafficProblems);
  readAlarmsSpec(spec.alarms, trafficProblems);
  readNotificationsSpec(spec.notifications, trafficProblems);
  for (auto& problem : trafficProblems) {
    problems.push_back({std::move(problem.keyPath), std::move(problem.message)});
  }
  const bool aws = spec.fleet.provider == FleetProvider::Aws;
  checkAwsTraffic(spec, loadBalancer, analysis, problems);
  if (spec.style == DeploymentStyle::BlueGreen && trafficProblems.empty() && !loadBalancer && !aws) {
    problems.push_back({"deploymentStyle",
                        "blue-green needs a load balancer to move traffic between fleets; add "
                        "`loadBalancer: {provider: haproxy, listen: 127.0.0.1:8080}`"});
  }
  if (spec.style == DeploymentStyle::BlueGreen && spec.fleet.provider == FleetProvider::Static) {
    problems.push_back({"fleet.provider",
                        "blue-green provisions a new fleet version for every deployment, which "
                        "a static fleet cannot do; use `fleet: {provider: local}`, or "
                        "`deploymentStyle: in-place` with a load balancer for your own hosts"});
  }
  if (!spec.blueGreen.is_null() && spec.style != DeploymentStyle::BlueGreen) {
    problems.push_back({"blueGreen", "only applies with `deploymentStyle: blue-green`"});
  }
  if (spec.style == DeploymentStyle::InPlace && !loadBalancer) {
    // In place, the balancer's counters exist only when the group has one.
    for (std::size_t i = 0; i < analysis.checks.size(); ++i) {
      if (!analysis.checks[i].loadBalancer) continue;
      problems.push_back({"analysis.checks[" + std::to_string(i) + "].loadBalancer",
                          "compares the balancer's counters of the instances on the new revision "
                          "with the others', but the group has no load balancer; add "
                          "`loadBalancer: {provider: haproxy, listen: 127.0.0.1:8080}`, or use a "
                          "prometheus: or webhook: check"});
    }
  }
  checkAutoRollback(spec.autoRollback, problems);
  checkEnvironment(spec.environment, problems);
  if (spec.revisionsToKeep < 1 || spec.revisionsToKeep > kMaxRevisionsToKeep) {
    problems.push_back({"revisionsToKeep", "must be a whole number from 1 to " +
                                               std::to_string(kMaxRevisionsToKeep) + ", not " +
                                               std::to_string(spec.revisionsToKeep)});
  }
  if (spec.fileExistsBehavior != "DISALLOW" && spec.fileExistsBehavior != "OVERWRITE" &&
      spec.fileExistsBehavior != "RETAIN") {
    problems.push_back({"fileExistsBehavior", "must be DISALLOW, OVERWRITE or RETAIN, not '" +
                                                  spec.fileExistsBehavior + "'"});
  }
  return problems;
}

Status validateGroupSpec(const GroupSpec& spec) {
  std::vector<SpecProblem> problems = checkGroupSpec(spec);
  if (problems.empty()) return Status::success();
  std::string message;
  for (const SpecProblem& problem : problems) {
    if (!message.empty()) message += "\n";
    message += problem.keyPath + ": " + problem.message;
  }
  return Error{codes::kInvalidGroupSpec, message};
}

}  // namespace greenlight::catalog::detail
