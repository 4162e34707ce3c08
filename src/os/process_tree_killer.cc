// Kills a hook's whole process tree: the members of its process group plus every descendant
// reachable through parent links (which also finds children that moved to their own session with
// setsid, as long as their parent lives). The tree is frozen with SIGSTOP while it is collected so
// that nothing forks out of reach, then gets SIGTERM, then SIGKILL after the grace period.
//
// Limit: a process that double-forked into its own session and whose parent already exited has
// no link left to the hook in /proc; only a cgroup would find it.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "os/process_runner.h"
#include "os/process_table.h"

namespace greenlight::os {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kPollInterval{10};
// After SIGKILL, how long to keep looking for stragglers (e.g. processes stuck in the kernel).
constexpr std::chrono::seconds kKillPhaseLimit{5};
constexpr int kFreezeRounds = 20;

// The processes of the tree, each with its start time so that a reused pid is never signalled.
class ProcessTree {
 public:
  explicit ProcessTree(pid_t processGroup) : processGroup_(processGroup) {}

  // Adds the members found in a fresh /proc scan; returns the ones not known before.
  std::vector<pid_t> collect() {
    auto table = listProcesses();
    std::set<pid_t> tree;
    for (const auto& entry : table) {
      if (entry.zombie()) continue;
      auto known = members_.find(entry.pid);
      bool stillKnown = known != members_.end() && known->second == entry.startTime;
      if (entry.processGroup == processGroup_ || stillKnown) tree.insert(entry.pid);
    }
    // Descendants through parent links, until nothing new is reached.
    for (bool grew = true; grew;) {
      grew = false;
      for (const auto& entry : table) {
        if (!entry.zombie() && tree.count(entry.parent) != 0 && tree.insert(entry.pid).second) {
          grew = true;
        }
      }
    }
    tree.erase(::getpid());  // never ourselves, whatever group the caller named
    tree.erase(1);
    std::vector<pid_t> added;
    for (const auto& entry : table) {
      if (tree.count(entry.pid) == 0) continue;
      auto [it, inserted] = members_.emplace(entry.pid, entry.startTime);
      if (inserted || it->second != entry.startTime) {
        it->second = entry.startTime;
        added.push_back(entry.pid);
      }
    }
    return added;
  }

  bool alive(pid_t pid) const {
    auto entry = readProcessEntry(pid);
    auto known = members_.find(pid);
    return entry && known != members_.end() && entry->startTime == known->second &&
           !entry->zombie();
  }

  // Sends `signal` to every member still alive; returns how many were alive.
  int signalLive(int signal) const {
    int live = 0;
    for (const auto& [pid, startTime] : members_) {
      if (!alive(pid)) continue;
      ++live;
      ::kill(pid, signal);
    }
    return live;
  }

  bool anyAlive() const {
    for (const auto& member : members_) {
      if (alive(member.first)) return true;
    }
    return false;
  }

 private:
  pid_t processGroup_;
  std::map<pid_t, unsigned long long> members_;
};

}  // namespace

void killProcessTree(pid_t processGroup, std::chrono::milliseconds grace) {
  if (processGroup <= 1) return;
  ProcessTree tree(processGroup);

  // Freeze first: a stopped process cannot fork a child we have not seen yet.
  for (int round = 0; round < kFreezeRounds; ++round) {
    auto added = tree.collect();
    if (added.empty()) break;
    for (pid_t pid : added) ::kill(pid, SIGSTOP);
  }
  // SIGTERM before SIGCONT so the signal is pending when each process wakes up.
  tree.signalLive(SIGTERM);
  tree.signalLive(SIGCONT);

  auto graceEnd = Clock::now() + grace;
  while (tree.anyAlive() && Clock::now() < graceEnd) std::this_thread::sleep_for(kPollInterval);

  auto killEnd = Clock::now() + kKillPhaseLimit;
  for (;;) {
    tree.collect();  // anything forked while handling SIGTERM
    if (tree.signalLive(SIGKILL) == 0 || Clock::now() >= killEnd) break;
    std::this_thread::sleep_for(kPollInterval);
  }
}

}  // namespace greenlight::os
