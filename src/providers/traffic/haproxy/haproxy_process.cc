// Double fork: the intermediate child exits at once, so HAProxy is reparented to init and
// greenlight never holds its zombie; setsid gives it its own session and process group, so a
// signal to greenlight's group (Ctrl-C, a service manager stopping greenlight) does not reach it.
#include "providers/traffic/haproxy/haproxy_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <vector>

#include "common/error_codes.h"
#include "common/files.h"

namespace greenlight::providers::haproxy {

Status launchDetached(const std::string& binary, const ProcessPaths& paths) {
  std::vector<std::string> arguments = {binary,
                                        "-W",
                                        "-S",
                                        paths.masterSocket.string() + ",level,admin",
                                        "-f",
                                        paths.config.string(),
                                        "-p",
                                        paths.pidFile.string()};
  std::vector<char*> argv;
  for (auto& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);
  int logFd = ::open(paths.logFile.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (logFd < 0) return errnoError(codes::kInternal, "cannot open the HAProxy log " + paths.logFile.string(), errno);
  int nullFd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (nullFd < 0) {
    ::close(logFd);
    return errnoError(codes::kInternal, "cannot open /dev/null", errno);
  }
  pid_t intermediate = ::fork();
  if (intermediate < 0) {
    int saved = errno;
    ::close(logFd);
    ::close(nullFd);
    return errnoError(codes::kUnavailable, "cannot fork to start HAProxy", saved);
  }
  if (intermediate == 0) {
    // Only async-signal-safe calls from here to exec.
    pid_t haproxy = ::fork();
    if (haproxy != 0) ::_exit(haproxy < 0 ? 1 : 0);
    ::setsid();  // HAProxy's master leads its own group: pid == pgid, so its workers are found by it
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::dup2(nullFd, 0);
    ::dup2(logFd, 1);
    ::dup2(logFd, 2);
    // Nothing else of greenlight's may reach HAProxy: it outlives the server, and an inherited
    // listening socket would keep the server's port, so a restarted server could not bind it.
    ::close_range(3, ~0U, 0);
    ::execvp(argv[0], argv.data());
    static const char kMessage[] = "greenlight: cannot exec haproxy\n";
    [[maybe_unused]] auto ignored = ::write(2, kMessage, sizeof(kMessage) - 1);
    ::_exit(127);
  }
  ::close(logFd);
  ::close(nullFd);
  int status = 0;
  while (::waitpid(intermediate, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Error{codes::kUnavailable, "cannot fork to start HAProxy from " + paths.config.string()};
  }
  return {};
}

int readPidFile(const std::filesystem::path& pidFile) {
  std::ifstream in(pidFile);
  int pid = 0;
  if (!(in >> pid) || pid <= 1) return 0;
  return pid;
}

bool processAlive(int pid) {
  if (pid <= 1) return false;
  if (::kill(pid, 0) != 0 && errno != EPERM) return false;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  auto close = line.rfind(')');
  return close == std::string::npos || close + 2 >= line.size() || line[close + 2] != 'Z';
}

bool processGroupAlive(int processGroup) {
  if (processGroup <= 1) return false;
  return ::kill(-processGroup, 0) == 0 || errno == EPERM;
}

std::string logTail(const std::filesystem::path& logFile, std::size_t maxBytes) {
  auto text = readWholeFile(logFile);
  if (!text.ok()) return "";
  std::string tail = text->size() > maxBytes ? text->substr(text->size() - maxBytes) : *text;
  while (!tail.empty() && tail.back() == '\n') tail.pop_back();
  return tail;
}

}  // namespace greenlight::providers::haproxy
