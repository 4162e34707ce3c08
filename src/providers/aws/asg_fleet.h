// The `aws` compute provider (Goployer's flow, done safely): each fleet version of a group is a
// launch template and an Auto Scaling group, both named after the fleet version
// ("<app>-<group>-vNNN") and tagged greenlight:group / greenlight:fleet-version, so a group's
// versions are found by tag, never by scanning names. Its instances' user data starts the
// greenlight agent with the group's enrolment token and the instance's own id, and the instances
// become the fleet version's catalog instances (their ids are the EC2 ids).
//
// What the engine sees: provisionFleetVersion makes (or finds) both and records the instances once
// the group has launched all of them; unhealthyInstances names those not InService and Healthy in
// the group; fleetVersionServing adds the scaling policies, the alarms (named after the version)
// and the scheduled actions once the version serves every request; retireFleetVersion deletes the
// alarms, the group (with its instances, policies and scheduled actions) and the launch template.
// The engine only retires the new version when it failed, and the old one only after the new one
// served: an unhealthy new version never costs the serving one.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "catalog/aws_fleet_spec.h"
#include "common/clock.h"
#include "fleet/compute_provider.h"
#include "providers/aws/aws_clients.h"
#include "providers/aws/fleet_history.h"
#include "store/sqlite_serialized.h"

namespace greenlight::providers::aws {

struct AwsFleetOptions {
  // Where agents on EC2 reach the server ("https://deploy.example.com:7070"), written into the
  // user data. Required for a real fleet; tests that start the agents themselves may leave it.
  std::string serverUrl;
  // Where the user data downloads the greenlight binary from; empty: the AMI has it at
  // /usr/local/bin/greenlight.
  std::string agentUrl;
  // Where each version's creating/deployed/terminated record goes (null: nowhere). A failed write
  // is logged, never a failed deployment.
  std::shared_ptr<DynamoDbFleetHistory> history;
  std::function<void(const std::string&)> log;
};

// The group's enrolment token file (made on first use): the local fleet's, shared.
using EnrolmentTokenFile = std::function<Result<std::filesystem::path>(const std::string& groupId)>;

// The user data of a fleet version: the operator's script (fleet.aws.launchTemplate.userData)
// run first, then the agent installed and started as a systemd service. Pure; for tests.
std::string agentUserData(const catalog::AwsFleetSpec& spec, const AwsFleetOptions& options,
                          const std::string& enrolmentToken);

// Thread-safe (one call at a time per provider; AWS calls hold no store connection).
class AwsComputeProvider final : public fleet::ComputeProvider {
 public:
  AwsComputeProvider(store::SerializedSqliteDatabase& database, const Clock& clock,
                     AwsClients& clients, EnrolmentTokenFile tokenFile, AwsFleetOptions options);

  // `count` 0: the version's capacity is the serving version's (found by tag) unless the spec
  // forces its own or there is none; count > 0 (a rolling batch): exactly that many. Until the
  // group has launched every instance, fails with Unavailable ("3 of 4 launched") and the engine
  // asks again; past the spec's healthyTimeoutSeconds, with AwsLaunchTimeout (the version then
  // goes). Errors from AWS keep their code.
  Result<std::vector<catalog::Instance>> provisionFleetVersion(const std::string& groupId,
                                                               const std::string& fleetVersion,
                                                               int count) override;
  Result<std::string> unhealthyInstances(const std::string& groupId,
                                         const std::string& fleetVersion) override;
  Status fleetVersionServing(const std::string& groupId, const std::string& fleetVersion) override;
  // With terminationDelayRate, Unavailable ("scaling ... down gradually") until the last step.
  Status retireFleetVersion(const std::string& groupId, const std::string& fleetVersion,
                            const std::string& reason) override;

  // Retires every version found by tag (a gradual scale-down does not apply: the group is going).
  Status retireGroup(const std::string& groupId, const std::string& reason) override;
  // The names of the group's fleet versions in AWS (Auto Scaling groups tagged with its id),
  // sorted. For clean-up and tests.
  Result<std::vector<std::string>> listFleetVersions(const std::string& groupId);

 private:
  struct Context;
  Result<Context> contextFor(const std::string& groupId);
  // retireFleetVersion's work; `gradually`: honour terminationDelayRate. REQUIRES: mutex_.
  Status retire(const std::string& groupId, const std::string& fleetVersion, const std::string& reason,
                bool gradually);
  // Writes the version's history record (when there is a history), logging a failure.
  void record(const Context& context, const std::string& fleetVersion,
              Status (DynamoDbFleetHistory::*write)(const FleetVersionRecord&));

  store::SerializedSqliteDatabase& database_;
  const Clock& clock_;
  AwsClients& clients_;
  EnrolmentTokenFile tokenFile_;
  AwsFleetOptions options_;
  std::mutex mutex_;  // one provider call at a time
  struct ScaleDown {
    int original = 0;  // the version's capacity when its retirement began
    std::optional<WallTime> lastStepAt;
  };
  std::map<std::string, ScaleDown> scaleDowns_;  // by "<group>/<fleet version>"; GUARDED_BY(mutex_)
  // When a version was first found not fully launched (healthyTimeoutSeconds counts from there).
  std::map<std::string, WallTime> launchStartedAt_;  // GUARDED_BY(mutex_)
};

}  // namespace greenlight::providers::aws
