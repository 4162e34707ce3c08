// SQL for the engine's tables. Statements are built from constants; values are always bound.
#include "engine/deployment_rows.h"

#include <random>

#include "common/error_codes.h"
#include "engine/lifecycle_order.h"
#include "store/sqlite_json.h"

namespace greenlight::engine::rows {
namespace {

// Reads the columns of a row in order, keeping the first error.
class RowReader {
 public:
  explicit RowReader(const store::SqliteStatement& statement) : statement_(statement) {}

  template <typename T>
  T next() {
    Result<T> value = statement_.read<T>(column_++);
    if (!value.ok()) {
      if (!error_) error_ = value.error();
      return T{};
    }
    return std::move(value).value();
  }
  std::optional<WallTime> nextTime() {
    auto text = next<std::optional<std::string>>();
    if (!text) return std::nullopt;
    return parseTimestamp(*text);
  }
  nlohmann::json nextJson() {
    Result<std::optional<nlohmann::json>> value = store::readOptionalJson(statement_, column_++);
    if (!value.ok()) {
      if (!error_) error_ = value.error();
      return nullptr;
    }
    return value->value_or(nullptr);
  }
  const std::optional<Error>& error() const { return error_; }

 private:
  const store::SqliteStatement& statement_;
  int column_ = 0;
  std::optional<Error> error_;
};

Error schemaMismatch(const std::string& what) {
  return Error{"StoreSchemaMismatch", what + " in the store is not one this greenlight knows; "
                                             "upgrade greenlight or restore the store"};
}

std::optional<std::string> optionalText(const std::optional<WallTime>& time) {
  if (!time) return std::nullopt;
  return formatTimestamp(*time);
}

std::optional<std::int64_t> durationOf(const std::optional<WallTime>& started,
                                       const std::optional<WallTime>& ended) {
  if (!started || !ended) return std::nullopt;
  return std::chrono::duration_cast<std::chrono::milliseconds>(*ended - *started).count();
}

// Runs a SELECT and turns each row into a T with `read`.
template <typename T, typename Read, typename... Values>
Result<std::vector<T>> selectAll(store::SqliteDatabase& db, const std::string& sql, Read read,
                                 const Values&... values) {
  Result<store::CachedStatement> select = db.prepare(sql);
  if (!select.ok()) return select.error();
  if (Status bound = (*select)->bindAll(values...); !bound.ok()) return bound.error();
  std::vector<T> found;
  while (true) {
    Result<bool> more = (*select)->step();
    if (!more.ok()) return more.error();
    if (!*more) break;
    Result<T> row = read(**select);
    if (!row.ok()) return row.error();
    found.push_back(std::move(row).value());
  }
  return found;
}

constexpr const char* kDeploymentColumns =
    "id, sequence, application, group_id, group_name, revision, config_name, config, status,"
    " creator, created_by, description, rollback_of, rolled_back_by, stop_requested,"
    " stop_rollback, error_code, error_message, created_at, started_at, ended_at, numbers,"
    " version, file_exists_behavior, ignore_application_stop_failures, strategy, blue_green,"
    " blue_green_open, in_place";

Result<DeploymentRow> readDeployment(const store::SqliteStatement& statement) {
  RowReader reader(statement);
  DeploymentRow row;
  DeploymentView& view = row.view;
  view.id = reader.next<std::string>();
  row.sequence = reader.next<std::int64_t>();
  view.application = reader.next<std::string>();
  view.groupId = reader.next<std::string>();
  view.groupName = reader.next<std::string>();
  view.revision = reader.next<std::string>();
  view.configName = reader.next<std::string>();
  view.config = reader.nextJson();
  auto status = reader.next<std::string>();
  auto creator = reader.next<std::string>();
  view.createdBy = reader.next<std::string>();
  view.description = reader.next<std::string>();
  view.rollbackOf = reader.next<std::optional<std::string>>();
  view.rolledBackBy = reader.next<std::optional<std::string>>();
  view.stopRequested = reader.next<bool>();
  row.stopRollback = reader.next<bool>();
  view.errorCode = reader.next<std::string>();
  view.errorMessage = reader.next<std::string>();
  view.createdAt = reader.nextTime().value_or(WallTime{});
  view.startedAt = reader.nextTime();
  view.endedAt = reader.nextTime();
  nlohmann::json numbers = reader.nextJson();
  view.version = reader.next<std::uint64_t>();
  row.fileExistsBehavior = reader.next<std::string>();
  row.ignoreApplicationStopFailures = reader.next<bool>();
  view.strategy = reader.next<std::string>();
  view.blueGreen = reader.nextJson();
  row.blueGreenOpen = reader.next<bool>();
  view.inPlace = reader.nextJson();
  if (reader.error()) return *reader.error();
  auto parsedStatus = domain::parseDeploymentStatus(status);
  if (!parsedStatus) return schemaMismatch("deployment " + view.id + "'s status '" + status + "'");
  view.status = *parsedStatus;
  auto parsedCreator = domain::parseDeploymentCreator(creator);
  if (!parsedCreator) return schemaMismatch("deployment " + view.id + "'s creator '" + creator + "'");
  view.creator = *parsedCreator;
  if (numbers.is_object()) {
    domain::InPlaceNumbers fixed;
    fixed.instanceCount = numbers.value("instanceCount", 0);
    fixed.minimumHealthyHosts = numbers.value("minimumHealthyHosts", 0);
    fixed.maxInFlight = numbers.value("maxInFlight", 0);
    fixed.neededSuccesses = numbers.value("neededSuccesses", 1);
    view.numbers = fixed;
  }
  view.durationMs = durationOf(view.startedAt, view.endedAt);
  return row;
}

std::optional<std::string> numbersText(const std::optional<domain::InPlaceNumbers>& numbers) {
  if (!numbers) return std::nullopt;
  return nlohmann::json{{"instanceCount", numbers->instanceCount},
                        {"minimumHealthyHosts", numbers->minimumHealthyHosts},
                        {"maxInFlight", numbers->maxInFlight},
                        {"neededSuccesses", numbers->neededSuccesses}}
      .dump();
}

std::optional<std::string> jsonText(const nlohmann::json& state) {
  if (state.is_null()) return std::nullopt;
  return state.dump();
}

constexpr const char* kTargetColumns =
    "deployment_id, instance_id, host_name, port, status, current_event, started_at, ended_at,"
    " error_code, message";

Result<TargetRow> readTarget(const store::SqliteStatement& statement) {
  RowReader reader(statement);
  TargetRow row;
  row.deploymentId = reader.next<std::string>();
  row.instanceId = reader.next<std::string>();
  row.hostName = reader.next<std::string>();
  row.port = reader.next<int>();
  auto status = reader.next<std::string>();
  row.currentEvent = reader.next<std::string>();
  row.startedAt = reader.nextTime();
  row.endedAt = reader.nextTime();
  row.errorCode = reader.next<std::string>();
  row.message = reader.next<std::string>();
  if (reader.error()) return *reader.error();
  auto parsed = domain::parseInstanceStatus(status);
  if (!parsed) return schemaMismatch("target " + row.instanceId + "'s status '" + status + "'");
  row.status = *parsed;
  return row;
}

const char* stateName(CommandState state) {
  switch (state) {
    case CommandState::Pending: return "Pending";
    case CommandState::Delivered: return "Delivered";
    case CommandState::Done: return "Done";
  }
  return "Pending";
}

constexpr const char* kCommandColumns = "id, deployment_id, instance_id, payload, state";

Result<CommandRow> readCommand(const store::SqliteStatement& statement) {
  RowReader reader(statement);
  CommandRow row;
  row.command.id = reader.next<std::string>();
  row.command.deploymentId = reader.next<std::string>();
  row.command.instanceId = reader.next<std::string>();
  row.command.payload = reader.nextJson();
  auto state = reader.next<std::string>();
  if (reader.error()) return *reader.error();
  if (state == "Pending") row.state = CommandState::Pending;
  else if (state == "Delivered") row.state = CommandState::Delivered;
  else if (state == "Done") row.state = CommandState::Done;
  else return schemaMismatch("command " + row.command.id + "'s state '" + state + "'");
  return row;
}

}  // namespace

Result<std::string> newDeploymentId(store::SqliteDatabase& db) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  thread_local std::mt19937_64 generator{std::random_device{}()};
  std::uniform_int_distribution<std::size_t> pick(0, sizeof(kAlphabet) - 2);
  for (int attempt = 0; attempt < 16; ++attempt) {
    std::string id = "d-";
    for (int i = 0; i < 9; ++i) id += kAlphabet[pick(generator)];
    auto taken = selectAll<bool>(
        db, "SELECT 1 FROM deployments WHERE id = ?",
        [](const store::SqliteStatement&) -> Result<bool> { return true; }, id);
    if (!taken.ok()) return taken.error();
    if (taken->empty()) return id;
  }
  return Error{codes::kInternal, "could not pick an unused deployment id after 16 tries"};
}

Status insertDeployment(store::SqliteDatabase& db, DeploymentRow& row) {
  auto next = selectAll<std::int64_t>(
      db, "SELECT coalesce(max(sequence), 0) + 1 FROM deployments",
      [](const store::SqliteStatement& s) { return s.read<std::int64_t>(0); });
  if (!next.ok()) return next.error();
  row.sequence = next->front();
  const DeploymentView& view = row.view;
  Result<store::CachedStatement> insert = db.prepare(
      "INSERT INTO deployments (id, sequence, application, group_id, group_name, revision,"
      " config_name, config, status, creator, created_by, description, rollback_of,"
      " rolled_back_by, stop_requested, stop_rollback, error_code, error_message, created_at,"
      " started_at, ended_at, numbers, version, file_exists_behavior,"
      " ignore_application_stop_failures, strategy, blue_green, blue_green_open, in_place)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
      " ?, ?)");
  if (!insert.ok()) return insert.error();
  Status bound = (*insert)->bindAll(
      view.id, row.sequence, view.application, view.groupId, view.groupName, view.revision,
      view.configName, view.config.dump(), toString(view.status), toString(view.creator),
      view.createdBy, view.description, view.rollbackOf, view.rolledBackBy, view.stopRequested,
      row.stopRollback, view.errorCode, view.errorMessage, formatTimestamp(view.createdAt),
      optionalText(view.startedAt), optionalText(view.endedAt), numbersText(view.numbers),
      static_cast<std::int64_t>(view.version == 0 ? 1 : view.version), row.fileExistsBehavior,
      row.ignoreApplicationStopFailures, view.strategy, jsonText(view.blueGreen),
      row.blueGreenOpen, jsonText(view.inPlace));
  if (!bound.ok()) return bound;
  if (view.version == 0) row.view.version = 1;
  return (*insert)->run();
}

Result<DeploymentRow> loadDeployment(store::SqliteDatabase& db, const std::string& id) {
  auto found = selectAll<DeploymentRow>(
      db, std::string("SELECT ") + kDeploymentColumns + " FROM deployments WHERE id = ?",
      readDeployment, id);
  if (!found.ok()) return found.error();
  if (found->empty()) {
    return Error{codes::kNotFound, "there is no deployment '" + id +
                                       "'; list the group's deployments to see their ids"};
  }
  return std::move(found->front());
}

Status saveDeployment(store::SqliteDatabase& db, DeploymentRow& row) {
  const DeploymentView& view = row.view;
  Status saved = db.run(
      "UPDATE deployments SET status = ?, rolled_back_by = ?, stop_requested = ?,"
      " stop_rollback = ?, error_code = ?, error_message = ?, started_at = ?, ended_at = ?,"
      " numbers = ?, blue_green = ?, blue_green_open = ?, in_place = ?, version = version + 1"
      " WHERE id = ?",
      toString(view.status), view.rolledBackBy, view.stopRequested, row.stopRollback,
      view.errorCode, view.errorMessage, optionalText(view.startedAt), optionalText(view.endedAt),
      numbersText(view.numbers), jsonText(view.blueGreen), row.blueGreenOpen,
      jsonText(view.inPlace), view.id);
  if (!saved.ok()) return saved;
  row.view.version += 1;
  row.view.durationMs = durationOf(view.startedAt, view.endedAt);
  return Status::success();
}

Status bumpVersion(store::SqliteDatabase& db, const std::string& deploymentId) {
  return db.run("UPDATE deployments SET version = version + 1 WHERE id = ?", deploymentId);
}

Result<std::vector<DeploymentRow>> listDeployments(store::SqliteDatabase& db,
                                                   const DeploymentFilter& filter) {
  // NULL parameters match everything, so one statement (and one cached plan) serves all filters.
  std::optional<std::string> status;
  if (filter.status) status = toString(*filter.status);
  int limit = filter.limit <= 0 ? 50 : std::min(filter.limit, 1000);
  return selectAll<DeploymentRow>(
      db,
      std::string("SELECT ") + kDeploymentColumns +
          " FROM deployments WHERE (?1 IS NULL OR application = ?1)"
          " AND (?2 IS NULL OR group_name = ?2) AND (?3 IS NULL OR status = ?3)"
          " ORDER BY sequence DESC LIMIT ?4",
      readDeployment, filter.application, filter.group, status, limit);
}

Result<std::vector<DeploymentRow>> deploymentsWithWork(store::SqliteDatabase& db) {
  return selectAll<DeploymentRow>(
      db,
      std::string("SELECT ") + kDeploymentColumns +
          " FROM deployments d WHERE status IN ('Created', 'Queued', 'InProgress', 'Baking',"
          " 'Ready') OR blue_green_open = 1 OR EXISTS (SELECT 1 FROM deployment_targets t"
          " WHERE t.status = 'InProgress' AND t.deployment_id = d.id) ORDER BY sequence",
      readDeployment);
}

Result<std::vector<DeploymentRow>> blueGreenDeployments(store::SqliteDatabase& db,
                                                        const std::string& groupId) {
  return selectAll<DeploymentRow>(
      db,
      std::string("SELECT ") + kDeploymentColumns +
          " FROM deployments WHERE group_id = ? AND strategy = 'blue-green'"
          " ORDER BY sequence DESC",
      readDeployment, groupId);
}

Result<std::optional<std::string>> lastGoodRevision(store::SqliteDatabase& db,
                                                    const std::string& groupId,
                                                    std::int64_t beforeSequence) {
  auto found = selectAll<std::string>(
      db,
      "SELECT revision FROM deployments WHERE group_id = ? AND status = 'Succeeded'"
      " AND sequence < ? ORDER BY sequence DESC LIMIT 1",
      [](const store::SqliteStatement& s) { return s.read<std::string>(0); }, groupId,
      beforeSequence);
  if (!found.ok()) return found.error();
  if (found->empty()) return std::optional<std::string>{};
  return std::optional<std::string>{found->front()};
}

Result<DeploymentStatistics> deploymentStatistics(store::SqliteDatabase& db) {
  using Count = std::pair<std::string, std::int64_t>;
  auto byStatus = selectAll<Count>(
      db, "SELECT status, COUNT(*) FROM deployments GROUP BY status",
      [](const store::SqliteStatement& s) -> Result<Count> {
        RowReader row(s);
        Count count{row.next<std::string>(), row.next<std::int64_t>()};
        if (row.error()) return *row.error();
        return count;
      });
  if (!byStatus.ok()) return byStatus.error();
  DeploymentStatistics statistics;
  for (const auto& [name, count] : *byStatus) {
    std::optional<domain::DeploymentStatus> status = domain::parseDeploymentStatus(name);
    if (!status) return schemaMismatch("a deployment status '" + name + "'");
    statistics.byStatus[*status] = count;
  }
  // Whole milliseconds, as durationMs in the API: julianday's error is microseconds, rounded away.
  struct Finished {
    std::string strategy, status;
    std::int64_t count = 0, totalMs = 0;
  };
  auto finished = selectAll<Finished>(
      db,
      "SELECT strategy, status, COUNT(*), SUM(MAX(0, CAST(round((julianday(ended_at) -"
      " julianday(started_at)) * 86400000.0) AS INTEGER))) FROM deployments"
      " WHERE started_at IS NOT NULL AND ended_at IS NOT NULL"
      " AND status IN ('Succeeded', 'Failed', 'Stopped')"
      " GROUP BY strategy, status ORDER BY strategy, status",
      [](const store::SqliteStatement& s) -> Result<Finished> {
        RowReader row(s);
        Finished found{row.next<std::string>(), row.next<std::string>(),
                       row.next<std::int64_t>(), row.next<std::int64_t>()};
        if (row.error()) return *row.error();
        return found;
      });
  if (!finished.ok()) return finished.error();
  for (const Finished& group : *finished) {
    std::optional<domain::DeploymentStatus> status = domain::parseDeploymentStatus(group.status);
    if (!status) return schemaMismatch("a deployment status '" + group.status + "'");
    statistics.finished.push_back(DeploymentStatistics::Finished{
        group.strategy, *status, group.count, static_cast<double>(group.totalMs) / 1000.0});
  }
  return statistics;
}

Result<std::int64_t> latestSequence(store::SqliteDatabase& db, const std::string& groupId) {
  auto found = selectAll<std::int64_t>(
      db, "SELECT coalesce(max(sequence), 0) FROM deployments WHERE group_id = ?",
      [](const store::SqliteStatement& s) { return s.read<std::int64_t>(0); }, groupId);
  if (!found.ok()) return found.error();
  return found->front();
}

Status insertTarget(store::SqliteDatabase& db, const TargetRow& target) {
  return db.run(
      "INSERT INTO deployment_targets (deployment_id, instance_id, host_name, port, status,"
      " current_event, started_at, ended_at, error_code, message)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      target.deploymentId, target.instanceId, target.hostName, target.port,
      toString(target.status), target.currentEvent, optionalText(target.startedAt),
      optionalText(target.endedAt), target.errorCode, target.message);
}

Status saveTarget(store::SqliteDatabase& db, const TargetRow& target) {
  return db.run(
      "UPDATE deployment_targets SET status = ?, current_event = ?, started_at = ?, ended_at = ?,"
      " error_code = ?, message = ? WHERE deployment_id = ? AND instance_id = ?",
      toString(target.status), target.currentEvent, optionalText(target.startedAt),
      optionalText(target.endedAt), target.errorCode, target.message, target.deploymentId,
      target.instanceId);
}

Result<std::vector<TargetRow>> loadTargets(store::SqliteDatabase& db,
                                           const std::string& deploymentId) {
  return selectAll<TargetRow>(db,
                              std::string("SELECT ") + kTargetColumns +
                                  " FROM deployment_targets WHERE deployment_id = ?"
                                  " ORDER BY instance_id",
                              readTarget, deploymentId);
}

Result<std::optional<TargetRow>> findTarget(store::SqliteDatabase& db,
                                            const std::string& deploymentId,
                                            const std::string& instanceId) {
  auto found = selectAll<TargetRow>(db,
                                    std::string("SELECT ") + kTargetColumns +
                                        " FROM deployment_targets WHERE deployment_id = ?"
                                        " AND instance_id = ?",
                                    readTarget, deploymentId, instanceId);
  if (!found.ok()) return found.error();
  if (found->empty()) return std::optional<TargetRow>{};
  return std::optional<TargetRow>{std::move(found->front())};
}

Result<DeploymentCounts> countTargets(store::SqliteDatabase& db, const std::string& deploymentId) {
  struct StatusCount {
    std::string status;
    int count = 0;
  };
  auto found = selectAll<StatusCount>(
      db,
      "SELECT status, count(*) FROM deployment_targets WHERE deployment_id = ? GROUP BY status",
      [](const store::SqliteStatement& s) -> Result<StatusCount> {
        RowReader reader(s);
        StatusCount row{reader.next<std::string>(), reader.next<int>()};
        if (reader.error()) return *reader.error();
        return row;
      },
      deploymentId);
  if (!found.ok()) return found.error();
  DeploymentCounts counts;
  for (const auto& [status, count] : *found) {
    switch (domain::parseInstanceStatus(status).value_or(domain::InstanceStatus::Unknown)) {
      case domain::InstanceStatus::Pending: counts.pending += count; break;
      case domain::InstanceStatus::InProgress: counts.inProgress += count; break;
      case domain::InstanceStatus::Succeeded: counts.succeeded += count; break;
      case domain::InstanceStatus::Failed: counts.failed += count; break;
      case domain::InstanceStatus::Skipped: counts.skipped += count; break;
      case domain::InstanceStatus::Unknown: counts.unknown += count; break;
      case domain::InstanceStatus::Ready: counts.ready += count; break;
    }
  }
  return counts;
}

Status upsertEvent(store::SqliteDatabase& db, const std::string& deploymentId,
                   const std::string& instanceId, const EventReport& report) {
  return db.run(
      "INSERT INTO lifecycle_events (deployment_id, instance_id, event, ordinal, status,"
      " started_at, ended_at, error_code, message, log_tail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
      " ON CONFLICT (deployment_id, instance_id, event) DO UPDATE SET status = excluded.status,"
      " started_at = coalesce(excluded.started_at, lifecycle_events.started_at),"
      " ended_at = coalesce(excluded.ended_at, lifecycle_events.ended_at),"
      " error_code = excluded.error_code, message = excluded.message,"
      " log_tail = excluded.log_tail"
      " WHERE lifecycle_events.status IN ('Pending', 'InProgress')"
      " OR excluded.status NOT IN ('Pending', 'InProgress')",
      deploymentId, instanceId, report.event, lifecycleOrdinal(report.event), report.status,
      optionalText(report.startedAt), optionalText(report.endedAt), report.errorCode,
      report.message, report.logTail);
}

Result<std::map<std::string, std::vector<LifecycleEventView>>> loadEvents(
    store::SqliteDatabase& db, const std::string& deploymentId) {
  struct EventRow {
    std::string instanceId;
    LifecycleEventView event;
  };
  auto found = selectAll<EventRow>(
      db,
      "SELECT instance_id, event, status, started_at, ended_at, error_code, message, log_tail"
      " FROM lifecycle_events WHERE deployment_id = ? ORDER BY instance_id, ordinal, started_at",
      [](const store::SqliteStatement& s) -> Result<EventRow> {
        RowReader reader(s);
        EventRow row;
        row.instanceId = reader.next<std::string>();
        row.event.event = reader.next<std::string>();
        row.event.status = reader.next<std::string>();
        row.event.startedAt = reader.nextTime();
        row.event.endedAt = reader.nextTime();
        row.event.errorCode = reader.next<std::string>();
        row.event.message = reader.next<std::string>();
        row.event.logTail = reader.next<std::string>();
        if (reader.error()) return *reader.error();
        row.event.durationMs = durationOf(row.event.startedAt, row.event.endedAt);
        return row;
      },
      deploymentId);
  if (!found.ok()) return found.error();
  std::map<std::string, std::vector<LifecycleEventView>> events;
  for (auto& row : *found) events[row.instanceId].push_back(std::move(row.event));
  return events;
}

Status insertCommand(store::SqliteDatabase& db, const AgentCommand& command, WallTime now) {
  return db.run(
      "INSERT INTO agent_commands (id, instance_id, deployment_id, payload, state, created_at)"
      " VALUES (?, ?, ?, ?, 'Pending', ?) ON CONFLICT (id) DO NOTHING",
      command.id, command.instanceId, command.deploymentId, command.payload.dump(),
      formatTimestamp(now));
}

Result<std::optional<CommandRow>> findCommand(store::SqliteDatabase& db,
                                              const std::string& commandId) {
  auto found = selectAll<CommandRow>(
      db, std::string("SELECT ") + kCommandColumns + " FROM agent_commands WHERE id = ?",
      readCommand, commandId);
  if (!found.ok()) return found.error();
  if (found->empty()) return std::optional<CommandRow>{};
  return std::optional<CommandRow>{std::move(found->front())};
}

Status setCommandState(store::SqliteDatabase& db, const std::string& commandId,
                       CommandState state, WallTime now) {
  std::string at = formatTimestamp(now);
  if (state == CommandState::Done) {
    return db.run("UPDATE agent_commands SET state = 'Done', done_at = coalesce(done_at, ?)"
                  " WHERE id = ?",
                  at, commandId);
  }
  return db.run("UPDATE agent_commands SET state = ?, delivered_at = ? WHERE id = ?"
                " AND state <> 'Done'",
                stateName(state), at, commandId);
}

Result<std::vector<CommandRow>> openCommandsFor(store::SqliteDatabase& db,
                                                const std::string& instanceId) {
  return selectAll<CommandRow>(
      db,
      "SELECT c.id, c.deployment_id, c.instance_id, c.payload, c.state FROM agent_commands c"
      " JOIN deployment_targets t ON t.deployment_id = c.deployment_id"
      " AND t.instance_id = c.instance_id"
      " WHERE c.instance_id = ? AND c.state <> 'Done' AND t.status = 'InProgress'"
      " ORDER BY c.created_at, c.id",
      readCommand, instanceId);
}

}  // namespace greenlight::engine::rows
