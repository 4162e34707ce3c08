// How the agent waits for a server that is away: exponential backoff with jitter, sleeps that end
// early on a stop request, and one log line per change of the server's reachability (not one per
// attempt, so a long outage does not flood the log).
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <random>
#include <string>

#include "agentd/agent_log.h"

namespace greenlight::agentd {

// Not thread-safe; one per retry loop.
class Backoff {
 public:
  Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds maximum);
  // The next delay: a random point in [d/2, d] where d doubles per call from `initial` up to
  // `maximum` (jitter keeps a fleet of agents from returning in lockstep).
  std::chrono::milliseconds next();
  void reset() { current_ = initial_; }

 private:
  std::chrono::milliseconds initial_;
  std::chrono::milliseconds maximum_;
  std::chrono::milliseconds current_;
  std::minstd_rand random_;
};

// Sleeps `duration` in short slices; returns false (early) when `stop` becomes true.
bool sleepUnlessStopped(std::chrono::milliseconds duration, const std::atomic<bool>& stop);

// Whether the server answered lately, shared by the agent's threads. Thread-safe.
class ServerHealth {
 public:
  ServerHealth(AgentLog& log, std::string serverAddress) : log_(log), address_(std::move(serverAddress)) {}

  void markReachable();
  // `why` is the failure an operator should see (the first of an outage is logged).
  void markUnreachable(const std::string& why);
  bool reachable() const;

 private:
  enum class State { Unknown, Reachable, Unreachable };
  AgentLog& log_;
  std::string address_;
  mutable std::mutex mu_;
  State state_ = State::Unknown;                   // GUARDED_BY(mu_)
  std::chrono::steady_clock::time_point downSince_;  // GUARDED_BY(mu_)
};

}  // namespace greenlight::agentd
