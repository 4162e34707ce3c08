// Tells a group's webhooks about its deployments, never holding the engine up. The engine's
// deploymentChanged hook only queues the deployment's id; the notifier's own thread then reads the
// deployment, derives the events it owes (notification_events.h) and writes them to the outbox
// with the deployment's new notified state, in one transaction. Delivery threads send each lane
// (one group's webhook) in order, one notification at a time, with the backoff of
// retry_schedule.h; a receiver that is down or hangs holds only its own lane and one delivery
// thread, never the engine nor another webhook (with more than one delivery thread).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "engine/engine.h"
#include "notify/notification_store.h"
#include "notify/webhook_sender.h"
#include "store/sqlite_serialized.h"

namespace greenlight::notify {

// Reads a deployment with its targets (the engine's getDeployment).
using DeploymentSource = std::function<Result<engine::DeploymentView>(const std::string& id)>;

struct NotifierOptions {
  int deliveryThreads = 4;  // lanes sent to at once
  // The server's environment, for secretEnv (default: getenv).
  std::function<std::optional<std::string>(const std::string& name)> environment;
  // A line for the server's log: a deployment that could not be looked at, a notification
  // given up (default: none).
  std::function<void(const std::string& line)> log;
};

// Thread-safe. The store's schema must include the notify component (migrateNotifySchema).
class Notifier {
 public:
  Notifier(store::SerializedSqliteDatabase& database, const Clock& clock,
           DeploymentSource deployments, WebhookSender& sender, NotifierOptions options = {});
  ~Notifier();  // stop()s
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  // Starts the threads; the first thing looked at is every deployment changed since it was last
  // looked at (what a killed server had not yet notified).
  void start();
  // Ends the sends under way (they stay Pending, sent again at the next start) and joins.
  void stop();
  // The engine's hook: queues the id and returns (a mutex held for an insert; never the store).
  void deploymentChanged(const std::string& deploymentId);

  // The threads' steps, callable on the caller's thread (tests).
  // Derives what the deployment owes and writes it to the outbox.
  Status observe(const std::string& deploymentId);
  // observe()s every deployment changed since it was last looked at.
  Status catchUp();
  // One attempt at every lane's first notification that is due now; how many were attempted.
  Result<int> deliverDue();

 private:
  void observeLoop();
  void scheduleLoop();
  void deliveryLoop();
  void attempt(const Notification& notification);
  void log(const std::string& line) const;

  store::SerializedSqliteDatabase& database_;
  const Clock& clock_;
  DeploymentSource deployments_;
  WebhookSender& sender_;
  NotifierOptions options_;

  std::mutex mutex_;
  std::condition_variable observeWake_;   // an id was queued, or stopping
  std::condition_variable scheduleWake_;  // rows were written, a lane is free, or stopping
  std::condition_variable deliveryWake_;  // a job was queued, or stopping
  std::deque<std::string> toObserve_;     // GUARDED_BY(mutex_)
  std::set<std::string> queued_;          // GUARDED_BY(mutex_): the ids in toObserve_
  bool outboxChanged_ = false;            // GUARDED_BY(mutex_)
  std::set<std::string> busyLanes_;       // GUARDED_BY(mutex_): being sent to now
  std::deque<Notification> jobs_;         // GUARDED_BY(mutex_)
  int idleWorkers_ = 0;                   // GUARDED_BY(mutex_)
  std::uint64_t deliveriesFinished_ = 0;  // GUARDED_BY(mutex_): attempts ended, lanes freed
  bool stopping_ = false;                 // GUARDED_BY(mutex_)
  bool started_ = false;                  // GUARDED_BY(mutex_)
  std::thread observer_;
  std::thread scheduler_;
  std::vector<std::thread> workers_;
};

}  // namespace greenlight::notify
