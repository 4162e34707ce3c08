// Shared pieces of the agent's tests: a tiny bundle with hook scripts that count their runs, the
// command payload the server would send for it, and the agent run on a thread of the test.
#pragma once

#include <atomic>
#include <filesystem>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "agentd/agent_daemon.h"
#include "agentd/fake_control_plane.h"
#include "common/sha256.h"
#include "support/test_support.h"

namespace greenlight::agentd::testing {

struct TestBundle {
  std::string sha256;
  std::string bytes;
};

// appspec.yml installing content/ to /app, with BeforeInstall, ApplicationStart and
// ValidateService scripts that append "$LIFECYCLE_EVENT" to $COUNT_FILE and print a greeting.
// When $HOLD_FILE is set, ApplicationStart writes its pid to $HOLD_FILE.started and waits for
// $HOLD_FILE; when $DAEMON_FILE is set, it leaves a daemon behind and writes its pid there.
inline TestBundle makeBundle(const std::filesystem::path& work, const std::string& version = "v1") {
  namespace gt = greenlight::testing;
  auto source = work / ("bundle-" + version);
  gt::writeFile(source / "appspec.yml",
                "version: 0.0\nos: linux\nfiles:\n  - source: content\n    destination: /app\n"
                "hooks:\n"
                "  BeforeInstall:\n    - location: scripts/count.sh\n"
                "  ApplicationStart:\n    - location: scripts/start.sh\n"
                "  ValidateService:\n    - location: scripts/count.sh\n");
  gt::writeFile(source / "content" / "version.txt", version + "\n");
  gt::writeFile(source / "scripts" / "count.sh",
                "#!/bin/sh\necho \"$LIFECYCLE_EVENT\" >> \"$COUNT_FILE\"\necho \"hello from $LIFECYCLE_EVENT\"\n", 0755);
  gt::writeFile(source / "scripts" / "start.sh",
                "#!/bin/sh\necho \"$LIFECYCLE_EVENT\" >> \"$COUNT_FILE\"\n"
                "if [ -n \"$DAEMON_FILE\" ]; then\n"
                "  ( sleep 300 </dev/null >/dev/null 2>&1 & echo $! > \"$DAEMON_FILE\" )\n"
                "fi\n"
                "if [ -n \"$HOLD_FILE\" ]; then\n"
                "  echo $$ > \"$HOLD_FILE.started\"\n"
                "  while [ ! -f \"$HOLD_FILE\" ]; do sleep 0.05; done\n"
                "fi\n"
                "echo \"hello from $LIFECYCLE_EVENT\"\n",
                0755);
  auto archive = work / ("bundle-" + version + ".tar");
  auto tar = gt::runCommand("tar -C '" + source.string() + "' -cf '" + archive.string() + "' .");
  if (tar.exitCode != 0) throw std::runtime_error("tar failed: " + tar.output);
  TestBundle bundle;
  bundle.bytes = gt::readFile(archive);
  bundle.sha256 = sha256Hex(bundle.bytes);
  return bundle;
}

inline nlohmann::json commandPayload(const std::string& deploymentId, const std::string& instanceId,
                                     const std::string& sha256, nlohmann::json environment) {
  return {{"id", deploymentId + "/" + instanceId},
          {"deploymentId", deploymentId},
          {"applicationName", "shop"},
          {"deploymentGroupName", "web"},
          {"deploymentGroupId", FakeControlPlane::kGroupId},
          {"revision",
           {{"sha256", sha256}, {"bundleType", "tar"}, {"sizeBytes", 0}, {"url", "/v1/revisions/" + sha256 + "/bundle"}}},
          {"appspecFilename", ""},
          {"fileExistsBehavior", "OVERWRITE"},
          {"ignoreApplicationStopFailures", false},
          {"environment", std::move(environment)},
          {"revisionsToKeep", 5}};
}

// Options for an in-process agent: fast polls and backoff; no subreaper (the test process has
// children of its own).
inline AgentOptions agentOptions(const std::string& address, const std::filesystem::path& work,
                                 const std::string& instanceId = "i-1") {
  AgentOptions options;
  options.serverAddress = address;
  options.root = work / "agent-root";
  options.installRoot = work / "install-root";
  options.enrolmentToken = FakeControlPlane::kEnrolmentToken;
  options.instanceId = instanceId;
  options.hostName = "host-" + instanceId;
  options.pollWait = std::chrono::seconds(1);
  options.heartbeatInterval = std::chrono::seconds(1);
  options.backoffInitial = std::chrono::milliseconds(20);
  options.backoffMax = std::chrono::milliseconds(200);
  options.adoptOrphans = false;
  return options;
}

// runAgent on a thread; finish() asks it to stop and returns what it returned.
class AgentThread {
 public:
  explicit AgentThread(AgentOptions options) : options_(std::move(options)) {
    thread_ = std::thread([this] {
      status_ = runAgent(options_, stop_);
      done_ = true;
    });
  }
  ~AgentThread() {
    if (thread_.joinable()) (void)finish();
  }
  Status finish() {
    stop_ = true;
    thread_.join();
    return status_;
  }
  bool done() const { return done_.load(); }
  // REQUIRES: done()
  Status status() {
    thread_.join();
    return status_;
  }

 private:
  AgentOptions options_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> done_{false};
  Status status_;
  std::thread thread_;
};

}  // namespace greenlight::agentd::testing
