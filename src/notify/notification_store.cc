// SQL for the notifications' tables. Statements are constants; values are always bound. Times
// are RFC 3339 text of one width, so they compare as text.
#include "notify/notification_store.h"

#include "notify/retry_schedule.h"
#include "store/migrations.h"

namespace greenlight::notify {

using nlohmann::json;

namespace {

const std::vector<store::Migration>& notifyMigrations() {
  static const std::vector<store::Migration> migrations = {
      {1, "notifications: the outbox and what each deployment has been notified of",
       // Deployments made before notifications existed owe none: only later ones are looked at
       // again after a restart.
       "CREATE TABLE notification_meta ("
       " id INTEGER PRIMARY KEY CHECK (id = 1),"
       " after_sequence INTEGER NOT NULL);"
       "INSERT INTO notification_meta (id, after_sequence)"
       " SELECT 1, coalesce(max(sequence), 0) FROM deployments;"
       "CREATE TABLE notification_state ("
       " deployment_id TEXT PRIMARY KEY,"
       " observed_version INTEGER NOT NULL,"
       " state TEXT NOT NULL,"  // NotifiedState, JSON
       " updated_at TEXT NOT NULL);"
       "CREATE TABLE notifications ("
       " id INTEGER PRIMARY KEY AUTOINCREMENT,"
       " delivery_id TEXT NOT NULL UNIQUE,"
       " deployment_id TEXT NOT NULL,"
       " sequence INTEGER NOT NULL,"
       " event TEXT NOT NULL,"
       " lane TEXT NOT NULL,"  // <groupId>/<target>: delivered one at a time, in id order
       " target TEXT NOT NULL,"
       " url TEXT NOT NULL,"
       " format TEXT NOT NULL,"
       " secret_env TEXT NOT NULL DEFAULT '',"  // the variable's name, never the secret
       " timeout_ms INTEGER NOT NULL,"
       " max_attempts INTEGER NOT NULL,"
       " body TEXT NOT NULL,"
       " status TEXT NOT NULL CHECK (status IN ('Pending', 'Delivered', 'Failed')),"
       " attempts INTEGER NOT NULL DEFAULT 0,"
       " last_http_status INTEGER,"
       " last_error TEXT NOT NULL DEFAULT '',"
       " created_at TEXT NOT NULL,"
       " last_attempt_at TEXT,"
       " next_attempt_at TEXT NOT NULL,"
       " finished_at TEXT);"
       "CREATE INDEX notifications_by_deployment ON notifications (deployment_id, sequence);"
       "CREATE INDEX notifications_pending ON notifications (status, lane, id);"},
  };
  return migrations;
}

constexpr const char* kColumns =
    "id, delivery_id, deployment_id, sequence, event, lane, target, url, format, secret_env,"
    " timeout_ms, max_attempts, body, status, attempts, last_http_status, last_error, created_at,"
    " last_attempt_at, next_attempt_at, finished_at";

// The first Pending notification of its lane.
constexpr const char* kLaneHead =
    "n.status = 'Pending' AND n.id = (SELECT min(m.id) FROM notifications m"
    " WHERE m.status = 'Pending' AND m.lane = n.lane)";

std::optional<std::string> optionalTime(const std::optional<WallTime>& time) {
  if (!time) return std::nullopt;
  return formatTimestamp(*time);
}

json timeOrNull(const std::optional<WallTime>& time) {
  return time ? json(formatTimestamp(*time)) : json(nullptr);
}

DeliveryStatus statusFrom(const std::string& text) {
  if (text == "Delivered") return DeliveryStatus::Delivered;
  if (text == "Failed") return DeliveryStatus::Failed;
  return DeliveryStatus::Pending;
}

Result<Notification> readNotification(const store::SqliteStatement& row) {
  Notification n;
  std::optional<Error> error;
  int column = 0;
  auto next = [&]<typename T>(T& into) {
    Result<T> value = row.read<T>(column++);
    if (!value.ok()) {
      if (!error) error = value.error();
      return;
    }
    into = std::move(value).value();
  };
  auto nextTime = [&](std::optional<WallTime>& into) {
    std::optional<std::string> text;
    next(text);
    if (text) into = parseTimestamp(*text);
  };
  std::string format, status, createdAt, nextAttemptAt;
  std::int64_t timeoutMs = 0;
  std::optional<std::int64_t> lastHttpStatus;
  next(n.id);
  next(n.deliveryId);
  next(n.deploymentId);
  next(n.sequence);
  next(n.event);
  next(n.lane);
  next(n.target);
  next(n.url);
  next(format);
  next(n.secretEnv);
  next(timeoutMs);
  next(n.maxAttempts);
  next(n.body);
  next(status);
  next(n.attempts);
  next(lastHttpStatus);
  next(n.lastError);
  next(createdAt);
  nextTime(n.lastAttemptAt);
  next(nextAttemptAt);
  nextTime(n.finishedAt);
  if (error) return *error;
  n.format = format == "slack" ? catalog::NotificationFormat::Slack : catalog::NotificationFormat::Json;
  n.timeout = std::chrono::milliseconds(timeoutMs);
  n.status = statusFrom(status);
  if (lastHttpStatus) n.lastHttpStatus = static_cast<long>(*lastHttpStatus);
  n.createdAt = parseTimestamp(createdAt);
  n.nextAttemptAt = parseTimestamp(nextAttemptAt);
  return n;
}

template <typename... Values>
Result<std::vector<Notification>> selectNotifications(store::SqliteDatabase& db,
                                                      const std::string& sql,
                                                      const Values&... values) {
  Result<store::CachedStatement> select = db.prepare(sql);
  if (!select.ok()) return select.error();
  if (Status bound = (*select)->bindAll(values...); !bound.ok()) return bound.error();
  std::vector<Notification> found;
  while (true) {
    Result<bool> more = (*select)->step();
    if (!more.ok()) return more.error();
    if (!*more) break;
    Result<Notification> row = readNotification(**select);
    if (!row.ok()) return row.error();
    found.push_back(std::move(row).value());
  }
  return found;
}

}  // namespace

Status migrateNotifySchema(store::SqliteDatabase& database, const Clock& clock) {
  return store::applyMigrations(database, "notify", notifyMigrations(), clock);
}

const char* toString(DeliveryStatus status) {
  switch (status) {
    case DeliveryStatus::Pending: return "Pending";
    case DeliveryStatus::Delivered: return "Delivered";
    case DeliveryStatus::Failed: return "Failed";
  }
  return "Pending";
}

nlohmann::json toJson(const Notification& n) {
  return {{"deliveryId", n.deliveryId},
          {"deploymentId", n.deploymentId},
          {"sequence", n.sequence},
          {"event", n.event},
          {"target", n.target},
          {"url", n.url},
          {"format", catalog::toString(n.format)},
          {"signed", !n.secretEnv.empty()},
          {"status", toString(n.status)},
          {"attempts", n.attempts},
          {"maxAttempts", n.maxAttempts},
          {"lastHttpStatus", n.lastHttpStatus ? json(*n.lastHttpStatus) : json(nullptr)},
          {"lastError", n.lastError},
          {"createdAt", formatTimestamp(n.createdAt)},
          {"lastAttemptAt", timeOrNull(n.lastAttemptAt)},
          {"nextAttemptAt", n.status == DeliveryStatus::Pending
                                ? json(formatTimestamp(n.nextAttemptAt))
                                : json(nullptr)},
          {"finishedAt", timeOrNull(n.finishedAt)}};
}

Result<std::optional<StoredState>> loadState(store::SqliteDatabase& db,
                                             const std::string& deploymentId) {
  Result<store::CachedStatement> select = db.prepare(
      "SELECT observed_version, state FROM notification_state WHERE deployment_id = ?");
  if (!select.ok()) return select.error();
  if (Status bound = (*select)->bindAll(deploymentId); !bound.ok()) return bound.error();
  Result<bool> found = (*select)->step();
  if (!found.ok()) return found.error();
  if (!*found) return std::optional<StoredState>();
  Result<std::int64_t> version = (*select)->read<std::int64_t>(0);
  Result<std::string> state = (*select)->read<std::string>(1);
  (*select)->reset();
  if (!version.ok()) return version.error();
  if (!state.ok()) return state.error();
  StoredState stored;
  stored.observedVersion = static_cast<std::uint64_t>(*version);
  stored.notified = notifiedStateFromJson(json::parse(*state, nullptr, false));
  return std::optional<StoredState>(std::move(stored));
}

Status recordObservation(store::SqliteDatabase& db, const std::string& deploymentId,
                         const StoredState& state, const std::vector<Notification>& outbox,
                         WallTime now) {
  const std::string at = formatTimestamp(now);
  for (const Notification& n : outbox) {
    Status inserted = db.run(
        "INSERT INTO notifications (delivery_id, deployment_id, sequence, event, lane, target,"
        " url, format, secret_env, timeout_ms, max_attempts, body, status, created_at,"
        " next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'Pending', ?, ?)",
        n.deliveryId, n.deploymentId, n.sequence, n.event, n.lane, n.target, n.url,
        std::string(catalog::toString(n.format)), n.secretEnv,
        static_cast<std::int64_t>(n.timeout.count()), n.maxAttempts, n.body, at, at);
    if (!inserted.ok()) return inserted;
  }
  return db.run(
      "INSERT INTO notification_state (deployment_id, observed_version, state, updated_at)"
      " VALUES (?, ?, ?, ?) ON CONFLICT (deployment_id) DO UPDATE SET"
      " observed_version = excluded.observed_version, state = excluded.state,"
      " updated_at = excluded.updated_at",
      deploymentId, static_cast<std::int64_t>(state.observedVersion), toJson(state.notified).dump(),
      at);
}

Result<std::vector<std::string>> deploymentsToObserve(store::SqliteDatabase& db) {
  // Reads the engine's deployments table: its version grows with every change of a deployment
  // or its targets, which is exactly "changed since it was looked at".
  Result<store::CachedStatement> select = db.prepare(
      "SELECT d.id FROM deployments d LEFT JOIN notification_state s ON s.deployment_id = d.id"
      " WHERE d.sequence > (SELECT after_sequence FROM notification_meta WHERE id = 1)"
      " AND (s.deployment_id IS NULL OR s.observed_version < d.version) ORDER BY d.sequence");
  if (!select.ok()) return select.error();
  if (Status bound = (*select)->bindAll(); !bound.ok()) return bound.error();
  std::vector<std::string> ids;
  while (true) {
    Result<bool> more = (*select)->step();
    if (!more.ok()) return more.error();
    if (!*more) break;
    Result<std::string> id = (*select)->read<std::string>(0);
    if (!id.ok()) return id.error();
    ids.push_back(std::move(id).value());
  }
  return ids;
}

Result<std::vector<Notification>> notificationsOf(store::SqliteDatabase& db,
                                                  const std::string& deploymentId) {
  return selectNotifications(db,
                             std::string("SELECT ") + kColumns +
                                 " FROM notifications WHERE deployment_id = ? ORDER BY sequence, target",
                             deploymentId);
}

Result<std::vector<Notification>> laneHeads(store::SqliteDatabase& db) {
  return selectNotifications(db, std::string("SELECT ") + kColumns + " FROM notifications n WHERE " +
                                     kLaneHead + " ORDER BY n.next_attempt_at, n.id");
}

Result<DeliveryStatus> recordAttempt(store::SqliteDatabase& db, const Notification& notification,
                                     const Attempt& attempt) {
  const int attempts = notification.attempts + 1;
  DeliveryStatus status = attempt.delivered                                ? DeliveryStatus::Delivered
                          : givenUp(attempts, notification.maxAttempts)    ? DeliveryStatus::Failed
                                                                           : DeliveryStatus::Pending;
  WallTime next = attempt.at + retryDelay(attempts);
  std::optional<std::int64_t> httpStatus;
  if (attempt.httpStatus) httpStatus = *attempt.httpStatus;
  std::optional<WallTime> finished;
  if (status != DeliveryStatus::Pending) finished = attempt.at;
  Status updated = db.run(
      "UPDATE notifications SET attempts = ?, status = ?, last_http_status = ?, last_error = ?,"
      " last_attempt_at = ?, next_attempt_at = ?, finished_at = ? WHERE id = ?",
      attempts, std::string(toString(status)), httpStatus, attempt.error,
      formatTimestamp(attempt.at), formatTimestamp(status == DeliveryStatus::Pending ? next : attempt.at),
      optionalTime(finished), notification.id);
  if (!updated.ok()) return updated.error();
  return status;
}

}  // namespace greenlight::notify
