// A group's alarms over its running in-place deployments (blue/green ones watch their own, in
// blue_green_driver.cc): each is measured every alarms.intervalSeconds with no connection held; an
// alarm that fires (its check Failed), or cannot be read unless the group ignores that, stops the
// deployment as `stop` would, and rolls it back when autoRollback lists DEPLOYMENT_STOP_ON_ALARM.
// Rollback deployments are not watched: they restore service.
#include <algorithm>

#include "catalog/analysis_spec.h"
#include "common/error_codes.h"
#include "engine/analysis.h"
#include "engine/engine_impl.h"
#include "store/sqlite_transaction.h"

namespace greenlight::engine {

Status Engine::Impl::watchInPlaceAlarms(const std::string& groupId, Effects& effects) {
  struct Running {
    std::string id;
    std::string application;
    std::string groupName;
  };
  std::optional<catalog::DeploymentGroup> group;
  std::vector<Running> running;
  Status read = database.withConnection([&](store::SqliteDatabase& db) -> Status {
    catalog::Catalog catalog(db, clock);
    auto found = catalog.getGroupById(groupId);
    if (!found.ok()) {
      if (found.error().code == codes::kNotFound) return Status::success();
      return found.error();
    }
    if (found->spec.alarms.is_null()) return Status::success();
    group = std::move(found).value();
    auto work = rows::deploymentsWithWork(db);
    if (!work.ok()) return work.error();
    for (const auto& row : *work) {
      if (row.view.groupId != groupId || row.view.strategy == "blue-green") continue;
      if (row.view.status != domain::DeploymentStatus::InProgress) continue;
      // A rollback restores service: the alarm that stopped what it undoes must not stop it too.
      if (row.view.creator == domain::DeploymentCreator::Rollback) continue;
      running.push_back({row.view.id, row.view.application, row.view.groupName});
    }
    return Status::success();
  });
  if (!read.ok()) return read;
  // Forget deployments that no longer run.
  for (auto it = alarmsCheckedAt.begin(); it != alarmsCheckedAt.end();) {
    bool still = std::any_of(running.begin(), running.end(), [&](const Running& r) { return r.id == it->first; });
    it = still || !group ? std::next(it) : alarmsCheckedAt.erase(it);
  }
  if (!group || running.empty()) return Status::success();
  auto alarms = catalog::alarmsOf(*group);
  if (!alarms.ok()) return alarms.error();
  if (alarms->checks.empty()) return Status::success();
  const WallTime now = clock.now();
  pollSoon = true;  // come back for the next measurement rather than idle
  for (const auto& deployment : running) {
    auto last = alarmsCheckedAt.find(deployment.id);
    if (last != alarmsCheckedAt.end() &&
        now - last->second < std::chrono::seconds(alarms->intervalSeconds)) {
      continue;
    }
    alarmsCheckedAt[deployment.id] = now;
    std::map<std::string, std::string> values = {
        {"deploymentId", deployment.id}, {"window", std::to_string(alarms->intervalSeconds) + "s"}};
    nlohmann::json context = {{"deploymentId", deployment.id},
                              {"application", deployment.application},
                              {"deploymentGroup", deployment.groupName},
                              {"alarm", true}};
    AlarmRound round = measureAlarms(*alarms, values, context);  // in-place groups are never aws
    std::string code, message;
    if (!round.fired.empty()) {
      code = "AlarmActivated";
      message = "Stopped: an alarm fired: " + round.fired + ".";
    } else if (!round.unreadable.empty() && !alarms->ignoreReadFailures) {
      code = "AlarmReadFailed";
      message = "Stopped: an alarm could not be read: " + round.unreadable +
                ". Fix the alarm, or set `alarms.ignoreReadFailures: true` to deploy without it "
                "when it cannot be read.";
    } else {
      continue;
    }
    Status stopped = database.withConnection([&](store::SqliteDatabase& db) -> Status {
      auto transaction = store::Transaction::begin(db);
      if (!transaction.ok()) return transaction.error();
      auto row = rows::loadDeployment(db, deployment.id);
      if (!row.ok()) return row.error();
      if (domain::isFinal(row->view.status)) return Status::success();  // ended meanwhile
      auto inFlight = markStopped(db, *row, now, message, "Not deployed: the deployment was stopped by an alarm.");
      if (!inFlight.ok()) return inFlight.error();
      row->view.errorCode = code;
      if (*inFlight > 0) {
        row->view.errorMessage += " " + std::to_string(*inFlight) +
                                  " instance(s) already in progress finish their lifecycle.";
      }
      if (group->spec.autoRollback.onAlarm()) {
        auto good = rows::lastGoodRevision(db, groupId, row->sequence);
        if (!good.ok()) return good.error();
        if (*good) {
          auto rollback = createRollbackOf(db, *row, **good, "greenlight");
          if (!rollback.ok()) return rollback.error();
          row->view.errorMessage += " Rolling back to revision " + good->value().substr(0, 12) +
                                    " in deployment " + rollback->view.id + ".";
          effects.changedDeployments.insert(rollback->view.id);
        } else {
          row->view.errorMessage += " No earlier successful deployment of the group to roll back to.";
        }
      }
      if (Status saved = rows::saveDeployment(db, *row); !saved.ok()) return saved;
      effects.changedDeployments.insert(deployment.id);
      return transaction->commit();
    });
    if (!stopped.ok()) return stopped;
  }
  return Status::success();
}

}  // namespace greenlight::engine
