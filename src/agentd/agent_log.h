// The agent's operator log: one timestamped line per noteworthy fact, on stderr (the local fleet
// sends it to the instance's agent.log). Thread-safe, so every agent thread can write to it.
#pragma once

#include <mutex>
#include <string>

namespace greenlight::agentd {

class AgentLog {
 public:
  AgentLog() = default;
  AgentLog(const AgentLog&) = delete;
  AgentLog& operator=(const AgentLog&) = delete;

  // Writes "<RFC 3339 time> greenlight agent: <line>" and flushes.
  void line(const std::string& text);

 private:
  std::mutex mu_;  // keeps lines from different threads whole
};

}  // namespace greenlight::agentd
