// PosixProcessRunner: fork+exec of a hook in its own process group, one pipe for its combined
// output, a pidfd to learn of its exit without SIGCHLD, and a deadline after which the whole tree
// is killed. The run ends when the hook itself exits, not when its output closes: a daemon the
// hook started may hold stdout for days, and its output is then handed to a drainer.
#include "os/process_runner.h"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <utility>

#include "common/result.h"
#include "os/login_user.h"
#include "os/output_drainer.h"
#include "os/output_tail.h"
#include "os/process_table.h"
#include "os/unique_fd.h"

namespace greenlight::os {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr size_t kReadChunk = 64 * 1024;
// After the hook exits, read at most this much more before handing the pipe to a drainer, so a
// descendant that writes without pause cannot keep the run going.
constexpr size_t kDrainAfterExitLimit = 1024 * 1024;
// How long, after the hook exits, a descendant still holding its output gets to let go before
// the pipe is handed to a drainer and the run ends.
constexpr milliseconds kLingerAfterExit{100};
// Without a pidfd (kernels before 5.3) the exit is checked this often.
constexpr int kExitCheckWithoutPidfdMs = 20;

// Everything the child needs, prepared before fork: between fork and exec only async-signal-safe
// calls are allowed (another thread may hold the malloc or NSS locks at the time of the fork).
struct ExecPlan {
  std::string executable;
  std::vector<std::string> argvStorage;
  std::vector<std::string> environmentStorage;
  std::vector<char*> argv;
  std::vector<char*> envp;
  std::vector<std::string> directories;  // tried in order; empty: inherit ours
  bool switchUser = false;
  std::string userName;
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;
};

// What the child reports through the status pipe when it cannot exec.
enum class ChildStage : int { Stdio = 1, Groups, GroupId, UserId, WorkingDirectory, Exec };
struct ChildFailure {
  ChildStage stage;
  int error;
};

std::vector<char*> pointersTo(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  pointers.reserve(strings.size() + 1);
  for (auto& item : strings) pointers.push_back(item.data());
  pointers.push_back(nullptr);
  return pointers;
}

std::string currentUserName() {
  auto me = ::getuid();
  long suggested = ::sysconf(_SC_GETPW_R_SIZE_MAX);
  std::vector<char> buffer(suggested > 0 ? static_cast<size_t>(suggested) : 16384);
  passwd entry{};
  passwd* found = nullptr;
  if (::getpwuid_r(me, &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr) {
    return found->pw_name;
  }
  return "uid " + std::to_string(me);
}

Result<ExecPlan> planExec(const ProcessSpec& spec) {
  if (spec.argv.empty() || spec.argv.front().empty()) {
    return Error{"SpawnFailed", "the hook has no command to run (empty location in the AppSpec)"};
  }
  ExecPlan plan;
  plan.executable = spec.argv.front();
  plan.argvStorage = spec.argv;
  auto environment = spec.environment;
  if (!spec.workingDirectory.empty()) plan.directories.push_back(spec.workingDirectory);

  if (spec.runas) {
    auto user = lookUpLoginUser(*spec.runas);
    if (!user) return user.error();
    if (::geteuid() != 0 && user->uid != ::geteuid()) {
      return Error{"RunasNotPermitted", "cannot run the hook as '" + user->name +
                                            "' (runas in the AppSpec): greenlight "
                                            "runs as '" +
                                            currentUserName() +
                                            "', and only root can switch users; run the "
                                            "agent as root or remove runas"};
    }
    plan.switchUser = ::geteuid() == 0;
    plan.userName = user->name;
    plan.uid = user->uid;
    plan.gid = user->gid;
    plan.groups = user->supplementaryGroups;
    environment = loginEnvironment(*user, std::move(environment));
    // As at login: the requested folder if the user can enter it, else home, else the root.
    if (!user->home.empty()) plan.directories.push_back(user->home);
    plan.directories.push_back("/");
  }
  for (const auto& [name, value] : environment)
    plan.environmentStorage.push_back(name + "=" + value);
  plan.argv = pointersTo(plan.argvStorage);
  plan.envp = pointersTo(plan.environmentStorage);
  return plan;
}

[[noreturn]] void reportAndExit(int statusFd, ChildStage stage) {
  ChildFailure failure{stage, errno};
  ssize_t ignored = ::write(statusFd, &failure, sizeof failure);
  (void)ignored;
  ::_exit(127);
}

// The child between fork and exec. Async-signal-safe calls only.
[[noreturn]] void becomeHook(const ExecPlan& plan, int devNull, int outputWrite, int statusWrite,
                             int gateRead, long maxFd) {
  ::setpgid(0, 0);  // the parent does it too; whichever runs first wins the race
  struct sigaction defaultAction {};
  defaultAction.sa_handler = SIG_DFL;
  ::sigemptyset(&defaultAction.sa_mask);
  for (int signal = 1; signal < NSIG; ++signal) ::sigaction(signal, &defaultAction, nullptr);

  // Out of the way of the fixed numbers 3 and 4 used below before anything is renumbered.
  gateRead = ::fcntl(gateRead, F_DUPFD_CLOEXEC, 10);
  if (gateRead < 0) reportAndExit(statusWrite, ChildStage::Stdio);
  if (::dup2(devNull, STDIN_FILENO) < 0 || ::dup2(outputWrite, STDOUT_FILENO) < 0 ||
      ::dup2(outputWrite, STDERR_FILENO) < 0) {
    reportAndExit(statusWrite, ChildStage::Stdio);
  }
  // Keep only stdio and the status pipe (as fd 3, still close-on-exec).
  constexpr int kStatusFd = 3;
  if (statusWrite != kStatusFd && ::dup2(statusWrite, kStatusFd) < 0) {
    reportAndExit(statusWrite, ChildStage::Stdio);
  }
  ::fcntl(kStatusFd, F_SETFD, FD_CLOEXEC);
  // The gate (fd 4): the hook may not start until the parent has recorded its process group.
  constexpr int kGateFd = 4;
  if (::dup2(gateRead, kGateFd) < 0) reportAndExit(kStatusFd, ChildStage::Stdio);
  ::fcntl(kGateFd, F_SETFD, FD_CLOEXEC);
  if (::close_range(kGateFd + 1, ~0U, 0) != 0) {
    for (long fd = kGateFd + 1; fd < maxFd; ++fd) ::close(static_cast<int>(fd));
  }

  if (plan.switchUser) {
    if (::setgroups(plan.groups.size(), plan.groups.data()) != 0)
      reportAndExit(kStatusFd, ChildStage::Groups);
    if (::setgid(plan.gid) != 0) reportAndExit(kStatusFd, ChildStage::GroupId);
    if (::setuid(plan.uid) != 0) reportAndExit(kStatusFd, ChildStage::UserId);
  }
  // After the switch, so that "can enter" is judged as the hook's user.
  if (!plan.directories.empty()) {
    bool entered = false;
    int firstError = 0;
    for (const auto& directory : plan.directories) {
      if (::chdir(directory.c_str()) == 0) {
        entered = true;
        break;
      }
      if (firstError == 0) firstError = errno;
    }
    if (!entered) {
      errno = firstError;
      reportAndExit(kStatusFd, ChildStage::WorkingDirectory);
    }
  }
  // Wait for the parent's go. End of file means the parent died before it could record this
  // hook (e.g. the agent was killed): then the hook must not run at all, as nobody would own it.
  char go = 0;
  ssize_t gate = 0;
  do {
    gate = ::read(kGateFd, &go, 1);
  } while (gate < 0 && errno == EINTR);
  if (gate != 1) ::_exit(125);
  sigset_t empty;
  ::sigemptyset(&empty);
  ::sigprocmask(SIG_SETMASK, &empty, nullptr);
  ::execve(plan.executable.c_str(), plan.argv.data(), plan.envp.data());
  reportAndExit(kStatusFd, ChildStage::Exec);
}

std::string describeFailure(const ChildFailure& failure, const ExecPlan& plan) {
  const std::string hook = "'" + plan.executable + "'";
  const std::string asUser = plan.userName.empty() ? "" : " as user '" + plan.userName + "'";
  switch (failure.stage) {
    case ChildStage::Stdio:
      return errnoError("SpawnFailed", "could not connect the output of hook " + hook,
                        failure.error)
          .message;
    case ChildStage::Groups:
    case ChildStage::GroupId:
    case ChildStage::UserId:
      return errnoError("SpawnFailed",
                        "could not switch to user '" + plan.userName +
                            "' (runas in the AppSpec) for hook " + hook,
                        failure.error)
          .message;
    case ChildStage::WorkingDirectory:
      return errnoError("SpawnFailed",
                        "could not enter the working directory '" + plan.directories.front() + "'" +
                            asUser + " for hook " + hook,
                        failure.error)
          .message;
    case ChildStage::Exec:
      break;
  }
  std::string message =
      errnoError("SpawnFailed", "cannot run hook " + hook + asUser, failure.error).message;
  switch (failure.error) {
    case ENOENT:
      return message +
             "; check the hook's location in the AppSpec, that the file is in the revision, "
             "and that the interpreter on its #! line is installed";
    case EACCES:
      return message + "; make the script executable (chmod +x) and its folders searchable" +
             asUser;
    case ENOEXEC:
      return message + "; it is neither a program nor a script starting with a #! line";
    default:
      return message;
  }
}

struct Pipe {
  UniqueFd readEnd;
  UniqueFd writeEnd;
};

Result<Pipe> makePipe(const char* purpose) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return errnoError("SpawnFailed", std::string("could not create the ") + purpose + " pipe",
                      errno);
  }
  return Pipe{aboveStdio(UniqueFd(fds[0])), aboveStdio(UniqueFd(fds[1]))};
}

// Reads the child's report: nothing (EOF at exec) means it is running the hook.
std::optional<ChildFailure> readChildFailure(int statusRead) {
  ChildFailure failure{};
  size_t got = 0;
  auto* bytes = reinterpret_cast<char*>(&failure);
  while (got < sizeof failure) {
    ssize_t n = ::read(statusRead, bytes + got, sizeof failure - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  if (got < sizeof failure) return std::nullopt;
  return failure;
}

int waitForChild(pid_t pid, int* status) {
  for (;;) {
    pid_t reaped = ::waitpid(pid, status, 0);
    if (reaped >= 0 || errno != EINTR) return reaped;
  }
}

// Reads the output pipe one chunk at a time into the tail and the caller's callback.
class OutputReader {
 public:
  OutputReader(size_t tailBytes, const OutputCallback& onOutput)
      : tail_(tailBytes), onOutput_(onOutput), buffer_(kReadChunk) {}

  enum class ReadState { Data, Empty, Closed };
  ReadState readOnce(int fd, size_t* bytes = nullptr) {
    for (;;) {
      ssize_t n = ::read(fd, buffer_.data(), buffer_.size());
      if (n > 0) {
        std::string_view chunk(buffer_.data(), static_cast<size_t>(n));
        tail_.append(chunk);
        if (onOutput_) onOutput_(chunk);
        if (bytes != nullptr) *bytes += static_cast<size_t>(n);
        return ReadState::Data;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) return ReadState::Empty;
      return ReadState::Closed;  // EOF, or an error that leaves nothing more to read
    }
  }
  OutputTail& tail() { return tail_; }

 private:
  OutputTail tail_;
  const OutputCallback& onOutput_;
  std::vector<char> buffer_;
};

int pollTimeoutMs(Clock::time_point deadline, bool havePidfd) {
  auto remaining = std::chrono::ceil<milliseconds>(deadline - Clock::now()).count();
  long long timeout = std::clamp<long long>(remaining, 0, INT_MAX);
  if (!havePidfd) timeout = std::min<long long>(timeout, kExitCheckWithoutPidfdMs);
  return static_cast<int>(timeout);
}

}  // namespace

ProcessResult PosixProcessRunner::run(const ProcessSpec& spec, const OutputCallback& onOutput,
                                      const StartedCallback& onStarted) {
  const auto startedAt = Clock::now();
  ProcessResult result;
  auto finish = [&]() -> ProcessResult {
    result.duration = std::chrono::duration_cast<milliseconds>(Clock::now() - startedAt);
    return std::move(result);
  };
  auto spawnFailed = [&](const Error& error) {
    result.outcome = ProcessOutcome::SpawnFailed;
    result.error = error.message;
    return finish();
  };

  auto plan = planExec(spec);
  if (!plan) return spawnFailed(plan.error());
  auto output = makePipe("output");
  if (!output) return spawnFailed(output.error());
  auto status = makePipe("status");
  if (!status) return spawnFailed(status.error());
  // A socket pair, not a pipe: releasing a child that already died must not raise SIGPIPE.
  int gateFds[2] = {-1, -1};
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, gateFds) != 0)
    return spawnFailed(errnoError("SpawnFailed", "could not create the start gate", errno));
  UniqueFd gateRead(gateFds[0]);
  UniqueFd gateWrite(gateFds[1]);
  UniqueFd devNull = aboveStdio(UniqueFd(::open("/dev/null", O_RDONLY | O_CLOEXEC)));
  if (!devNull.valid())
    return spawnFailed(errnoError("SpawnFailed", "could not open /dev/null", errno));
  const long maxFd = ::sysconf(_SC_OPEN_MAX);

  // Block every signal across fork so no handler of the embedding program runs in the child
  // before it has reset them all.
  sigset_t all;
  sigset_t previousMask;
  ::sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &previousMask);
  pid_t pid = ::fork();
  if (pid == 0) {
    becomeHook(*plan, devNull.get(), output->writeEnd.get(), status->writeEnd.get(), gateRead.get(),
               maxFd > 0 ? maxFd : 1024);
  }
  int forkError = errno;
  ::pthread_sigmask(SIG_SETMASK, &previousMask, nullptr);
  if (pid < 0)
    return spawnFailed(
        errnoError("SpawnFailed", "could not start hook '" + plan->executable + "'", forkError));
  ::setpgid(pid, pid);  // EACCES once the child has exec'd: it did it itself, which is enough
  const auto deadline = Clock::now() + spec.timeout;
  output->writeEnd.reset();
  status->writeEnd.reset();
  gateRead.reset();
  devNull.reset();

  // The child waits at the gate: whoever embeds the runner records the process group now (the
  // agent's ongoing-deployment marker), so a crash from here on never leaves an unknown hook.
  if (onStarted) onStarted(pid);
  char go = 1;
  ssize_t opened = 0;
  do {
    opened = ::send(gateWrite.get(), &go, 1, MSG_NOSIGNAL);
  } while (opened < 0 && errno == EINTR);
  gateWrite.reset();

  int waitStatus = 0;
  if (auto failure = readChildFailure(status->readEnd.get())) {
    waitForChild(pid, &waitStatus);
    result.outcome = ProcessOutcome::SpawnFailed;
    result.error = describeFailure(*failure, *plan);
    if (failure->stage == ChildStage::Exec) result.spawnErrno = failure->error;
    return finish();
  }
  status->readEnd.reset();

  UniqueFd outputRead = std::move(output->readEnd);
  int flags = ::fcntl(outputRead.get(), F_GETFL);
  ::fcntl(outputRead.get(), F_SETFL, flags | O_NONBLOCK);
  UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  OutputReader reader(spec.tailBytes, onOutput);

  bool outputOpen = true;
  bool exited = false;
  bool timedOut = false;
  bool statusLost = false;
  while (!exited) {
    pollfd fds[2];
    nfds_t count = 0;
    int outputIndex = -1;
    int pidfdIndex = -1;
    if (outputOpen) {
      outputIndex = static_cast<int>(count);
      fds[count++] = pollfd{outputRead.get(), POLLIN, 0};
    }
    if (pidfd.valid()) {
      pidfdIndex = static_cast<int>(count);
      fds[count++] = pollfd{pidfd.get(), POLLIN, 0};
    }
    int ready = ::poll(fds, count, pollTimeoutMs(deadline, pidfd.valid()));
    if (ready < 0 && errno != EINTR) {
      // Cannot wait for events: fall back to checking the exit without a pidfd.
      pidfd.reset();
    }
    if (ready > 0 && outputIndex >= 0 && fds[outputIndex].revents != 0) {
      if (reader.readOnce(outputRead.get()) == OutputReader::ReadState::Closed) outputOpen = false;
    }
    bool exitSignalled = pidfdIndex < 0 || (ready > 0 && fds[pidfdIndex].revents != 0);
    if (exitSignalled) {
      pid_t reaped = ::waitpid(pid, &waitStatus, WNOHANG);
      if (reaped == pid) exited = true;
      // Reaped elsewhere (SIGCHLD ignored, or a waitpid(-1) in the embedding program).
      if (reaped < 0 && errno == ECHILD) exited = statusLost = true;
    }
    if (!exited && Clock::now() >= deadline) {
      timedOut = true;
      killProcessTree(pid, spec.killGrace);
      if (waitForChild(pid, &waitStatus) < 0) statusLost = true;
      exited = true;
    }
  }

  // The hook is gone; take what it wrote, but never wait for a descendant holding the pipe
  // beyond a short linger (a `server >log 2>&1 &` child may not have redirected yet).
  size_t drained = 0;
  const auto lingerEnd = Clock::now() + kLingerAfterExit;
  while (outputOpen && drained < kDrainAfterExitLimit) {
    auto state = reader.readOnce(outputRead.get(), &drained);
    if (state == OutputReader::ReadState::Closed) outputOpen = false;
    if (state != OutputReader::ReadState::Empty) continue;
    if (timedOut || Clock::now() >= lingerEnd) break;
    pollfd pending{outputRead.get(), POLLIN, 0};
    ::poll(&pending, 1, pollTimeoutMs(lingerEnd, true));
  }
  if (outputOpen) {
    result.outputsLeftOpen = true;
    result.leftOpenBy = liveProcessGroupMembers(pid);
    handOffToDrainer(std::move(outputRead));
  }

  result.outputTail = reader.tail().take();
  result.outputTruncated = reader.tail().truncated();
  if (timedOut) {
    result.outcome = ProcessOutcome::TimedOut;
    if (!statusLost && WIFSIGNALED(waitStatus)) result.signal = WTERMSIG(waitStatus);
  } else if (statusLost) {
    result.outcome = ProcessOutcome::Exited;
    result.exitCode = -1;
    result.error =
        "the hook's exit status was collected by another part of greenlight (SIGCHLD is "
        "ignored or reaped elsewhere); treating the hook as failed";
  } else if (WIFSIGNALED(waitStatus)) {
    result.outcome = ProcessOutcome::Signaled;
    result.signal = WTERMSIG(waitStatus);
  } else {
    result.outcome = ProcessOutcome::Exited;
    result.exitCode = WEXITSTATUS(waitStatus);
  }
  return finish();
}

}  // namespace greenlight::os
