// A group's automatic judgement of a shift: the checks measured while a blue/green shift pauses
// between steps, each ending pass, fail or inconclusive. Kept verbatim in the group spec
// (`analysis:`) and read through these functions, which name the key path of every problem.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog/traffic_spec.h"
#include "common/result.h"

namespace greenlight::catalog {

//   analysis:
//     intervalSeconds: 5            # how often the checks are measured during a pause
//     failureLimit: 0               # failed measurements tolerated; one more fails the deployment
//     consecutiveErrorLimit: 4      # checks that could not be measured, in a row, before that
//                                   # counts as a failure
//     inconclusiveTimeoutSeconds: 3600  # an inconclusive result waits this long for `continue`
//     batchSeconds: 60              # in place: how long each finished batch serves under the
//                                   # checks before the next batch starts
//     checks:
//       - name: errors
//         loadBalancer:             # from the balancer's own per-server counters, over the pause
//           maxErrorRatePercent: 1          # the new fleet's 5xx share of its requests
//           maxErrorRateIncreasePercent: 1  # ... above the old fleet's over the same window, points
//           maxResponseTimeMs: 500          # the new fleet's average response time
//           maxResponseTimeIncreasePercent: 50  # ... above the old fleet's
//           minRequests: 50                 # fewer requests to the new fleet: no data
//           noData: inconclusive            # pass | fail | inconclusive
//       - name: smoke
//         webhook: {url: "http://127.0.0.1:9000/check", timeoutSeconds: 5}  # 2xx passes
//       - name: error-ratio
//         prometheus:
//           address: http://127.0.0.1:9090
//           query: sum(rate(haproxy_server_http_responses_total{server=~"{{newInstances}}",code="5xx"}[30s]))
//           successCondition: result <= 0.02   # `result OP number`, OP one of < <= > >= == !=
//           failureCondition: result > 0.02    # optional: without it, not success is failure
//           noData: inconclusive               # an empty result
//           timeoutSeconds: 5
// The query may name {{newInstances}} and {{oldInstances}} (regexes of the fleets' instance ids, the
// balancer's server names), {{fleetVersion}}, {{previousFleetVersion}}, {{deploymentId}} and
// {{window}} (the seconds since the pause began, e.g. "30s", at least the interval).
// In place, the same checks judge every batch boundary: once a batch has finished (every instance
// in it through its lifecycle) and before the next starts, the instances on the new revision
// ("new") are compared with those not yet deployed ("old") for batchSeconds; a deployment with
// analysis runs in whole batches (the next starts when the last has finished), as `plan` shows.
enum class NoDataPolicy { Pass, Fail, Inconclusive };
const char* toString(NoDataPolicy policy);  // "pass", "fail", "inconclusive"

struct LoadBalancerCheckSpec {
  std::optional<double> maxErrorRatePercent;
  std::optional<double> maxErrorRateIncreasePercent;
  std::optional<double> maxResponseTimeMs;
  std::optional<double> maxResponseTimeIncreasePercent;
  int minRequests = 50;
  NoDataPolicy noData = NoDataPolicy::Inconclusive;
  bool operator==(const LoadBalancerCheckSpec&) const = default;
};

struct WebhookCheckSpec {
  std::string url;
  int timeoutSeconds = 5;
  bool operator==(const WebhookCheckSpec&) const = default;
};

// `result <= 0.02`.
struct Condition {
  std::string op;  // "<", "<=", ">", ">=", "==", "!="
  double value = 0;
  bool holds(double result) const;
  std::string text() const;  // "result <= 0.02"
  bool operator==(const Condition&) const = default;
};
// Reads `result OP NUMBER`; none when the text is not one.
std::optional<Condition> parseCondition(const std::string& text);

struct PrometheusCheckSpec {
  std::string address;  // http://host:port of the Prometheus server
  std::string query;
  std::optional<Condition> successCondition;
  std::optional<Condition> failureCondition;
  NoDataPolicy noData = NoDataPolicy::Inconclusive;
  int timeoutSeconds = 5;
  bool operator==(const PrometheusCheckSpec&) const = default;
};

// Alarms only: in alarm while any of the named CloudWatch alarms is in state ALARM.
//   - name: errors
//     cloudwatch: {alarmNames: [hello-5xx, hello-latency], region: ap-northeast-2}
struct CloudWatchCheckSpec {
  std::vector<std::string> alarmNames;
  std::string region;  // "" = the aws fleet's region
  bool operator==(const CloudWatchCheckSpec&) const = default;
};

struct CheckSpec {
  std::string name;
  std::optional<LoadBalancerCheckSpec> loadBalancer;  // exactly one of these
  std::optional<WebhookCheckSpec> webhook;
  std::optional<PrometheusCheckSpec> prometheus;
  std::optional<CloudWatchCheckSpec> cloudwatch;
  const char* kind() const {
    return loadBalancer ? "loadBalancer" : webhook ? "webhook" : prometheus ? "prometheus" : "cloudwatch";
  }
  bool operator==(const CheckSpec&) const = default;
};

struct AnalysisSpec {
  std::vector<CheckSpec> checks;  // empty: no analysis
  int intervalSeconds = 5;
  int failureLimit = 0;
  int consecutiveErrorLimit = 4;
  int inconclusiveTimeoutSeconds = 3600;
  int batchSeconds = 60;
  bool operator==(const AnalysisSpec&) const = default;
};

//   alarms:                          # watched for the whole deployment and the termination wait
//     intervalSeconds: 5
//     ignoreReadFailures: false      # true: an alarm that cannot be read does not stop it
//     checks:                        # prometheus:, webhook: or cloudwatch: checks; Failed is "in alarm"
//       - name: latency-slo
//         prometheus: {address: http://127.0.0.1:9090, query: ..., successCondition: result < 0.5}
struct AlarmsSpec {
  std::vector<CheckSpec> checks;  // empty: no alarms
  int intervalSeconds = 5;
  bool ignoreReadFailures = false;
  bool operator==(const AlarmsSpec&) const = default;
};

// Problems are appended to `problems`; a missing section is an empty analysis.
AnalysisSpec readAnalysisSpec(const nlohmann::json& section, std::vector<TrafficSpecProblem>& problems);
// The same, for a stored group: problems become an error.
Result<AnalysisSpec> analysisOf(const DeploymentGroup& group);
AlarmsSpec readAlarmsSpec(const nlohmann::json& section, std::vector<TrafficSpecProblem>& problems);
Result<AlarmsSpec> alarmsOf(const DeploymentGroup& group);

}  // namespace greenlight::catalog
