// Runs one revision's AppSpec lifecycle on this host: the agent's core, also behind
// `greenlight local`. Owns the order of events, the hook environment, CodeDeploy's error codes,
// the ongoing-deployment marker and the revision retention of the deployment root.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/deployment_record.h"
#include "agent/deployment_root.h"
#include "agent/traffic_control.h"
#include "appspec/appspec.h"
#include "bundle/bundle.h"
#include "common/clock.h"
#include "os/process_runner.h"

namespace greenlight::agent {

struct LifecycleRequest {
  std::filesystem::path bundle;
  bundle::BundleType bundleType = bundle::BundleType::Directory;
  std::string expectedSha256;  // when set, the bundle must match it before anything is extracted
  std::string applicationName = "default-local-application";
  std::string deploymentGroupName = "default-local-deployment-group";
  std::string deploymentGroupId;  // empty: derived from the group name
  std::string deploymentId;       // empty: a new id
  std::string appspecFilename;    // empty: appspec.yml, appspec.yaml, appspec.json
  // The deployment's setting; an AppSpec's own `file_exists_behavior` takes precedence (as in
  // CodeDeploy). Default DISALLOW.
  std::optional<appspec::FileExistsBehavior> fileExistsBehavior;
  std::vector<std::string> events;  // empty: the default in-place order
  bool withLoadBalancer = false;
  // Carries out BlockTraffic and AllowTraffic; not owned, must outlive run(). Null: no load
  // balancer is controlled from this host, and both events succeed doing nothing.
  TrafficControl* traffic = nullptr;
  bool ignoreApplicationStopFailures = false;
  std::filesystem::path installRoot = "/";
  std::map<std::string, std::string> environment;  // added to every hook's environment
  bundle::Limits limits;
  std::size_t revisionsToKeep = 5;
  std::chrono::milliseconds killGrace{5000};
  std::size_t scriptLogLimitBytes = 10 << 20;  // per deployment, on disk
};

// Receives progress as it happens. Called on the runner's thread.
class LifecycleObserver {
 public:
  virtual ~LifecycleObserver() = default;
  virtual void onInterruptedDeploymentRecovered(const DeploymentRecord& /*record*/) {}
  virtual void onDeploymentStarted(const DeploymentRecord& /*record*/) {}
  virtual void onEventStarted(const DeploymentRecord& /*record*/, const EventRecord& /*event*/) {}
  virtual void onScriptStarted(const EventRecord& /*event*/, const appspec::HookScript& /*script*/) {}
  virtual void onOutput(const EventRecord& /*event*/, std::string_view /*chunk*/) {}
  virtual void onEventFinished(const DeploymentRecord& /*record*/, const EventRecord& /*event*/) {}
};

class LifecycleRunner {
 public:
  // REQUIRES: `root` locked by this process. All references must outlive the runner.
  LifecycleRunner(DeploymentRoot& root, os::ProcessRunner& processes, const Clock& clock);
  LifecycleRunner(const LifecycleRunner&) = delete;
  LifecycleRunner& operator=(const LifecycleRunner&) = delete;

  // If a previous run on this root died mid-deployment, kills what is left of its hook, records
  // the event it was in as FailedAfterRestart and returns that deployment's record.
  std::optional<DeploymentRecord> recoverInterrupted(LifecycleObserver& observer);

  // Runs the whole lifecycle; never throws. The returned record says Succeeded or Failed.
  DeploymentRecord run(const LifecycleRequest& request, LifecycleObserver& observer);

 private:
  class Deployment;
  DeploymentRoot& root_;
  os::ProcessRunner& processes_;
  const Clock& clock_;
};

}  // namespace greenlight::agent
