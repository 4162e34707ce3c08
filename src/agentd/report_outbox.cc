// The report sender thread.
#include "agentd/report_outbox.h"

namespace greenlight::agentd {

ReportOutbox::ReportOutbox(const AgentOptions& options, CredentialKeeper& credentials, ServerHealth& health,
                           AgentLog& log, const std::atomic<bool>& stop)
    : log_(log), stop_(stop), client_(options, credentials, health, giveUp_) {
  thread_ = std::thread([this] { sendLoop(); });
}

ReportOutbox::~ReportOutbox() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    closing_ = true;
  }
  giveUp_ = true;
  changed_.notify_all();
  thread_.join();
}

void ReportOutbox::queueEvent(const std::string& commandId, nlohmann::json report) {
  std::string what = report.value("event", "") + " " + report.value("status", "") + " of " + commandId;
  queue({commandPath(commandId, "events"), std::move(report), std::move(what)});
}

void ReportOutbox::queueResult(const std::string& commandId, nlohmann::json report) {
  queue({commandPath(commandId, "result"), std::move(report), "result of " + commandId});
}

void ReportOutbox::queue(Pending pending) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(pending));
  }
  changed_.notify_all();
}

bool ReportOutbox::drain() {
  std::unique_lock<std::mutex> lock(mu_);
  // Once the agent is asked to stop, each report still queued gets one attempt, no retries: its
  // record is on disk and is reported again when the server resends the command after a restart.
  while (!queue_.empty() || sending_) {
    if (stop_.load()) giveUp_ = true;
    changed_.wait_for(lock, std::chrono::milliseconds(50));
  }
  bool acknowledged = allAcknowledged_;
  allAcknowledged_ = true;
  return acknowledged;
}

void ReportOutbox::sendLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    changed_.wait(lock, [&] { return closing_ || !queue_.empty(); });
    if (queue_.empty() || (closing_ && giveUp_.load())) return;
    Pending pending = std::move(queue_.front());
    queue_.pop_front();
    sending_ = true;
    lock.unlock();
    auto answer = client_.call("POST", pending.path, pending.body);
    bool acknowledged = answer.ok() && answer->ok();
    if (!answer.ok()) {
      if (answer.error().code != "Stopped") log_.line("could not report the " + pending.what + ": " + answer.error().message);
    } else if (!answer->ok()) {
      // 404: the server no longer knows the command (e.g. its deployment was deleted); a 4xx
      // will not change by retrying.
      log_.line("the server did not take the " + pending.what + " (HTTP " + std::to_string(answer->status) +
                "): " + answer->toError().message);
    }
    lock.lock();
    sending_ = false;
    if (!acknowledged) allAcknowledged_ = false;
    changed_.notify_all();
  }
}

}  // namespace greenlight::agentd
