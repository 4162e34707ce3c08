// Launching a local agent. The agent is the grandchild of the server (double fork): it is
// reparented to init or the nearest subreaper at once, so the server never has to reap it and
// never keeps zombies of its own, and it sits in its own session and process group (setsid), so
// it outlives the server and never gets the terminal's signals. The intermediate child waits for
// the server's word before exiting, which lets the server read the agent's start time while its
// pid cannot yet have been reaped and reused. Between fork and exec only async-signal-safe calls.
#include "fleet/local_fleet.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>
#include <system_error>

#include "os/process_table.h"
#include "os/unique_fd.h"

extern char** environ;

namespace greenlight::fleet {
namespace {

constexpr const char* kLaunchFailed = kAgentLaunchFailed;

// What the intermediate child tells the server about the fork of the agent.
struct ForkReport {
  pid_t pid = -1;
  int error = 0;
};

struct PipeEnds {
  os::UniqueFd read;
  os::UniqueFd write;
};

Result<PipeEnds> makePipe() {
  int ends[2];
  if (::pipe2(ends, O_CLOEXEC) != 0) {
    return errnoError(kLaunchFailed, "could not create a pipe to launch a local agent", errno);
  }
  return PipeEnds{os::aboveStdio(os::UniqueFd(ends[0])), os::aboveStdio(os::UniqueFd(ends[1]))};
}

Status makeFolder(const std::filesystem::path& folder) {
  std::error_code error;
  std::filesystem::create_directories(folder, error);
  if (error) {
    return Error{kLaunchFailed, "could not create the local instance folder " + folder.string() +
                                    ": " + error.message() +
                                    "; check that the data folder is writable"};
  }
  // 0755 whatever the umask: hooks running as other users must be able to reach their files.
  if (::chmod(folder.c_str(), 0755) != 0) {
    return errnoError(kLaunchFailed, "could not set the mode of " + folder.string(), errno);
  }
  return Status::success();
}

// The server's environment with the instance's own variables set (replacing inherited ones).
std::vector<std::string> agentEnvironment(const LocalAgentSpec& spec,
                                          const std::filesystem::path& installRoot) {
  std::map<std::string, std::string> own = {
      {"GREENLIGHT_INSTANCE_ID", spec.instanceId},
      {"GREENLIGHT_PORT", std::to_string(spec.port)},
      {"GREENLIGHT_INSTALL_ROOT", installRoot.string()},
  };
  std::vector<std::string> environment;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    auto equals = text.find('=');
    if (equals != std::string_view::npos && own.count(std::string(text.substr(0, equals))) != 0) {
      continue;
    }
    environment.emplace_back(text);
  }
  for (const auto& [name, value] : own) environment.push_back(name + "=" + value);
  return environment;
}

std::vector<char*> pointersTo(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  pointers.reserve(strings.size() + 1);
  for (auto& text : strings) pointers.push_back(text.data());
  pointers.push_back(nullptr);
  return pointers;
}

void writeFully(int fd, const void* data, size_t size) {
  const char* bytes = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = ::write(fd, bytes, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    bytes += n;
    size -= static_cast<size_t>(n);
  }
}

// Reads exactly `size` bytes; false at end of file or on error.
bool readFully(int fd, void* data, size_t size) {
  char* bytes = static_cast<char*>(data);
  while (size > 0) {
    ssize_t n = ::read(fd, bytes, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

struct ChildSetup {
  const char* binary;
  char* const* argv;
  char* const* envp;
  const char* workingDirectory;
  int devNull;
  int log;
  int execErrorPipe;  // written with errno when execve fails; closes (CLOEXEC) when it succeeds
};

[[noreturn]] void becomeAgent(const ChildSetup& setup) {
  ::setsid();  // its own session and process group: pid == pgid == sid
  for (int signal = 1; signal < NSIG; ++signal) ::signal(signal, SIG_DFL);
  sigset_t empty;
  ::sigemptyset(&empty);
  ::sigprocmask(SIG_SETMASK, &empty, nullptr);
  int error = 0;
  if (::dup2(setup.devNull, STDIN_FILENO) < 0 || ::dup2(setup.log, STDOUT_FILENO) < 0 ||
      ::dup2(setup.log, STDERR_FILENO) < 0) {
    error = errno;
  }
  // Nothing of the server's (its store, its listening socket) may stay open in the agent.
  int keep = setup.execErrorPipe;
  if (keep > 3) ::close_range(3, static_cast<unsigned>(keep - 1), 0);
  ::close_range(static_cast<unsigned>(keep + 1), ~0U, 0);
  if (error == 0 && ::chdir(setup.workingDirectory) != 0) error = errno;
  if (error == 0) {
    ::execve(setup.binary, setup.argv, setup.envp);
    error = errno;
  }
  writeFully(keep, &error, sizeof error);
  ::_exit(127);
}

}  // namespace

LocalFleet::LocalFleet(LocalFleetOptions options) : options_(std::move(options)) {}
LocalFleet::~LocalFleet() = default;

Result<LaunchedAgent> LocalFleet::launch(const LocalAgentSpec& spec) {
  const std::string where = "the agent of local instance " + spec.instanceId;
  if (spec.instanceId.empty() || spec.instanceDir.empty()) {
    return Error{kLaunchFailed, "cannot launch a local agent without an instance id and folder"};
  }
  if (::access(options_.agentBinary.c_str(), X_OK) != 0) {
    return errnoError(kLaunchFailed,
                      "cannot launch " + where + ": the agent binary " +
                          options_.agentBinary.string() + " is not executable",
                      errno);
  }
  const auto agentRoot = spec.instanceDir / "agent-root";
  const auto installRoot = spec.instanceDir / "install-root";
  for (const auto& folder : {spec.instanceDir, agentRoot, installRoot}) {
    if (Status made = makeFolder(folder); !made.ok()) return made.error();
  }
  const auto logPath = spec.instanceDir / "agent.log";
  os::UniqueFd log = os::aboveStdio(
      os::UniqueFd(::open(logPath.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640)));
  if (!log.valid()) return errnoError(kLaunchFailed, "cannot open " + logPath.string(), errno);
  os::UniqueFd devNull = os::aboveStdio(os::UniqueFd(::open("/dev/null", O_RDWR | O_CLOEXEC)));
  if (!devNull.valid()) return errnoError(kLaunchFailed, "cannot open /dev/null", errno);

  std::vector<std::string> arguments = {
      options_.agentBinary.string(), "agent",
      "--server", spec.serverAddress,
      "--enrolment-token-file", spec.enrolmentTokenFile.string(),
      "--root", agentRoot.string(),
      "--install-root", installRoot.string(),
      "--instance-id", spec.instanceId,
      "--host-name", spec.hostName};
  std::vector<std::string> environment = agentEnvironment(spec, installRoot);
  std::vector<char*> argv = pointersTo(arguments);
  std::vector<char*> envp = pointersTo(environment);
  const std::string workingDirectory = spec.instanceDir.string();

  auto forkReport = makePipe();
  auto release = makePipe();
  auto execError = makePipe();
  for (auto* made : {&forkReport, &release, &execError}) {
    if (!made->ok()) return made->error();
  }
  ChildSetup setup{options_.agentBinary.c_str(), argv.data(),      envp.data(),
                   workingDirectory.c_str(),      devNull.get(),    log.get(),
                   execError->write.get()};

  sigset_t all;
  sigset_t previous;
  ::sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &previous);  // no handler of ours runs in the forks
  pid_t intermediate = ::fork();
  if (intermediate == 0) {
    ::close(release->write.get());  // else our own copy would keep the release from ever coming
    ForkReport report;
    report.pid = ::fork();
    if (report.pid == 0) becomeAgent(setup);
    if (report.pid < 0) report.error = errno;
    writeFully(forkReport->write.get(), &report, sizeof report);
    char ignored;
    // Until the server has read the agent's start time (or died: end of file).
    while (::read(release->read.get(), &ignored, 1) < 0 && errno == EINTR) {
    }
    ::_exit(0);
  }
  int forkErrno = errno;
  ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  if (intermediate < 0) return errnoError(kLaunchFailed, "cannot fork to launch " + where, forkErrno);

  forkReport->write.reset();
  execError->write.reset();
  release->read.reset();
  ForkReport report;
  bool reported = readFully(forkReport->read.get(), &report, sizeof report);
  std::optional<os::ProcessEntry> agent;
  if (reported && report.pid > 0) agent = os::readProcessEntry(report.pid);
  release->write.reset();  // lets the intermediate child exit
  int status = 0;
  while (::waitpid(intermediate, &status, 0) < 0 && errno == EINTR) {
  }
  if (!reported) {
    return Error{kLaunchFailed, "cannot launch " + where + ": the launching child died early"};
  }
  if (report.pid < 0) return errnoError(kLaunchFailed, "cannot fork to launch " + where, report.error);

  int execErrno = 0;
  if (readFully(execError->read.get(), &execErrno, sizeof execErrno)) {
    return errnoError(kLaunchFailed,
                      "cannot start " + where + " (" + options_.agentBinary.string() +
                          "); see " + logPath.string(),
                      execErrno);
  }
  if (!agent) {
    return Error{kLaunchFailed, "cannot launch " + where + ": process " +
                                    std::to_string(report.pid) + " vanished before it started"};
  }
  return LaunchedAgent{report.pid, agent->startTime};
}

}  // namespace greenlight::fleet
