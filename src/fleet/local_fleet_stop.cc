// Stopping a local instance: the agent gets SIGTERM (with its process group) and the grace to
// finish, then SIGKILL; after that every process still carrying the instance's id is killed,
// which catches daemons that left the agent's session. Waiting polls /proc with deadlines.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "fleet/instance_processes.h"
#include "fleet/local_fleet.h"
#include "os/process_table.h"

namespace greenlight::fleet {
namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kPollInterval{10};
// After SIGKILL, how long to keep looking for stragglers (a daemon forking again, a process
// stuck in the kernel).
constexpr std::chrono::seconds kKillPhaseLimit{5};

// The agent's process group can be signalled as a whole only while the agent itself lives and
// leads it: then the group id cannot belong to anyone else.
void signalAgent(const KnownProcess& agent, int signal) {
  if (!stillRunning(agent)) return;
  auto entry = os::readProcessEntry(agent.pid);
  if (entry && entry->processGroup == agent.pid && entry->startTime == agent.startTime) {
    ::kill(-agent.pid, signal);
  }
  signalKnownProcess(agent, signal);
}

// Signals the agent and everything carrying the id; returns what was still alive.
std::vector<KnownProcess> signalAll(const KnownProcess& agent, const std::string& instanceId,
                                    int signal) {
  std::vector<KnownProcess> alive;
  if (stillRunning(agent)) alive.push_back(agent);
  signalAgent(agent, signal);
  for (const auto& process : processesCarryingInstance(instanceId)) {
    if (signalKnownProcess(process, signal) && process.pid != agent.pid) alive.push_back(process);
  }
  return alive;
}

std::string pidList(const std::vector<KnownProcess>& processes) {
  std::string text;
  for (const auto& process : processes) {
    if (!text.empty()) text += ", ";
    text += std::to_string(process.pid);
  }
  return text;
}

}  // namespace

bool LocalFleet::isRunning(pid_t pid, std::uint64_t startTime) const {
  return stillRunning({pid, startTime});
}

std::vector<pid_t> LocalFleet::processesOf(const std::string& instanceId) const {
  std::vector<pid_t> pids;
  for (const auto& process : processesCarryingInstance(instanceId)) pids.push_back(process.pid);
  return pids;
}

Status LocalFleet::terminate(const std::string& instanceId, pid_t pid, std::uint64_t startTime) {
  const KnownProcess agent{pid, startTime};
  std::vector<KnownProcess> alive = signalAll(agent, instanceId, SIGTERM);
  const auto graceEnd = SteadyClock::now() + options_.stopGrace;
  while (!alive.empty() && SteadyClock::now() < graceEnd) {
    std::this_thread::sleep_for(kPollInterval);
    alive.erase(std::remove_if(alive.begin(), alive.end(),
                               [](const KnownProcess& process) { return !stillRunning(process); }),
                alive.end());
  }
  // Rescanning each round also catches a process that forked between two scans.
  const auto killEnd = SteadyClock::now() + kKillPhaseLimit;
  for (;;) {
    alive = signalAll(agent, instanceId, SIGKILL);
    if (alive.empty()) return Status::success();
    if (SteadyClock::now() >= killEnd) break;
    std::this_thread::sleep_for(kPollInterval);
  }
  alive.erase(std::remove_if(alive.begin(), alive.end(),
                             [](const KnownProcess& process) { return !stillRunning(process); }),
              alive.end());
  if (alive.empty()) return Status::success();
  return Error{kInstanceProcessesSurvived,
               "processes of local instance " + instanceId + " survived SIGKILL for " +
                   std::to_string(kKillPhaseLimit.count()) + "s: pid " + pidList(alive) +
                   "; they may be stuck in the kernel (see `ps -o pid,stat,wchan,cmd -p " +
                   pidList(alive) + "`) — kill them by hand, then stop the instance again"};
}

}  // namespace greenlight::fleet
