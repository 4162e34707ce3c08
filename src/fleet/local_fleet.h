// The local compute provider: each instance is a `greenlight agent` process on this machine with
// its own root folder and port. Agents run in their own session, so they outlive the server and
// are adopted again on its restart. Every process an instance starts (hooks and the daemons they
// leave) carries GREENLIGHT_INSTANCE_ID in its environment, which is how stopping an instance
// finds and kills all of them, even those that double-forked away from the agent.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <sys/types.h>
#include <vector>

#include "common/result.h"

namespace greenlight::fleet {

// Error codes: a local agent that could not be started, and processes that outlived SIGKILL.
inline constexpr const char* kAgentLaunchFailed = "AgentLaunchFailed";
inline constexpr const char* kInstanceProcessesSurvived = "InstanceProcessesSurvived";

// What one local agent is started with.
struct LocalAgentSpec {
  std::string instanceId;
  std::string groupId;
  std::string hostName;
  int port = 0;                           // GREENLIGHT_PORT for its hooks
  std::filesystem::path instanceDir;      // holds agent-root/, install-root/, agent.log
  std::string serverAddress;              // "127.0.0.1:7070"
  std::filesystem::path enrolmentTokenFile;  // the group's enrolment token (0600)
};

struct LaunchedAgent {
  pid_t pid = 0;
  std::uint64_t startTime = 0;  // /proc/<pid>/stat field 22, to tell a reused pid apart
};

struct LocalFleetOptions {
  std::filesystem::path agentBinary;  // the greenlight binary
  std::chrono::milliseconds stopGrace{5000};  // SIGTERM to SIGKILL
};

// Thread-safe (no shared mutable state beyond the child reaper).
class LocalFleet {
 public:
  explicit LocalFleet(LocalFleetOptions options);
  ~LocalFleet();

  // Starts the agent detached (setsid, stdin /dev/null, output to instanceDir/agent.log), with
  // GREENLIGHT_INSTANCE_ID, GREENLIGHT_PORT and GREENLIGHT_INSTALL_ROOT (instanceDir/install-root)
  // in its environment and the command line:
  //   greenlight agent --server ADDR --enrolment-token-file F --root instanceDir/agent-root
  //                    --install-root instanceDir/install-root --instance-id ID --host-name H
  Result<LaunchedAgent> launch(const LocalAgentSpec& spec);
  // True when `pid` is alive (not a zombie) and still has `startTime`.
  bool isRunning(pid_t pid, std::uint64_t startTime) const;
  // Stops the agent (SIGTERM, then SIGKILL after the grace) and then every process still carrying
  // the instance's GREENLIGHT_INSTANCE_ID. Succeeds when none is left; safe to call again.
  Status terminate(const std::string& instanceId, pid_t pid, std::uint64_t startTime);
  // Processes alive (not zombies) whose environment names the instance.
  std::vector<pid_t> processesOf(const std::string& instanceId) const;

 private:
  LocalFleetOptions options_;
};

}  // namespace greenlight::fleet
