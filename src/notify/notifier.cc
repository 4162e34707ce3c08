// The notifier's threads: one looks at changed deployments and fills the outbox, one hands due
// lanes to the delivery threads, which send and record each attempt. The store's connection is
// only ever held for a read or a short write, never during a send.
#include "notify/notifier.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>

#include "catalog/catalog.h"
#include "catalog/notification_spec.h"
#include "common/error_codes.h"
#include "domain/deployment_status.h"
#include "notify/notification_payload.h"
#include "notify/webhook_signature.h"
#include "store/sqlite_transaction.h"

namespace greenlight::notify {
namespace {

std::optional<std::string> processEnvironment(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

// The outbox rows of one event: one per webhook that wants it.
void addRows(const engine::DeploymentView& view, const DerivedEvent& event,
             const std::vector<catalog::NotificationTargetSpec>& targets,
             std::vector<Notification>& outbox) {
  for (const auto& target : targets) {
    if (!target.wants(event.event)) continue;
    Notification n;
    n.deliveryId = view.id + "." + std::to_string(event.sequence) + "." + target.name;
    n.deploymentId = view.id;
    n.sequence = event.sequence;
    n.event = event.event;
    n.lane = view.groupId + "/" + target.name;
    n.target = target.name;
    n.url = target.url;
    n.format = target.format;
    n.secretEnv = target.secretEnv;
    n.timeout = std::chrono::seconds(target.timeoutSeconds);
    n.maxAttempts = target.maxAttempts;
    n.body = bodyFor(target.format, payloadFor(view, event, n.deliveryId));
    outbox.push_back(std::move(n));
  }
}

std::string answerError(const WebhookAnswer& answer) {
  std::string error = "HTTP " + std::to_string(answer.status);
  std::string body = answer.body.substr(0, 200);
  body.erase(std::remove_if(body.begin(), body.end(), [](char c) { return c == '\n' || c == '\r'; }),
             body.end());
  if (!body.empty()) error += ": " + body;
  return error;
}

}  // namespace

Notifier::Notifier(store::SerializedSqliteDatabase& database, const Clock& clock,
                   DeploymentSource deployments, WebhookSender& sender, NotifierOptions options)
    : database_(database),
      clock_(clock),
      deployments_(std::move(deployments)),
      sender_(sender),
      options_(std::move(options)) {
  if (!options_.environment) options_.environment = processEnvironment;
  options_.deliveryThreads = std::max(1, options_.deliveryThreads);
}

Notifier::~Notifier() { stop(); }

void Notifier::start() {
  std::lock_guard lock(mutex_);
  if (started_ || stopping_) return;
  started_ = true;
  observer_ = std::thread([this] { observeLoop(); });
  scheduler_ = std::thread([this] { scheduleLoop(); });
  for (int i = 0; i < options_.deliveryThreads; ++i) {
    workers_.emplace_back([this] { deliveryLoop(); });
  }
}

void Notifier::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  sender_.cancel();
  observeWake_.notify_all();
  scheduleWake_.notify_all();
  deliveryWake_.notify_all();
  if (observer_.joinable()) observer_.join();
  if (scheduler_.joinable()) scheduler_.join();
  for (auto& worker : workers_) {
    if (worker.joinable()) worker.join();
  }
}

void Notifier::deploymentChanged(const std::string& deploymentId) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || !queued_.insert(deploymentId).second) return;
    toObserve_.push_back(deploymentId);
  }
  observeWake_.notify_one();
}

Status Notifier::observe(const std::string& deploymentId) {
  Result<engine::DeploymentView> view = deployments_(deploymentId);
  if (!view.ok()) {
    if (view.error().code == codes::kNotFound) return Status::success();
    return view.error();
  }
  const WallTime now = clock_.now();
  bool wrote = false;
  std::string problem;
  Status observed = database_.withConnection([&](store::SqliteDatabase& db) -> Status {
    Result<store::Transaction> transaction = store::Transaction::begin(db);
    if (!transaction.ok()) return transaction.error();
    Result<std::optional<StoredState>> stored = loadState(db, deploymentId);
    if (!stored.ok()) return stored.error();
    StoredState state = stored->value_or(StoredState{});
    // Already looked at this version or a later one: nothing can be new.
    if (*stored && state.observedVersion >= view->version) return Status::success();
    Derivation derivation = deriveEvents(state.notified, *view, now);
    // Most changes (a hook's progress, the balancer's counts) owe nothing: no write, no fsync.
    // A restart looks at such a deployment again; a final one is settled here once and for all.
    if (derivation.events.empty() && *stored && !domain::isFinal(view->status)) {
      return Status::success();
    }
    std::vector<catalog::NotificationTargetSpec> targets;
    if (!derivation.events.empty()) {
      catalog::Catalog catalog(db, clock_);
      Result<catalog::DeploymentGroup> group = catalog.getGroupById(view->groupId);
      if (group.ok()) {
        Result<std::vector<catalog::NotificationTargetSpec>> wanted = catalog::notificationsOf(*group);
        if (wanted.ok()) {
          targets = std::move(wanted).value();
        } else {
          problem = wanted.error().message;
        }
      } else if (group.error().code != codes::kNotFound) {
        return group.error();
      }
    }
    std::vector<Notification> outbox;
    for (const DerivedEvent& event : derivation.events) addRows(*view, event, targets, outbox);
    state.observedVersion = view->version;
    state.notified = std::move(derivation.state);
    if (Status recorded = recordObservation(db, deploymentId, state, outbox, now); !recorded.ok()) {
      return recorded;
    }
    if (Status committed = transaction->commit(); !committed.ok()) return committed;
    wrote = !outbox.empty();
    return Status::success();
  });
  if (!problem.empty()) {
    log("notifications of deployment " + deploymentId + " not sent: " + problem);
  }
  if (wrote) {
    {
      std::lock_guard lock(mutex_);
      outboxChanged_ = true;
    }
    scheduleWake_.notify_one();
  }
  return observed;
}

Status Notifier::catchUp() {
  Result<std::vector<std::string>> ids = database_.withConnection(
      [](store::SqliteDatabase& db) { return deploymentsToObserve(db); });
  if (!ids.ok()) return ids.error();
  Status first;
  for (const std::string& id : *ids) {
    if (Status observed = observe(id); !observed.ok() && first.ok()) first = observed;
  }
  return first;
}

Result<int> Notifier::deliverDue() {
  Result<std::vector<Notification>> heads = database_.withConnection(
      [](store::SqliteDatabase& db) { return laneHeads(db); });
  if (!heads.ok()) return heads.error();
  const WallTime now = clock_.now();
  int attempted = 0;
  for (const Notification& head : *heads) {
    if (head.nextAttemptAt > now) continue;
    attempt(head);
    ++attempted;
  }
  return attempted;
}

void Notifier::attempt(const Notification& notification) {
  WebhookRequest request;
  request.url = notification.url;
  request.body = notification.body;
  request.timeout = notification.timeout;
  request.headers = {{kEventHeader, notification.event}, {kDeliveryHeader, notification.deliveryId}};
  Attempt outcome;
  bool sendable = true;
  if (!notification.secretEnv.empty()) {
    std::optional<std::string> secret = options_.environment(notification.secretEnv);
    if (!secret || secret->empty()) {
      sendable = false;
      outcome.error = "secretEnv " + notification.secretEnv +
                      " is not set in the server's environment, so the notification cannot be "
                      "signed; set it and restart the server (it is not sent unsigned)";
    } else {
      request.headers.emplace_back(kSignatureHeader, signatureFor(*secret, notification.body));
    }
  }
  if (sendable) {
    Result<WebhookAnswer> answer = sender_.send(request);
    if (!answer.ok() && answer.error().code == kCancelled) return;  // stays Pending: next start
    if (answer.ok()) {
      outcome.httpStatus = answer->status;
      outcome.delivered = answer->status >= 200 && answer->status < 300;
      if (!outcome.delivered) outcome.error = answerError(*answer);
    } else {
      outcome.error = answer.error().message;
    }
  }
  outcome.at = clock_.now();
  Result<DeliveryStatus> recorded = database_.withConnection(
      [&](store::SqliteDatabase& db) { return recordAttempt(db, notification, outcome); });
  if (!recorded.ok()) {
    log("notification " + notification.deliveryId + ": the attempt could not be recorded (" +
        recorded.error().message + "); it is made again");
  } else if (*recorded == DeliveryStatus::Failed) {
    log("notification " + notification.deliveryId + " (" + notification.event + ") to " +
        notification.target + " given up after " + std::to_string(notification.attempts + 1) +
        " attempts: " + outcome.error);
  }
}

void Notifier::observeLoop() {
  if (Status caught = catchUp(); !caught.ok()) {
    log("notifications: looking at deployments changed before the start failed: " +
        caught.error().message);
  }
  std::unique_lock lock(mutex_);
  while (true) {
    observeWake_.wait(lock, [this] { return stopping_ || !toObserve_.empty(); });
    if (stopping_) return;
    std::string id = std::move(toObserve_.front());
    toObserve_.pop_front();
    queued_.erase(id);
    lock.unlock();
    Status observed = observe(id);
    lock.lock();
    if (!observed.ok()) {
      // A store that is busy or failing: looked at again in a second, so an end is not missed.
      log("notifications of deployment " + id + ": " + observed.error().message +
          "; trying again in 1 s");
      observeWake_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; });
      if (queued_.insert(id).second) toObserve_.push_back(id);
    }
  }
}

// Hands each free lane's due head to a delivery thread, then sleeps until the next one is due,
// rows are written, a lane becomes free, or the notifier stops.
void Notifier::scheduleLoop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    outboxChanged_ = false;
    const std::uint64_t finishedBefore = deliveriesFinished_;
    lock.unlock();
    Result<std::vector<Notification>> heads = database_.withConnection(
        [](store::SqliteDatabase& db) { return laneHeads(db); });
    const WallTime now = clock_.now();
    lock.lock();
    if (stopping_) break;
    // A delivery that ended while the heads were read freed its lane, but the head read may be
    // the one it just delivered: handing it out again would send it twice. Read again.
    if (deliveriesFinished_ != finishedBefore) continue;
    std::chrono::milliseconds wait = std::chrono::seconds(60);
    if (!heads.ok()) {
      log("notifications: the outbox could not be read: " + heads.error().message);
      wait = std::chrono::seconds(1);
    } else {
      for (Notification& head : *heads) {
        if (busyLanes_.count(head.lane) != 0) continue;
        if (head.nextAttemptAt > now) {
          auto until = std::chrono::duration_cast<std::chrono::milliseconds>(head.nextAttemptAt - now);
          wait = std::min(wait, std::max(until, std::chrono::milliseconds(1)));
          continue;
        }
        if (idleWorkers_ - static_cast<int>(jobs_.size()) <= 0) continue;  // a lane frees one
        busyLanes_.insert(head.lane);
        jobs_.push_back(std::move(head));
        deliveryWake_.notify_one();
      }
    }
    scheduleWake_.wait_for(lock, wait, [this] { return stopping_ || outboxChanged_; });
  }
}

void Notifier::deliveryLoop() {
  std::unique_lock lock(mutex_);
  ++idleWorkers_;
  outboxChanged_ = true;  // the scheduler may have found no free thread before this one
  scheduleWake_.notify_one();
  while (true) {
    deliveryWake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
    if (stopping_) return;
    Notification job = std::move(jobs_.front());
    jobs_.pop_front();
    --idleWorkers_;
    lock.unlock();
    attempt(job);
    lock.lock();
    ++idleWorkers_;
    ++deliveriesFinished_;
    busyLanes_.erase(job.lane);
    outboxChanged_ = true;  // the lane's next notification may be due
    scheduleWake_.notify_one();
  }
}

void Notifier::log(const std::string& line) const {
  if (options_.log) options_.log(line);
}

}  // namespace greenlight::notify
