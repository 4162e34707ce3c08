// Runs one hook script as its own process group and reports how it ended.
// Never hangs on a descendant that keeps stdout/stderr open; kills the whole tree on timeout.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace greenlight::os {

struct ProcessSpec {
  std::vector<std::string> argv;               // argv[0] is the executable path
  std::map<std::string, std::string> environment;  // the complete environment of the child
  std::string workingDirectory;                // empty: inherit
  std::optional<std::string> runas;            // switch to this user (root only) with the user's
                                               // login environment (HOME, USER, LOGNAME, SHELL, PATH)
  std::chrono::milliseconds timeout{3600 * 1000};
  std::chrono::milliseconds killGrace{2000};   // SIGTERM to the tree, then SIGKILL after this
  std::size_t tailBytes = 4096;                // how much of the combined output to keep
};

enum class ProcessOutcome { Exited, Signaled, TimedOut, SpawnFailed };

struct ProcessResult {
  ProcessOutcome outcome = ProcessOutcome::SpawnFailed;
  int exitCode = -1;       // when Exited
  int signal = 0;          // when Signaled
  std::string outputTail;  // last tailBytes of stdout+stderr, interleaved as written
  bool outputTruncated = false;
  // The script exited but a descendant still held its stdout/stderr; we did not wait for it.
  bool outputsLeftOpen = false;
  std::vector<pid_t> leftOpenBy;  // descendants still alive in the hook's process group, if known
  std::chrono::milliseconds duration{0};
  std::string error;       // why spawning failed (SpawnFailed), e.g. "no such user 'ex2-user'"
  int spawnErrno = 0;      // execve's errno when SpawnFailed at exec (ENOENT, EACCES, ENOEXEC), else 0
};

// Called from the running thread with each chunk of output as it arrives.
using OutputCallback = std::function<void(std::string_view chunk)>;
// Called once the child exists, with its pid (== its process group id), while it is held before
// exec: a caller that records the group (the agent's ongoing marker) can never lose a hook to a
// crash. If the caller dies before the child is released, the hook never runs.
using StartedCallback = std::function<void(pid_t processGroup)>;

// Not thread-safe per instance; a runner may be reused sequentially. Separate instances may run
// concurrently. The callbacks must not throw. The runner installs no signal handler; it learns of
// the hook's exit through a pidfd and waitpid on that pid only, so a SIGCHLD handler elsewhere is
// harmless unless it reaps children it did not start (waitpid(-1)) or SIGCHLD is ignored: then the
// exit status is lost and the result says so (Exited, exitCode -1, error set).
class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  ProcessRunner() = default;
  ProcessRunner(const ProcessRunner&) = delete;
  ProcessRunner& operator=(const ProcessRunner&) = delete;

  virtual ProcessResult run(const ProcessSpec& spec, const OutputCallback& onOutput,
                            const StartedCallback& onStarted) = 0;
};

// The POSIX implementation. When a hook leaves its output open, the read end is handed to a
// small drainer process (setsid, reads and discards until EOF) so the daemon never gets
// SIGPIPE/EPIPE on its stdout after greenlight moves on or exits.
class PosixProcessRunner final : public ProcessRunner {
 public:
  ProcessResult run(const ProcessSpec& spec, const OutputCallback& onOutput,
                    const StartedCallback& onStarted) override;
};

// Kills every process of a process group and every live descendant of `leader` (found through
// /proc), SIGTERM first and SIGKILL after `grace`. Safe to call for a group that is gone.
void killProcessTree(pid_t processGroup, std::chrono::milliseconds grace);

// The start time of `pid` in clock ticks since boot (/proc/PID/stat field 22), to tell a live
// process from a reused pid. nullopt when the process does not exist.
std::optional<unsigned long long> processStartTime(pid_t pid);

}  // namespace greenlight::os
