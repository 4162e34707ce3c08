// The agent side of the engine: handing out commands and taking in what agents report. Reports
// are idempotent: a report for a target that has ended changes nothing, events upsert by
// (deployment, instance, event).
#include <algorithm>

#include "common/error_codes.h"
#include "engine/engine_impl.h"
#include "engine/lifecycle_order.h"
#include "store/sqlite_transaction.h"

namespace greenlight::engine {
namespace {

bool knownEventStatus(const std::string& status) {
  return status == "Pending" || status == "InProgress" || status == "Succeeded" ||
         status == "Failed" || status == "Skipped";
}

Status checkEvent(const EventReport& report) {
  if (report.event.empty()) {
    return Error{codes::kInvalidArgument, "an event report must name its lifecycle event"};
  }
  if (!knownEventStatus(report.status)) {
    return Error{codes::kInvalidArgument,
                 "event " + report.event + " has status '" + report.status +
                     "'; use Pending, InProgress, Succeeded, Failed or Skipped"};
  }
  return Status::success();
}

// The command, checked to belong to `instanceId`.
Result<rows::CommandRow> commandOf(store::SqliteDatabase& db, const std::string& instanceId,
                                   const std::string& commandId) {
  auto found = rows::findCommand(db, commandId);
  if (!found.ok()) return found.error();
  if (!*found || (*found)->command.instanceId != instanceId) {
    return Error{codes::kNotFound, "instance " + instanceId + " has no command '" + commandId +
                                       "'; ask for its commands again"};
  }
  return std::move(**found);
}

Result<rows::TargetRow> targetOf(store::SqliteDatabase& db, const rows::CommandRow& command) {
  auto target = rows::findTarget(db, command.command.deploymentId, command.command.instanceId);
  if (!target.ok()) return target.error();
  if (!*target) {
    return Error{codes::kNotFound, "deployment " + command.command.deploymentId +
                                       " has no target " + command.command.instanceId};
  }
  return std::move(**target);
}

}  // namespace

Result<std::vector<AgentCommand>> Engine::commandsFor(const std::string& instanceId) {
  return impl_->database.withConnection(
      [&](store::SqliteDatabase& db) -> Result<std::vector<AgentCommand>> {
        auto open = rows::openCommandsFor(db, instanceId);
        if (!open.ok()) return open.error();
        std::vector<AgentCommand> commands;
        bool undelivered = std::any_of(open->begin(), open->end(), [](const auto& row) {
          return row.state == rows::CommandState::Pending;
        });
        if (undelivered) {
          Result<store::Transaction> transaction = store::Transaction::begin(db);
          if (!transaction.ok()) return transaction.error();
          WallTime now = impl_->clock.now();
          for (const auto& row : *open) {
            if (row.state != rows::CommandState::Pending) continue;
            Status marked =
                rows::setCommandState(db, row.command.id, rows::CommandState::Delivered, now);
            if (!marked.ok()) return marked.error();
          }
          if (Status committed = transaction->commit(); !committed.ok()) return committed.error();
        }
        for (auto& row : *open) commands.push_back(std::move(row.command));
        return commands;
      });
}

Status Engine::reportEvent(const std::string& instanceId, const std::string& commandId,
                           const EventReport& report) {
  if (Status valid = checkEvent(report); !valid.ok()) return valid;
  Effects effects;
  Status reported = impl_->database.withConnection([&](store::SqliteDatabase& db) -> Status {
    Result<rows::CommandRow> command = commandOf(db, instanceId, commandId);
    if (!command.ok()) return command.error();
    Result<store::Transaction> transaction = store::Transaction::begin(db);
    if (!transaction.ok()) return transaction.error();
    Result<rows::TargetRow> target = targetOf(db, *command);
    if (!target.ok()) return target.error();
    if (target->status != domain::InstanceStatus::InProgress) return Status::success();
    const std::string& deploymentId = command->command.deploymentId;
    if (Status upserted = rows::upsertEvent(db, deploymentId, instanceId, report); !upserted.ok()) {
      return upserted;
    }
    target->currentEvent = report.event;
    if (Status saved = rows::saveTarget(db, *target); !saved.ok()) return saved;
    if (Status bumped = rows::bumpVersion(db, deploymentId); !bumped.ok()) return bumped;
    if (Status committed = transaction->commit(); !committed.ok()) return committed;
    effects.changedDeployments.insert(deploymentId);
    return Status::success();
  });
  impl_->fire(effects);
  return reported;
}

Status Engine::reportResult(const std::string& instanceId, const std::string& commandId,
                            const ResultReport& report) {
  for (const auto& event : report.events) {
    if (Status valid = checkEvent(event); !valid.ok()) return valid;
  }
  Effects effects;
  Status reported = impl_->database.withConnection([&](store::SqliteDatabase& db) -> Status {
    Result<rows::CommandRow> command = commandOf(db, instanceId, commandId);
    if (!command.ok()) return command.error();
    Result<store::Transaction> transaction = store::Transaction::begin(db);
    if (!transaction.ok()) return transaction.error();
    Result<rows::TargetRow> target = targetOf(db, *command);
    if (!target.ok()) return target.error();
    WallTime now = impl_->clock.now();
    if (target->status != domain::InstanceStatus::InProgress) {
      // Already settled (a repeated result, or the instance was declared lost): the command is
      // finished either way, and nothing else changes.
      if (command->state == rows::CommandState::Done) return Status::success();
      Status done = rows::setCommandState(db, commandId, rows::CommandState::Done, now);
      if (!done.ok()) return done;
      return transaction->commit();
    }
    const std::string& deploymentId = command->command.deploymentId;
    const EventReport* failedEvent = nullptr;
    const EventReport* lastEvent = nullptr;
    for (const auto& event : report.events) {
      if (Status upserted = rows::upsertEvent(db, deploymentId, instanceId, event);
          !upserted.ok()) {
        return upserted;
      }
      if (event.status == "Failed" && failedEvent == nullptr) failedEvent = &event;
      if (event.status != "Pending" && event.status != "Skipped" &&
          (lastEvent == nullptr ||
           lifecycleOrdinal(event.event) >= lifecycleOrdinal(lastEvent->event))) {
        lastEvent = &event;
      }
    }
    target->status = report.succeeded ? domain::InstanceStatus::Succeeded
                                      : domain::InstanceStatus::Failed;
    target->endedAt = now;
    if (failedEvent != nullptr) target->currentEvent = failedEvent->event;
    else if (lastEvent != nullptr) target->currentEvent = lastEvent->event;
    if (report.succeeded) {
      target->errorCode.clear();
      target->message = report.message;
    } else {
      target->errorCode = !report.errorCode.empty() ? report.errorCode
                          : failedEvent != nullptr && !failedEvent->errorCode.empty()
                              ? failedEvent->errorCode
                              : std::string("UnknownError");
      target->message = !report.message.empty() ? report.message
                        : failedEvent != nullptr ? failedEvent->message
                                                 : std::string();
    }
    if (Status saved = rows::saveTarget(db, *target); !saved.ok()) return saved;
    Status done = rows::setCommandState(db, commandId, rows::CommandState::Done, now);
    if (!done.ok()) return done;
    Result<rows::DeploymentRow> deployment = rows::loadDeployment(db, deploymentId);
    if (!deployment.ok()) return deployment.error();
    catalog::Catalog catalog(db, impl_->clock);
    Status recorded = catalog.recordInstanceDeployment(instanceId, deploymentId,
                                                       deployment->view.revision, report.succeeded);
    if (!recorded.ok() && recorded.error().code != codes::kNotFound) return recorded;
    if (Status bumped = rows::bumpVersion(db, deploymentId); !bumped.ok()) return bumped;
    if (Status committed = transaction->commit(); !committed.ok()) return committed;
    effects.changedDeployments.insert(deploymentId);
    effects.wakeLoop = true;
    return Status::success();
  });
  impl_->fire(effects);
  return reported;
}

}  // namespace greenlight::engine
