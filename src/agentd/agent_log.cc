// Timestamped stderr lines for the agent.
#include "agentd/agent_log.h"

#include <cstdio>

#include "common/clock.h"

namespace greenlight::agentd {

void AgentLog::line(const std::string& text) {
  std::string whole = formatTimestamp(std::chrono::system_clock::now()) + " greenlight agent: " + text + "\n";
  std::lock_guard<std::mutex> lock(mu_);
  std::fwrite(whole.data(), 1, whole.size(), stderr);
  std::fflush(stderr);
}

}  // namespace greenlight::agentd
