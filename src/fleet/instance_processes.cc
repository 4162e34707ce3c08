// /proc/<pid>/environ is the environment the process was exec'd with, NUL-separated; it is read
// whole and compared entry by entry so that "GREENLIGHT_INSTANCE_ID=i-1" never matches "i-12".
#include "fleet/instance_processes.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <optional>
#include <string_view>

#include "os/process_table.h"
#include "os/unique_fd.h"

namespace greenlight::fleet {
namespace {

std::optional<std::string> readEnvironment(pid_t pid) {
  std::string path = "/proc/" + std::to_string(pid) + "/environ";
  os::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return std::nullopt;
  std::string content;
  std::array<char, 4096> buffer{};
  for (;;) {
    ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::nullopt;
    if (n == 0) break;
    content.append(buffer.data(), static_cast<size_t>(n));
  }
  return content;
}

bool environmentHolds(std::string_view environment, std::string_view entry) {
  size_t position = 0;
  while (position < environment.size()) {
    size_t end = environment.find('\0', position);
    if (end == std::string_view::npos) end = environment.size();
    if (environment.substr(position, end - position) == entry) return true;
    position = end + 1;
  }
  return false;
}

}  // namespace

std::vector<KnownProcess> processesCarryingInstance(const std::string& instanceId) {
  std::vector<KnownProcess> found;
  if (instanceId.empty()) return found;
  const std::string entry = std::string(kInstanceIdVariable) + "=" + instanceId;
  const pid_t self = ::getpid();
  for (const auto& process : os::listProcesses()) {  // listProcesses goes in /proc order: by pid
    if (process.zombie() || process.pid == self || process.pid == 1) continue;
    auto environment = readEnvironment(process.pid);
    if (!environment || !environmentHolds(*environment, entry)) continue;
    // Re-read after the environment: the pid may have been reused while we read it.
    auto again = os::readProcessEntry(process.pid);
    if (!again || again->startTime != process.startTime || again->zombie()) continue;
    found.push_back({process.pid, process.startTime});
  }
  return found;
}

bool stillRunning(const KnownProcess& process) {
  if (process.pid <= 0) return false;
  auto entry = os::readProcessEntry(process.pid);
  return entry && !entry->zombie() && entry->startTime == process.startTime;
}

bool signalKnownProcess(const KnownProcess& process, int signal) {
  if (process.pid <= 1 || process.pid == ::getpid()) return false;
  os::UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, process.pid, 0)));
  // With the pidfd open the pid cannot be reused under us, so checking the start time after
  // opening it proves the pidfd names the process we mean.
  if (!stillRunning(process)) return false;
  if (pidfd.valid()) {
    return ::syscall(SYS_pidfd_send_signal, pidfd.get(), signal, nullptr, 0) == 0;
  }
  return ::kill(process.pid, signal) == 0;
}

}  // namespace greenlight::fleet
