// The traffic parts of a deployment group: its load balancer (which provider, the group's
// frontend address, the health check) and its blue/green options. Kept verbatim in the group spec
// (`loadBalancer:` and `blueGreen:`) and read through these functions, which say what is wrong
// with a key path and what to write instead.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "traffic/traffic_provider.h"

namespace greenlight::catalog {

struct DeploymentGroup;

//   loadBalancer:
//     provider: haproxy                 # or none
//     listen: 127.0.0.1:8080            # the embedded HAProxy serves the group here
//     # or, an HAProxy of your own:  adminSocket: /run/haproxy/admin.sock   backend: web
//     healthCheck: {path: /health, intervalMs: 500, timeoutMs: 1000,
//                   healthyThreshold: 2, unhealthyThreshold: 2}
//     startGracePeriodSeconds: 60       # a new instance must be healthy within this
//     drainTimeoutSeconds: 30           # BlockTraffic / retirement waits this long for requests
//   loadBalancer:                      # an AWS Application/Network Load Balancer
//     provider: aws-elbv2
//     region: ap-northeast-2            # default: the aws fleet's region
//     targetGroups: [arn:aws:elasticloadbalancing:...:targetgroup/hello-blue/...]  # ARNs or names
//     listenerArn: arn:aws:elasticloadbalancing:...:listener/app/...   # optional: canary
//     listenerRuleArn: arn:aws:elasticloadbalancing:...:listener-rule/... # a rule instead of
//                                       #   the listener's default action
//     startGracePeriodSeconds: 300      # a new instance must be healthy in the target groups
//     drainTimeoutSeconds: 300          # deregistration waits this long for requests
// Without listenerArn, every fleet version is registered in every target group and the old one
// drained from them (all at once). With it, targetGroups are exactly two: the new version goes
// into the one not serving and the listener's weighted forward action shifts between them.
struct Elbv2Spec {
  std::string region;
  std::vector<std::string> targetGroups;
  std::string listenerArn;
  std::string listenerRuleArn;
  bool operator==(const Elbv2Spec&) const = default;
};

struct LoadBalancerSpec {
  std::string provider = "haproxy";  // or "aws-elbv2" (then `elbv2` is set)
  std::string listen;
  std::string adminSocket;
  std::string backend;
  traffic::HealthCheck healthCheck;
  int startGracePeriodSeconds = 60;
  int drainTimeoutSeconds = 30;  // aws-elbv2: 300
  std::optional<Elbv2Spec> elbv2;
  bool isElbv2() const { return elbv2.has_value(); }
  bool operator==(const LoadBalancerSpec&) const = default;
};

//   blueGreen:
//     readyAction: continue             # or wait: stop at Ready until `greenlight continue`
//     readyTimeoutSeconds: 3600         # wait: the deployment stops when nobody continues by then
//     originalFleetAction: terminate    # or keep-alive (deregistered, processes left running)
//     terminationWaitSeconds: 300       # the old fleet stays warm this long: rollback is a switch
//     maxRemainingFleets: 1             # keep-alive: how many old fleet versions survive
//     provisionTimeoutSeconds: 300      # the new fleet's agents must enrol within this
//     rolling:                          # rolling replace instead of the configuration's shift:
//       batchSizePercentage: 25         #   the new fleet is made this share at a time; each batch
//       gracePeriodSeconds: 300         #   must pass the health check within this, then takes its
//       batchMinHealthyPercentage: 100  #   share of traffic from as many old instances (drained,
//       pauseSeconds: 0                 #   kept running until the end); below this share healthy
//                                       #   it stops and the old fleet takes all traffic back
struct RollingSpec {
  int batchSizePercentage = 25;
  int gracePeriodSeconds = 300;
  int batchMinHealthyPercentage = 100;
  int pauseSeconds = 0;  // between batches
  bool operator==(const RollingSpec&) const = default;
};
struct BlueGreenSpec {
  bool waitForReady = false;
  int readyTimeoutSeconds = 3600;
  bool keepOriginalAlive = false;
  int terminationWaitSeconds = 300;
  int maxRemainingFleets = 1;
  int provisionTimeoutSeconds = 300;
  std::optional<RollingSpec> rolling;
  bool operator==(const BlueGreenSpec&) const = default;
};

struct TrafficSpecProblem {
  std::string keyPath;  // "loadBalancer.healthCheck.intervalMs"
  std::string message;
};

// None for a missing section or `provider: none`. Problems are appended to `problems`.
std::optional<LoadBalancerSpec> readLoadBalancerSpec(const nlohmann::json& section,
                                                     std::vector<TrafficSpecProblem>& problems);
BlueGreenSpec readBlueGreenSpec(const nlohmann::json& section,
                                std::vector<TrafficSpecProblem>& problems);

// The same, for a spec already validated (a stored group): problems become an error.
Result<std::optional<LoadBalancerSpec>> loadBalancerOf(const DeploymentGroup& group);
Result<BlueGreenSpec> blueGreenOf(const DeploymentGroup& group);

// The pool the traffic provider keeps for the group.
traffic::Pool poolFor(const DeploymentGroup& group, const LoadBalancerSpec& loadBalancer);

}  // namespace greenlight::catalog
