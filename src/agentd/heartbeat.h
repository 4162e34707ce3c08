// Tells the server the agent is alive while a command runs (the long-poll is the heartbeat the
// rest of the time): POST /v1/agent/heartbeat {"busyWith": commandId} every interval, on its own
// thread, so a long hook does not make the instance look lost.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "agentd/server_client.h"

namespace greenlight::agentd {

// Lives for the duration of one command.
class Heartbeat {
 public:
  Heartbeat(const AgentOptions& options, CredentialKeeper& credentials, ServerHealth& health, std::string commandId);
  ~Heartbeat();  // stops and joins
  Heartbeat(const Heartbeat&) = delete;
  Heartbeat& operator=(const Heartbeat&) = delete;

 private:
  void beatLoop();

  std::chrono::milliseconds interval_;
  std::string commandId_;
  std::atomic<bool> stopping_{false};
  ServerClient client_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::thread thread_;
};

}  // namespace greenlight::agentd
