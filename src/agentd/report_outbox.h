// Sends the agent's reports (event reports, then the result) in the order they were queued, on its
// own thread, so a hook never waits on the network; each report is retried while the server is
// away and dropped only when the server says it is of no use (4xx) or the agent is stopping.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "agentd/server_client.h"

namespace greenlight::agentd {

// Thread-safe: queue from any thread (the lifecycle observer), drain from the agent's main thread.
class ReportOutbox {
 public:
  ReportOutbox(const AgentOptions& options, CredentialKeeper& credentials, ServerHealth& health, AgentLog& log,
               const std::atomic<bool>& stop);
  ~ReportOutbox();  // finishes the report in flight, then joins
  ReportOutbox(const ReportOutbox&) = delete;
  ReportOutbox& operator=(const ReportOutbox&) = delete;

  void queueEvent(const std::string& commandId, nlohmann::json report);
  void queueResult(const std::string& commandId, nlohmann::json report);
  // Waits until every report queued so far was delivered or dropped. True when all were
  // acknowledged by the server; false when one was refused or the agent is stopping.
  bool drain();

 private:
  struct Pending {
    std::string path;
    nlohmann::json body;
    std::string what;  // for the log: "result of <command>"
  };
  void queue(Pending pending);
  void sendLoop();

  AgentLog& log_;
  const std::atomic<bool>& stop_;
  // Set from stop_ by drain(), and by the destructor: the sender gives up retrying.
  std::atomic<bool> giveUp_{false};
  ServerClient client_;  // used by the sending thread only
  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<Pending> queue_;   // GUARDED_BY(mu_)
  bool sending_ = false;        // GUARDED_BY(mu_): a report is out of the queue, in flight
  bool allAcknowledged_ = true;  // GUARDED_BY(mu_): since the last drain()
  bool closing_ = false;        // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace greenlight::agentd
