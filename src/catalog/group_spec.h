// A deployment group as an operator writes it: where (the fleet), how (style, default
// configuration, automatic rollback) and what the hooks get. Read from YAML (`group create --file`)
// or JSON (the API), validated with messages that name the key and say what to write instead.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace greenlight::catalog {

// local: greenlight starts `instances` agent processes on the server's machine, each with its own
// root folder and port. static: agents started by hand on any host enrol into the group; those
// whose tags match every `tags` entry are its instances. aws: each fleet version is a launch
// template and an Auto Scaling group, described by `aws` (catalog/aws_fleet_spec.h).
enum class FleetProvider { Local, Static, Aws };
const char* toString(FleetProvider provider);  // "local", "static", "aws"

struct FleetSpec {
  FleetProvider provider = FleetProvider::Local;
  int instances = 0;                       // local: 1..1000
  std::optional<int> basePort;             // local: instance k gets basePort+k; none: free ports
  std::map<std::string, std::string> tags;  // static: selector (empty selects every enrolled agent)
  nlohmann::json aws = nullptr;             // aws: kept verbatim, read by readAwsFleetSpec
  bool operator==(const FleetSpec&) const = default;
};

// CodeDeploy's autoRollbackConfiguration events.
inline constexpr const char* kRollbackOnFailure = "DEPLOYMENT_FAILURE";
inline constexpr const char* kRollbackOnStopRequest = "DEPLOYMENT_STOP_ON_REQUEST";
inline constexpr const char* kRollbackOnAlarm = "DEPLOYMENT_STOP_ON_ALARM";

struct AutoRollbackSpec {
  bool enabled = false;
  std::vector<std::string> events;  // when enabled and empty: {DEPLOYMENT_FAILURE}
  bool onFailure() const;
  bool onStopRequest() const;
  bool onAlarm() const;
  bool operator==(const AutoRollbackSpec&) const = default;
};

enum class DeploymentStyle { InPlace, BlueGreen };
const char* toString(DeploymentStyle style);  // "in-place", "blue-green"

struct GroupSpec {
  std::string application;
  std::string name;  // [A-Za-z0-9._-], 1..100
  FleetSpec fleet;
  std::string deploymentConfig = "CodeDeployDefault.OneAtATime";
  DeploymentStyle style = DeploymentStyle::InPlace;  // BlueGreen needs a load balancer
  // The load balancer and blue/green sections are kept verbatim and read through
  // catalog/traffic_spec.h (which validates them for the readers).
  nlohmann::json loadBalancer = nullptr;
  nlohmann::json blueGreen = nullptr;
  nlohmann::json analysis = nullptr;  // catalog/analysis_spec.h
  nlohmann::json alarms = nullptr;    // catalog/analysis_spec.h
  nlohmann::json notifications = nullptr;  // catalog/notification_spec.h
  AutoRollbackSpec autoRollback;
  std::map<std::string, std::string> environment;  // added to every hook's environment
  int revisionsToKeep = 5;                          // per instance, 1..100
  bool ignoreApplicationStopFailures = false;
  std::string fileExistsBehavior = "DISALLOW";      // DISALLOW | OVERWRITE | RETAIN
  bool operator==(const GroupSpec&) const = default;
};

// Validation problems carry the key path ("fleet.instances") and, from YAML, line and column.
// Error code kInvalidGroupSpec; the message lists every problem, one per line:
//   "web.yaml:4:14: fleet.instances: must be a whole number from 1 to 1000, not \"four\""
// Unknown keys are errors with a suggestion ("did you mean 'deploymentConfig'?").
// `applicationFallback` fills `application` when the document has none (the URL names it).
Result<GroupSpec> parseGroupYaml(std::string_view text, std::string_view sourceName,
                                 std::string_view applicationFallback = {});
Result<GroupSpec> groupSpecFromJson(const nlohmann::json& json,
                                    std::string_view applicationFallback = {});
nlohmann::json toJson(const GroupSpec& spec);  // the same keys the parsers read

// The YAML/JSON shape (camelCase keys, all but `name` and `fleet` optional):
//   application: sample
//   name: web
//   fleet: {provider: local, instances: 4, basePort: 18080}   # or {provider: static, tags: {role: web}}
//                                                             # or {provider: aws, aws: {...}} (aws_fleet_spec.h)
//   deploymentConfig: CodeDeployDefault.HalfAtATime
//   deploymentStyle: in-place                                 # or blue-green
//   loadBalancer: {provider: haproxy, listen: 127.0.0.1:8080}  # see traffic_spec.h
//   blueGreen: {terminationWaitSeconds: 300}                   # see traffic_spec.h
//   analysis: {checks: [{name: errors, loadBalancer: {maxErrorRatePercent: 1}}]}  # analysis_spec.h
//   alarms: {checks: [{name: slo, webhook: {url: "http://127.0.0.1:9000/alarm"}}]}  # analysis_spec.h
//   notifications: [{name: ops, url: "http://127.0.0.1:9000/hook"}]  # notification_spec.h
//   autoRollback: {enabled: true, events: [DEPLOYMENT_FAILURE]}
//   environment: {APP_ENV: production}
//   revisionsToKeep: 5
//   ignoreApplicationStopFailures: false
//   fileExistsBehavior: OVERWRITE

}  // namespace greenlight::catalog
