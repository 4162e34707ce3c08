// Parsing /proc/PID/stat. The command name (field 2) may hold spaces and parentheses, so every
// other field is read after the last ')'.
#include "os/process_table.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <string>
#include <string_view>

#include "os/process_runner.h"
#include "os/unique_fd.h"

namespace greenlight::os {
namespace {

std::optional<std::string> readStatFile(pid_t pid) {
  std::string path = "/proc/" + std::to_string(pid) + "/stat";
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return std::nullopt;
  std::string content;
  std::array<char, 1024> buffer{};
  for (;;) {
    ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::nullopt;  // ESRCH: the process went away between open and read
    if (n == 0) break;
    content.append(buffer.data(), static_cast<size_t>(n));
  }
  return content;
}

// Splits the fields that follow "pid (comm) "; index 0 is field 3 (state).
std::vector<std::string_view> fieldsAfterCommand(std::string_view stat) {
  std::vector<std::string_view> fields;
  auto close = stat.rfind(')');
  if (close == std::string_view::npos) return fields;
  std::string_view rest = stat.substr(close + 1);
  size_t position = 0;
  while (position < rest.size()) {
    while (position < rest.size() && (rest[position] == ' ' || rest[position] == '\n')) ++position;
    size_t end = position;
    while (end < rest.size() && rest[end] != ' ' && rest[end] != '\n') ++end;
    if (end > position) fields.push_back(rest.substr(position, end - position));
    position = end;
  }
  return fields;
}

long long toNumber(std::string_view text) {
  return std::strtoll(std::string(text).c_str(), nullptr, 10);
}

bool isAllDigits(const char* name) {
  if (*name == '\0') return false;
  for (const char* c = name; *c != '\0'; ++c) {
    if (*c < '0' || *c > '9') return false;
  }
  return true;
}

}  // namespace

std::optional<ProcessEntry> readProcessEntry(pid_t pid) {
  if (pid <= 0) return std::nullopt;
  auto stat = readStatFile(pid);
  if (!stat) return std::nullopt;
  auto fields = fieldsAfterCommand(*stat);
  // Field numbers from proc(5): 3 state, 4 ppid, 5 pgrp, 22 starttime.
  constexpr size_t kFirstField = 3;
  constexpr size_t kStartTimeField = 22;
  if (fields.size() <= kStartTimeField - kFirstField) return std::nullopt;
  ProcessEntry entry;
  entry.pid = pid;
  entry.state = fields[0].empty() ? '?' : fields[0][0];
  entry.parent = static_cast<pid_t>(toNumber(fields[4 - kFirstField]));
  entry.processGroup = static_cast<pid_t>(toNumber(fields[5 - kFirstField]));
  entry.startTime =
      std::strtoull(std::string(fields[kStartTimeField - kFirstField]).c_str(), nullptr, 10);
  return entry;
}

std::vector<ProcessEntry> listProcesses() {
  std::vector<ProcessEntry> processes;
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) return processes;
  while (dirent* item = ::readdir(proc)) {
    if (!isAllDigits(item->d_name)) continue;
    if (auto entry = readProcessEntry(static_cast<pid_t>(std::atoi(item->d_name)))) {
      processes.push_back(*entry);
    }
  }
  ::closedir(proc);
  return processes;
}

std::vector<pid_t> liveProcessGroupMembers(pid_t processGroup) {
  std::vector<pid_t> members;
  for (const auto& entry : listProcesses()) {
    if (entry.processGroup == processGroup && !entry.zombie()) members.push_back(entry.pid);
  }
  std::sort(members.begin(), members.end());
  return members;
}

std::optional<unsigned long long> processStartTime(pid_t pid) {
  auto entry = readProcessEntry(pid);
  if (!entry) return std::nullopt;
  return entry->startTime;
}

}  // namespace greenlight::os
