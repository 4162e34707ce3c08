// Finding and signalling the processes of one local instance. Each carries the instance's
// GREENLIGHT_INSTANCE_ID in its environment (the agent gets it at launch and every hook and daemon
// inherits it), which is what still links a daemon that double-forked away from the agent.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace greenlight::fleet {

inline constexpr const char* kInstanceIdVariable = "GREENLIGHT_INSTANCE_ID";

// A process as seen at one moment: the start time tells it apart from a later reuse of its pid.
struct KnownProcess {
  pid_t pid = 0;
  std::uint64_t startTime = 0;
};

// Live (non-zombie) processes whose environment holds exactly GREENLIGHT_INSTANCE_ID=<id>, in pid
// order. Processes whose environment cannot be read (another user's, or gone) are skipped; this
// process is never included.
std::vector<KnownProcess> processesCarryingInstance(const std::string& instanceId);

// True when `process.pid` is alive, not a zombie, and still the process that started at
// `process.startTime`.
bool stillRunning(const KnownProcess& process);

// Sends `signal` to the process only when it is still the one that started at its start time.
// Through a pidfd when the kernel has them, so a pid reused between the check and the signal
// cannot be hit. Returns false when the process was gone (or not ours to signal).
bool signalKnownProcess(const KnownProcess& process, int signal);

}  // namespace greenlight::fleet
