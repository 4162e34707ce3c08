// The notifications' tables: the outbox (one row per event and webhook, with its body, status
// and attempts) and, per deployment, what has been notified of it and which version of it was
// last looked at. An observation's rows and its new state are written in one transaction, so a
// server killed at any point neither loses an event nor finds it twice; a row is Delivered only
// after a 2xx answer (a kill between the answer and that write sends it once more: receivers
// deduplicate by X-Greenlight-Delivery).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog/notification_spec.h"
#include "common/clock.h"
#include "common/result.h"
#include "notify/notification_events.h"
#include "store/sqlite_database.h"

namespace greenlight::notify {

// Brings the "notify" component of the store schema up to date. REQUIRES: the engine's schema
// is (its first migration remembers the deployments made before notifications existed, which
// owe none).
Status migrateNotifySchema(store::SqliteDatabase& database, const Clock& clock);

enum class DeliveryStatus { Pending, Delivered, Failed };
const char* toString(DeliveryStatus status);  // "Pending", "Delivered", "Failed"

struct Notification {
  std::int64_t id = 0;     // outbox order
  std::string deliveryId;  // "<deploymentId>.<sequence>.<target>": the same for every attempt
  std::string deploymentId;
  std::int64_t sequence = 0;
  std::string event;
  std::string lane;    // "<groupId>/<target>": a lane's notifications go out one at a time, in order
  std::string target;  // the webhook's name
  std::string url;
  catalog::NotificationFormat format = catalog::NotificationFormat::Json;
  std::string secretEnv;
  std::chrono::milliseconds timeout{10000};
  int maxAttempts = 10;
  std::string body;
  DeliveryStatus status = DeliveryStatus::Pending;
  int attempts = 0;
  std::optional<long> lastHttpStatus;
  std::string lastError;
  WallTime createdAt{};
  std::optional<WallTime> lastAttemptAt;
  WallTime nextAttemptAt{};
  std::optional<WallTime> finishedAt;  // delivered, or given up
};
// The API's shape (docs/openapi.yaml Notification): everything but the body and the lane.
nlohmann::json toJson(const Notification& notification);

struct StoredState {
  std::uint64_t observedVersion = 0;  // the deployment's version last looked at
  NotifiedState notified;
};

Result<std::optional<StoredState>> loadState(store::SqliteDatabase& db,
                                             const std::string& deploymentId);
// Inserts `outbox` (ids and status ignored) and writes the deployment's state. REQUIRES: inside
// the caller's transaction, with the state read in it.
Status recordObservation(store::SqliteDatabase& db, const std::string& deploymentId,
                         const StoredState& state, const std::vector<Notification>& outbox,
                         WallTime now);

// Deployments changed since they were last looked at (made after notifications existed), oldest
// first: what a restarted server looks at again before anything else.
Result<std::vector<std::string>> deploymentsToObserve(store::SqliteDatabase& db);

// Every notification of the deployment, by sequence then webhook.
Result<std::vector<Notification>> notificationsOf(store::SqliteDatabase& db,
                                                  const std::string& deploymentId);

// The first Pending notification of each lane (the only one of the lane that may be sent now),
// soonest due first.
Result<std::vector<Notification>> laneHeads(store::SqliteDatabase& db);

// The outcome of one attempt.
struct Attempt {
  WallTime at{};
  std::optional<long> httpStatus;  // none: no answer came
  std::string error;               // "" when delivered
  bool delivered = false;
};
// Records `attempt` on the notification: Delivered, Pending with its next attempt after the
// backoff, or Failed once maxAttempts have been made. Returns the new status.
Result<DeliveryStatus> recordAttempt(store::SqliteDatabase& db, const Notification& notification,
                                     const Attempt& attempt);

}  // namespace greenlight::notify
