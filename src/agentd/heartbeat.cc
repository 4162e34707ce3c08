// The heartbeat thread.
#include "agentd/heartbeat.h"

#include <algorithm>

namespace greenlight::agentd {

Heartbeat::Heartbeat(const AgentOptions& options, CredentialKeeper& credentials, ServerHealth& health,
                     std::string commandId)
    : interval_(std::max<std::chrono::milliseconds>(options.heartbeatInterval, std::chrono::milliseconds(100))),
      commandId_(std::move(commandId)),
      client_(options, credentials, health, stopping_) {
  thread_ = std::thread([this] { beatLoop(); });
}

Heartbeat::~Heartbeat() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void Heartbeat::beatLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!wake_.wait_for(lock, interval_, [&] { return stopping_.load(); })) {
    lock.unlock();
    // A missed beat is not retried: the next one says the same, and the log already notes an
    // unreachable server once.
    (void)client_.callOnce("POST", "/v1/agent/heartbeat", nlohmann::json{{"busyWith", commandId_}});
    lock.lock();
  }
}

}  // namespace greenlight::agentd
