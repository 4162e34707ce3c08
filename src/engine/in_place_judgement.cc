// The judgement between in-place batches: the state, and the pass that measures a group's
// analysis for its in-place deployments at a batch boundary with no connection held while the
// checks are read (the balancer, a webhook, Prometheus). advanceDeployment holds the next batch
// until the boundary is Judged; a failed analysis fails the deployment as a failed batch would
// (and rolls it back when the group's autoRollback says so); an inconclusive one waits for
// `greenlight continue` or `stop`, and fails once inconclusiveTimeoutSeconds pass unanswered.
#include "engine/in_place_judgement.h"

#include <algorithm>

#include "catalog/analysis_spec.h"
#include "catalog/traffic_spec.h"
#include "common/error_codes.h"
#include "engine/engine_impl.h"
#include "store/sqlite_transaction.h"

namespace greenlight::engine {

nlohmann::json toJson(const InPlaceJudgement& judgement) {
  nlohmann::json analyses = nlohmann::json::array();
  for (const auto& window : judgement.analyses) analyses.push_back(toJson(window));
  return {{"analyses", analyses},
          {"continueRequested", judgement.continueRequested},
          {"waitingFor", judgement.waitingFor}};
}

InPlaceJudgement inPlaceJudgementFromJson(const nlohmann::json& json) {
  InPlaceJudgement judgement;
  if (!json.is_object()) return judgement;
  if (auto analyses = json.find("analyses"); analyses != json.end() && analyses->is_array()) {
    for (const auto& entry : *analyses) judgement.analyses.push_back(analysisWindowFromJson(entry));
  }
  judgement.continueRequested = json.value("continueRequested", false);
  judgement.waitingFor = json.value("waitingFor", std::string());
  return judgement;
}

int finishedTargets(const std::vector<rows::TargetRow>& targets) {
  return static_cast<int>(std::count_if(targets.begin(), targets.end(), [](const rows::TargetRow& t) {
    return t.status != domain::InstanceStatus::Pending && t.status != domain::InstanceStatus::InProgress;
  }));
}

BatchBoundary batchBoundary(const std::vector<rows::TargetRow>& targets,
                            const InPlaceJudgement& judgement) {
  bool inFlight = false;
  bool pending = false;
  for (const auto& target : targets) {
    inFlight = inFlight || target.status == domain::InstanceStatus::InProgress;
    pending = pending || target.status == domain::InstanceStatus::Pending;
  }
  const int finished = finishedTargets(targets);
  if (inFlight || !pending || finished == 0) return BatchBoundary::None;
  for (const auto& window : judgement.analyses) {
    if (window.stepIndex != finished) continue;
    return window.verdict == verdicts::kPassed || window.verdict == "Continued"
               ? BatchBoundary::Judged
               : BatchBoundary::Judging;
  }
  return BatchBoundary::Judging;
}

namespace {

bool passed(const std::optional<WallTime>& since, int limitSeconds, WallTime now) {
  return since && now - *since >= std::chrono::seconds(limitSeconds);
}

std::string regexOf(const std::vector<std::string>& ids) {
  std::string pattern;
  for (const auto& id : ids) pattern += (pattern.empty() ? "" : "|") + id;
  return pattern.empty() ? std::string("^$") : pattern;
}

// What one deployment at a boundary looks like to the pass, read under the connection.
struct AtBoundary {
  rows::DeploymentRow row;
  std::vector<std::string> newIds;  // finished on the new revision (Succeeded)
  std::vector<std::string> oldIds;  // not deployed yet (Pending)
  int finished = 0;
  int total = 0;
};

}  // namespace

Status Engine::Impl::judgeInPlaceBatches(const std::string& groupId, Effects& effects) {
  std::optional<catalog::DeploymentGroup> group;
  std::vector<AtBoundary> due;
  Status read = database.withConnection([&](store::SqliteDatabase& db) -> Status {
    catalog::Catalog catalog(db, clock);
    auto found = catalog.getGroupById(groupId);
    if (!found.ok()) {
      if (found.error().code == codes::kNotFound) return Status::success();
      return found.error();
    }
    if (found->spec.analysis.is_null()) return Status::success();
    group = std::move(found).value();
    auto work = rows::deploymentsWithWork(db);
    if (!work.ok()) return work.error();
    for (auto& row : *work) {
      if (row.view.groupId != groupId || row.view.strategy == "blue-green") continue;
      if (row.view.status != domain::DeploymentStatus::InProgress) continue;
      // A rollback restores service; it is not judged against the revision it undoes.
      if (row.view.creator == domain::DeploymentCreator::Rollback) continue;
      auto targets = rows::loadTargets(db, row.view.id);
      if (!targets.ok()) return targets.error();
      InPlaceJudgement judgement = inPlaceJudgementFromJson(row.view.inPlace);
      if (batchBoundary(*targets, judgement) != BatchBoundary::Judging) continue;
      AtBoundary at;
      at.finished = finishedTargets(*targets);
      at.total = static_cast<int>(targets->size());
      for (const auto& target : *targets) {
        if (target.status == domain::InstanceStatus::Succeeded) at.newIds.push_back(target.instanceId);
        if (target.status == domain::InstanceStatus::Pending) at.oldIds.push_back(target.instanceId);
      }
      at.row = std::move(row);
      due.push_back(std::move(at));
    }
    return Status::success();
  });
  if (!read.ok()) return read;
  if (!group || due.empty()) return Status::success();
  auto spec = catalog::analysisOf(*group);
  if (!spec.ok()) return spec.error();
  if (spec->checks.empty()) return Status::success();
  pollSoon = true;  // a window is open: come back for its next measurement

  // The balancer's counters, when a check reads them.
  const bool readsBalancer = std::any_of(spec->checks.begin(), spec->checks.end(),
                                         [](const catalog::CheckSpec& c) { return c.loadBalancer.has_value(); });
  std::optional<std::vector<traffic::MemberStatus>> members;
  std::string balancerProblem;
  if (readsBalancer) {
    auto loadBalancer = catalog::loadBalancerOf(*group);
    if (!loadBalancer.ok() || !loadBalancer->has_value() || traffic == nullptr) {
      balancerProblem = "the group has no load balancer to read counters from";
    } else {
      auto seen = traffic->status(catalog::poolFor(*group, **loadBalancer).id);
      if (seen.ok()) {
        members = std::move(seen).value();
      } else {
        balancerProblem = "the load balancer could not be read: " + seen.error().message;
      }
    }
  }

  for (auto& at : due) {
    const WallTime now = clock.now();
    const std::string& id = at.row.view.id;
    InPlaceJudgement judgement = inPlaceJudgementFromJson(at.row.view.inPlace);
    auto window = std::find_if(judgement.analyses.begin(), judgement.analyses.end(),
                               [&](const AnalysisWindow& w) { return w.stepIndex == at.finished; });
    const std::string boundary = std::to_string(at.finished) + " of " + std::to_string(at.total) +
                                 " instances deployed";
    std::optional<std::pair<std::string, std::string>> failure;  // code, message
    bool changed = false;
    if (window == judgement.analyses.end()) {
      AnalysisWindow opened;
      opened.stepIndex = at.finished;
      opened.trafficPercent = at.total ? 100 * static_cast<int>(at.newIds.size()) / at.total : 0;
      opened.startedAt = now;
      opened.lastMeasuredAt = now;  // the first measurement comes an interval later
      if (members) opened.baseline = countersOf(*members);
      judgement.analyses.push_back(std::move(opened));
      judgement.continueRequested = false;  // a `continue` answers the wait it was given for
      judgement.waitingFor = "";
      changed = true;
    } else if (window->waiting) {
      if (judgement.continueRequested) {
        window->waiting = false;
        window->verdict = "Continued";
        judgement.continueRequested = false;
        judgement.waitingFor = "";
        changed = true;
      } else if (passed(window->waitingSince, spec->inconclusiveTimeoutSeconds, now)) {
        failure = {"AnalysisInconclusive",
                   "The analysis after " + boundary + " was inconclusive and nobody ran "
                   "`greenlight continue " + id + "` within inconclusiveTimeoutSeconds (" +
                   std::to_string(spec->inconclusiveTimeoutSeconds) + "s): " +
                   describeResults(window->results) + "."};
      }
    } else {
      const bool over = judgement.continueRequested ||
                        passed(window->startedAt, spec->batchSeconds, now);
      const bool measure = over || !window->lastMeasuredAt ||
                           now - *window->lastMeasuredAt >= std::chrono::seconds(spec->intervalSeconds);
      if (measure) {
        long long windowSeconds = std::max<long long>(
            spec->intervalSeconds,
            std::chrono::duration_cast<std::chrono::seconds>(now - window->startedAt.value_or(now)).count());
        std::map<std::string, std::string> values = {
            {"newInstances", regexOf(at.newIds)}, {"oldInstances", regexOf(at.oldIds)},
            {"fleetVersion", ""},                 {"previousFleetVersion", ""},
            {"deploymentId", id},                 {"window", std::to_string(windowSeconds) + "s"}};
        nlohmann::json context = {{"deploymentId", id},
                                  {"application", at.row.view.application},
                                  {"deploymentGroup", at.row.view.groupName},
                                  {"revision", at.row.view.revision},
                                  {"instancesDeployed", at.finished},
                                  {"instances", at.total},
                                  {"final", over}};
        std::vector<CheckResult> results;
        for (const auto& check : spec->checks) {
          if (check.loadBalancer) {
            if (!members) {
              CheckResult unread;
              unread.name = check.name;
              unread.kind = check.kind();
              unread.verdict = verdicts::kError;
              unread.summary = balancerProblem;
              results.push_back(std::move(unread));
              continue;
            }
            results.push_back(judgeLoadBalancer(check, windowOf(*members, at.newIds, window->baseline),
                                                windowOf(*members, at.oldIds, window->baseline), over));
          } else if (check.prometheus) {
            results.push_back(measurePrometheus(check, values, over));
          } else {
            results.push_back(measureWebhook(check, context));
          }
        }
        if (auto failed = recordMeasurement(*window, std::move(results), *spec, now)) {
          failure = {"AnalysisFailed", "The analysis after " + boundary + " failed: " + *failed};
        } else if (over) {
          window->verdict = finalVerdict(*window);
          if (window->verdict != verdicts::kPassed) {
            if (judgement.continueRequested) {
              window->verdict = "Continued";  // the operator judged what the checks could not
            } else {
              window->waiting = true;
              window->waitingSince = now;
              judgement.waitingFor = "greenlight continue (the analysis after " + boundary +
                                     " was inconclusive)";
            }
          }
          judgement.continueRequested = false;
        }
        changed = true;
      }
    }
    if (!changed && !failure) continue;

    Status saved = database.withConnection([&](store::SqliteDatabase& db) -> Status {
      auto transaction = store::Transaction::begin(db);
      if (!transaction.ok()) return transaction.error();
      auto row = rows::loadDeployment(db, id);
      if (!row.ok()) return row.error();
      if (row->view.status != domain::DeploymentStatus::InProgress) return Status::success();
      // A `continue` that came while the checks were read is kept for the next round.
      InPlaceJudgement fresh = inPlaceJudgementFromJson(row->view.inPlace);
      if (fresh.continueRequested && !at.row.view.inPlace.value("continueRequested", false)) {
        judgement.continueRequested = true;
      }
      row->view.inPlace = toJson(judgement);
      if (failure) {
        auto targets = rows::loadTargets(db, id);
        if (!targets.ok()) return targets.error();
        if (Status ended = endInPlaceFailed(db, *row, *targets, failure->first, failure->second, now, effects);
            !ended.ok()) {
          return ended;
        }
      } else if (Status written = rows::saveDeployment(db, *row); !written.ok()) {
        return written;
      }
      effects.changedDeployments.insert(id);
      effects.wakeLoop = true;
      return transaction->commit();
    });
    if (!saved.ok()) return saved;
  }
  return Status::success();
}

}  // namespace greenlight::engine
