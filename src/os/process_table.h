// A read of the kernel's process table (/proc): who is alive, their parents and process groups.
// Used to find every member of a hook's process tree, to kill it or to name what kept it open.
#pragma once

#include <sys/types.h>

#include <optional>
#include <vector>

namespace greenlight::os {

struct ProcessEntry {
  pid_t pid = 0;
  pid_t parent = 0;
  pid_t processGroup = 0;
  char state = '?';                  // 'R', 'S', 'Z' (zombie), ...
  unsigned long long startTime = 0;  // clock ticks since boot; tells a pid apart from its reuse
  bool zombie() const { return state == 'Z' || state == 'X'; }
};

// The entry of one process, nullopt when it does not exist (or vanished while being read).
std::optional<ProcessEntry> readProcessEntry(pid_t pid);

// Every process visible in /proc at the time of the call (a snapshot; processes come and go).
std::vector<ProcessEntry> listProcesses();

// Live (non-zombie) members of a process group, in pid order.
std::vector<pid_t> liveProcessGroupMembers(pid_t processGroup);

}  // namespace greenlight::os
