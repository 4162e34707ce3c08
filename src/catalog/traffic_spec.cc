// Reading a group's load balancer and blue/green sections, with key paths in every problem.
#include "catalog/traffic_spec.h"

#include <algorithm>

#include "catalog/catalog.h"
#include "catalog/section_reader.h"
#include "common/error_codes.h"

namespace greenlight::catalog {
namespace {

using nlohmann::json;
using detail::SectionReader;

bool validAddress(const std::string& address) {
  auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 >= address.size()) return false;
  std::string port = address.substr(colon + 1);
  if (!std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
  if (port.size() > 5) return false;
  int number = std::stoi(port);
  return number >= 1 && number <= 65535;
}

bool startsWith(const std::string& text, const char* prefix) { return text.rfind(prefix, 0) == 0; }

std::optional<LoadBalancerSpec> readElbv2(const json& section, std::vector<TrafficSpecProblem>& problems) {
  SectionReader reader(section, "loadBalancer", problems,
                       {"provider", "region", "targetGroups", "listenerArn", "listenerRuleArn",
                        "startGracePeriodSeconds", "drainTimeoutSeconds"});
  LoadBalancerSpec spec;
  spec.provider = "aws-elbv2";
  spec.startGracePeriodSeconds = 300;
  spec.drainTimeoutSeconds = 300;
  Elbv2Spec elbv2;
  reader.text("region", elbv2.region);
  reader.textList("targetGroups", elbv2.targetGroups);
  reader.text("listenerArn", elbv2.listenerArn);
  reader.text("listenerRuleArn", elbv2.listenerRuleArn);
  reader.whole("startGracePeriodSeconds", spec.startGracePeriodSeconds, 1, 7200);
  reader.whole("drainTimeoutSeconds", spec.drainTimeoutSeconds, 0, 3600);
  if (elbv2.targetGroups.empty() && reader.member("targetGroups") == nullptr) {
    reader.problem("targetGroups", "missing; list the target groups the fleet is registered in, "
                                   "e.g. `targetGroups: [hello-ext]` (names or ARNs)");
  }
  if (!elbv2.listenerArn.empty() && !startsWith(elbv2.listenerArn, "arn:")) {
    reader.problem("listenerArn", "must be the listener's ARN (arn:aws:elasticloadbalancing:...), not '" +
                                      elbv2.listenerArn + "'");
  }
  if (!elbv2.listenerRuleArn.empty() && elbv2.listenerArn.empty()) {
    reader.problem("listenerRuleArn", "needs listenerArn (the listener the rule belongs to)");
  }
  if (!elbv2.listenerArn.empty() && elbv2.targetGroups.size() != 2) {
    reader.problem("targetGroups", "must be exactly two with listenerArn (the new fleet version goes "
                                   "into the one not serving and the listener's weights shift "
                                   "between them), not " + std::to_string(elbv2.targetGroups.size()));
  }
  spec.elbv2 = elbv2;
  return spec;
}

}  // namespace

std::optional<LoadBalancerSpec> readLoadBalancerSpec(const json& section,
                                                     std::vector<TrafficSpecProblem>& problems) {
  if (section.is_null()) return std::nullopt;
  if (section.is_string() && section.get<std::string>() == "none") return std::nullopt;
  if (section.is_object() && section.value("provider", json()) == "aws-elbv2") {
    return readElbv2(section, problems);
  }
  SectionReader reader(section, "loadBalancer", problems,
                       {"provider", "listen", "adminSocket", "backend", "healthCheck",
                        "startGracePeriodSeconds", "drainTimeoutSeconds"});
  if (!reader.ok()) return std::nullopt;
  LoadBalancerSpec spec;
  reader.text("provider", spec.provider);
  if (spec.provider == "none") return std::nullopt;
  if (spec.provider != "haproxy") {
    reader.problem("provider", "must be 'haproxy', 'aws-elbv2' or 'none', not '" + spec.provider + "'");
    return std::nullopt;
  }
  reader.text("listen", spec.listen);
  reader.text("adminSocket", spec.adminSocket);
  reader.text("backend", spec.backend);
  reader.whole("startGracePeriodSeconds", spec.startGracePeriodSeconds, 1, 3600);
  reader.whole("drainTimeoutSeconds", spec.drainTimeoutSeconds, 0, 3600);
  if (spec.listen.empty() && spec.adminSocket.empty()) {
    reader.problem("listen", "missing; give the address the group is served on, e.g. "
                             "`listen: 127.0.0.1:8080`, or `adminSocket:` and `backend:` of an "
                             "HAProxy of your own");
  } else if (!spec.listen.empty() && !spec.adminSocket.empty()) {
    reader.problem("adminSocket", "give either `listen` (greenlight runs HAProxy) or "
                                  "`adminSocket` with `backend` (your HAProxy), not both");
  } else if (!spec.listen.empty() && !validAddress(spec.listen)) {
    reader.problem("listen", "must be HOST:PORT with a port from 1 to 65535, not '" +
                                 spec.listen + "'");
  } else if (!spec.adminSocket.empty() && spec.backend.empty()) {
    reader.problem("backend", "missing; name the backend of your HAProxy that serves the group");
  }
  if (const json* check = reader.member("healthCheck")) {
    SectionReader health(*check, "loadBalancer.healthCheck", problems,
                         {"path", "intervalMs", "timeoutMs", "healthyThreshold",
                          "unhealthyThreshold"});
    if (health.ok()) {
      health.text("path", spec.healthCheck.path);
      health.whole("intervalMs", spec.healthCheck.intervalMs, 100, 600000);
      health.whole("timeoutMs", spec.healthCheck.timeoutMs, 100, 600000);
      health.whole("healthyThreshold", spec.healthCheck.healthyThreshold, 1, 100);
      health.whole("unhealthyThreshold", spec.healthCheck.unhealthyThreshold, 1, 100);
      const std::string& path = spec.healthCheck.path;
      if (path.empty() || path[0] != '/' ||
          std::any_of(path.begin(), path.end(),
                      [](char c) { return c <= ' ' || c == '"' || c == '\\' || c == 0x7f; })) {
        health.problem("path", "must be a URL path starting with '/' without spaces or quotes, "
                               "not '" + path + "'");
      }
    }
  }
  return spec;
}

BlueGreenSpec readBlueGreenSpec(const json& section, std::vector<TrafficSpecProblem>& problems) {
  BlueGreenSpec spec;
  if (section.is_null()) return spec;
  SectionReader reader(section, "blueGreen", problems,
                       {"readyAction", "readyTimeoutSeconds", "originalFleetAction",
                        "terminationWaitSeconds", "maxRemainingFleets",
                        "provisionTimeoutSeconds", "rolling"});
  if (!reader.ok()) return spec;
  reader.choice("readyAction", spec.waitForReady, "continue", "wait");
  reader.whole("readyTimeoutSeconds", spec.readyTimeoutSeconds, 1, 172800);
  reader.choice("originalFleetAction", spec.keepOriginalAlive, "terminate", "keep-alive");
  reader.whole("terminationWaitSeconds", spec.terminationWaitSeconds, 0, 172800);
  reader.whole("maxRemainingFleets", spec.maxRemainingFleets, 0, 20);
  reader.whole("provisionTimeoutSeconds", spec.provisionTimeoutSeconds, 10, 3600);
  if (const json* rolling = reader.member("rolling")) {
    RollingSpec roll;
    SectionReader batches(*rolling, "blueGreen.rolling", problems,
                          {"batchSizePercentage", "gracePeriodSeconds", "batchMinHealthyPercentage",
                           "pauseSeconds"});
    if (batches.ok()) {
      batches.whole("batchSizePercentage", roll.batchSizePercentage, 1, 100);
      batches.whole("gracePeriodSeconds", roll.gracePeriodSeconds, 1, 7200);
      batches.whole("batchMinHealthyPercentage", roll.batchMinHealthyPercentage, 1, 100);
      batches.whole("pauseSeconds", roll.pauseSeconds, 0, 86400);
    }
    spec.rolling = roll;
  }
  return spec;
}

Result<std::optional<LoadBalancerSpec>> loadBalancerOf(const DeploymentGroup& group) {
  std::vector<TrafficSpecProblem> problems;
  auto spec = readLoadBalancerSpec(group.spec.loadBalancer, problems);
  if (!problems.empty()) return detail::storedSectionError(problems, group);
  return spec;
}

Result<BlueGreenSpec> blueGreenOf(const DeploymentGroup& group) {
  std::vector<TrafficSpecProblem> problems;
  BlueGreenSpec spec = readBlueGreenSpec(group.spec.blueGreen, problems);
  if (!problems.empty()) return detail::storedSectionError(problems, group);
  return spec;
}

traffic::Pool poolFor(const DeploymentGroup& group, const LoadBalancerSpec& loadBalancer) {
  traffic::Pool pool;
  pool.id = group.id;
  pool.name = group.spec.application + "/" + group.spec.name;
  pool.frontend = loadBalancer.listen;
  pool.adminSocket = loadBalancer.adminSocket;
  pool.backend = loadBalancer.backend;
  pool.healthCheck = loadBalancer.healthCheck;
  return pool;
}

}  // namespace greenlight::catalog
