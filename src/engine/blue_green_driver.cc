// The blue/green strategy: provision a new fleet version, install on it (the in-place code does
// that part, on the deployment's targets), register it in the pool, wait for the balancer's health
// check, shift traffic step by step, keep the old fleet warm, retire it. A deployment that fails or
// is stopped unwinds: traffic back to the previous fleet at once, its own fleet retired.
//
// Each pass reads the deployment (one connection), asserts its phase's effect on the providers
// with no connection held (they take their own, and may take seconds), then commits what it saw
// in a second transaction. Effects are idempotent, so a server killed between the two simply does
// the effect again on its next pass.
#include <algorithm>
#include <cmath>
#include <map>

#include "catalog/analysis_spec.h"
#include "catalog/aws_fleet_spec.h"
#include "catalog/traffic_spec.h"
#include "engine/analysis.h"
#include "common/error_codes.h"
#include "engine/blue_green_state.h"
#include "engine/engine_impl.h"
#include "store/sqlite_transaction.h"
#include "traffic/traffic_split.h"

namespace greenlight::engine {
namespace {

using domain::DeploymentStatus;
using Instances = std::vector<catalog::Instance>;

struct Snapshot {
  rows::DeploymentRow row;
  BlueGreenState state;
  std::optional<catalog::DeploymentGroup> group;
  std::vector<rows::TargetRow> targets;
  std::map<std::string, Instances> fleets;  // live instances by fleet version
};

bool active(DeploymentStatus status) { return !domain::isFinal(status) &&
                                               status != DeploymentStatus::Created &&
                                               status != DeploymentStatus::Queued; }

std::vector<std::string> idsOf(const Instances& instances) {
  std::vector<std::string> ids;
  for (const auto& instance : instances) ids.push_back(instance.id);
  return ids;
}

const traffic::MemberStatus* findMember(const std::vector<traffic::MemberStatus>& members,
                                        const std::string& id) {
  for (const auto& member : members) {
    if (member.instanceId == id) return &member;
  }
  return nullptr;
}

bool passed(const std::optional<WallTime>& since, int limitSeconds, WallTime now) {
  return since && now - *since >= std::chrono::seconds(limitSeconds);
}

// "i-1a2b (web-v002-0, port 41001): L7STS HTTP status 500", one per member not healthy.
// `refused`: why the balancer would not take a member (by instance id).
std::string unhealthyList(const Instances& members, const std::vector<traffic::MemberStatus>& seen,
                          const std::map<std::string, std::string>& refused = {}) {
  std::string text;
  for (const auto& instance : members) {
    const traffic::MemberStatus* status = findMember(seen, instance.id);
    if (status != nullptr && status->healthy) continue;
    text += text.empty() ? "" : "; ";
    text += instance.id + " (" + instance.hostName + ", port " + std::to_string(instance.port) + ")";
    if (auto why = refused.find(instance.id); status == nullptr && why != refused.end()) {
      text += ": the load balancer would not take it: " + why->second;
    } else if (status == nullptr) {
      text += ": not in the pool";
    } else {
      text += ": " + status->status;
      if (!status->checkStatus.empty()) text += ", check " + status->checkStatus;
      if (!status->checkDetail.empty()) text += " " + status->checkDetail;
    }
  }
  return text;
}

}  // namespace

std::vector<FleetTraffic> observeTraffic(const std::vector<traffic::MemberStatus>& members,
                                         const std::map<std::string, Instances>& fleets) {
  std::map<std::string, std::string> side;
  for (const auto& [fleetVersion, instances] : fleets) {
    for (const auto& instance : instances) side[instance.id] = fleetVersion;
  }
  std::map<std::string, double> shares = traffic::shareBySide(members, side);
  std::map<std::string, FleetTraffic> byFleet;
  for (const auto& member : members) {
    auto label = side.find(member.instanceId);
    std::string fleet = label == side.end() ? std::string() : label->second;
    FleetTraffic& entry = byFleet[fleet];
    entry.fleetVersion = fleet;
    entry.instances += 1;
    if (member.healthy) entry.healthy += 1;
  }
  std::vector<FleetTraffic> observed;
  for (auto& [fleet, entry] : byFleet) {
    auto share = shares.find(fleet);
    entry.percent = share == shares.end() ? 0 : share->second;
    observed.push_back(entry);
  }
  return observed;
}

Result<bool> Engine::Impl::driveBlueGreen(const std::string& groupId, Effects& effects) {
  // Each step moves one phase on; a bound rather than trust.
  bool changed = false;
  for (int round = 0; round < 24; ++round) {
    auto open = database.withConnection(
        [&](store::SqliteDatabase& db) -> Result<std::vector<std::string>> {
          auto work = rows::deploymentsWithWork(db);
          if (!work.ok()) return work.error();
          std::vector<std::string> ids;
          for (const auto& row : *work) {
            if (row.view.groupId == groupId && row.blueGreenOpen) ids.push_back(row.view.id);
          }
          return ids;
        });
    if (!open.ok()) return open.error();
    bool progressed = false;
    for (const auto& id : *open) {
      Result<bool> stepped = stepBlueGreen(id, effects);
      if (!stepped.ok()) return stepped.error();
      progressed = progressed || *stepped;
    }
    if (!progressed) return changed;
    changed = true;
  }
  return changed;
}

Result<bool> Engine::Impl::stepBlueGreen(const std::string& id, Effects& effects) {
  auto loaded = database.withConnection([&](store::SqliteDatabase& db) -> Result<Snapshot> {
    Snapshot snapshot;
    auto row = rows::loadDeployment(db, id);
    if (!row.ok()) return row.error();
    snapshot.row = std::move(row).value();
    snapshot.state = blueGreenStateFromJson(snapshot.row.view.blueGreen);
    catalog::Catalog catalog(db, clock);
    auto group = catalog.getGroupById(snapshot.row.view.groupId);
    if (group.ok()) snapshot.group = std::move(group).value();
    else if (group.error().code != codes::kNotFound) return group.error();
    auto targets = rows::loadTargets(db, id);
    if (!targets.ok()) return targets.error();
    snapshot.targets = std::move(targets).value();
    auto instances = catalog.listInstances(snapshot.row.view.groupId);
    if (!instances.ok()) return instances.error();
    for (auto& instance : *instances) {
      if (instance.fleetVersion.empty()) continue;
      snapshot.fleets[instance.fleetVersion].push_back(instance);
    }
    return snapshot;
  });
  if (!loaded.ok()) return loaded.error();
  Snapshot& snap = *loaded;
  if (!snap.row.blueGreenOpen) return false;
  BlueGreenState& state = snap.state;
  const DeploymentView& view = snap.row.view;
  const WallTime now = clock.now();
  const bool running = active(view.status);

  // Commits a change to the deployment and its state, re-read in the transaction (an operator may
  // have stopped it meanwhile: status changes made here apply only while it is still running).
  auto commit = [&](const std::function<Status(store::SqliteDatabase&, rows::DeploymentRow&,
                                               BlueGreenState&)>& change) -> Result<bool> {
    Status done = database.withConnection([&](store::SqliteDatabase& db) -> Status {
      auto transaction = store::Transaction::begin(db);
      if (!transaction.ok()) return transaction.error();
      auto row = rows::loadDeployment(db, id);
      if (!row.ok()) return row.error();
      BlueGreenState fresh = blueGreenStateFromJson(row->view.blueGreen);
      if (Status changed = change(db, *row, fresh); !changed.ok()) return changed;
      row->view.blueGreen = toJson(fresh);
      if (Status saved = rows::saveDeployment(db, *row); !saved.ok()) return saved;
      return transaction->commit();
    });
    if (!done.ok()) return done.error();
    effects.changedDeployments.insert(id);
    return true;
  };
  // Ends the deployment (while it runs) with an error; the next step unwinds it. `rollBack`: a
  // linked rollback deployment records the switch back when the group rolls back on failures (on
  // alarms, for `alarm`).
  auto fail = [&](DeploymentStatus status, const std::string& code, const std::string& message,
                  bool rollBack, bool alarm = false) -> Result<bool> {
    return commit([&](store::SqliteDatabase& db, rows::DeploymentRow& row,
                      BlueGreenState& fresh) -> Status {
      if (!active(row.view.status)) return Status::success();
      row.view.status = status;
      row.view.endedAt = now;
      row.view.errorCode = code;
      row.view.errorMessage = message;
      fresh.switchRequestedAt = now;
      bool switchable = fresh.trafficMoved && !fresh.previousFleetVersion.empty();
      const catalog::AutoRollbackSpec* autoRollback = snap.group ? &snap.group->spec.autoRollback : nullptr;
      bool wanted = autoRollback != nullptr &&
                    (alarm ? autoRollback->onAlarm() : autoRollback->onFailure());
      if (rollBack && switchable && wanted &&
          row.view.creator != domain::DeploymentCreator::Rollback) {
        auto rollback = createRollbackOf(db, row, fresh.previousRevision, "greenlight");
        if (!rollback.ok()) return rollback.error();
        row.view.errorMessage += "\nAutomatic rollback: traffic goes back to " +
                                 fresh.previousFleetVersion + " (deployment " +
                                 rollback->view.id + ").";
        effects.changedDeployments.insert(rollback->view.id);
      } else if (switchable) {
        row.view.errorMessage += "\nTraffic goes back to " + fresh.previousFleetVersion + ".";
      } else if (!fresh.previousFleetVersion.empty()) {
        row.view.errorMessage += "\n" + fresh.previousFleetVersion +
                                 " still serves every request; " + fresh.fleetVersion +
                                 " never received one and is retired.";
      }
      return Status::success();
    });
  };

  if (!snap.group) {
    if (running) {
      return fail(DeploymentStatus::Failed, "GroupNotFound",
                  "Deployment group " + view.application + "/" + view.groupName +
                      " no longer exists.", false);
    }
    return commit([&](store::SqliteDatabase&, rows::DeploymentRow& row, BlueGreenState& fresh) {
      fresh.phase = phases::kDone;
      row.blueGreenOpen = false;
      return Status::success();
    });
  }
  const catalog::DeploymentGroup& group = *snap.group;
  auto balancer = catalog::loadBalancerOf(group);
  auto blueGreenOptions = catalog::blueGreenOf(group);
  if (!balancer.ok() || !blueGreenOptions.ok() || !balancer->has_value() || traffic == nullptr ||
      compute == nullptr) {
    std::string why = !balancer.ok()   ? balancer.error().message
                      : !blueGreenOptions.ok() ? blueGreenOptions.error().message
                      : !balancer->has_value()
                          ? std::string("the group has no load balancer (loadBalancer: in its spec)")
                          : std::string("this server has no traffic or compute provider for it");
    if (running) return fail(DeploymentStatus::Failed, "BlueGreenUnavailable", "Blue/green cannot run: " + why + ".", false);
    return commit([&](store::SqliteDatabase&, rows::DeploymentRow& row, BlueGreenState& fresh) {
      fresh.phase = phases::kDone;
      row.blueGreenOpen = false;
      return Status::success();
    });
  }
  const catalog::LoadBalancerSpec& lb = **balancer;
  const catalog::BlueGreenSpec& bg = *blueGreenOptions;
  const traffic::Pool pool = catalog::poolFor(group, lb);
  const std::string& newFleet = state.fleetVersion;
  const std::string& oldFleet = state.previousFleetVersion;
  auto fleet = [&](const std::string& name) -> Instances {
    auto found = snap.fleets.find(name);
    return found == snap.fleets.end() ? Instances{} : found->second;
  };
  // The new fleet's members: its instances whose install succeeded.
  auto installed = [&]() {
    Instances members;
    for (const auto& instance : fleet(newFleet)) {
      auto target = std::find_if(snap.targets.begin(), snap.targets.end(),
                                 [&](const rows::TargetRow& t) { return t.instanceId == instance.id; });
      if (target != snap.targets.end() && target->status == domain::InstanceStatus::Succeeded) {
        members.push_back(instance);
      }
    }
    return members;
  };
  // ... less those a rolling batch left out (unhealthy, within batchMinHealthyPercentage).
  auto servingNew = [&]() {
    Instances members = installed();
    members.erase(std::remove_if(members.begin(), members.end(),
                                 [&](const catalog::Instance& instance) {
                                   return std::find(state.leftOut.begin(), state.leftOut.end(),
                                                    instance.id) != state.leftOut.end();
                                 }),
                  members.end());
    return members;
  };
  auto readPool = [&]() -> Result<std::vector<traffic::MemberStatus>> {
    auto seen = traffic->status(pool.id);
    if (!seen.ok()) {
      return Error{seen.error().code, "cannot read the load balancer's pool " + pool.name + ": " +
                                          seen.error().message};
    }
    return seen;
  };
  // Instances of `members` in the pool, by id.
  auto inPool = [](const Instances& members, const std::vector<traffic::MemberStatus>& seen) {
    std::vector<std::string> ids;
    for (const auto& instance : members) {
      if (findMember(seen, instance.id) != nullptr) ids.push_back(instance.id);
    }
    return ids;
  };
  // A member the balancer refuses (an ELB target that is not running) is left out and named in
  // `refused`, to be judged as unhealthy; without `refused` the refusal is the pass's error.
  auto ensureMembers = [&](const Instances& members, std::map<std::string, std::string>* refused = nullptr)
      -> Result<std::vector<traffic::MemberStatus>> {
    if (Status ensured = traffic->ensurePool(pool); !ensured.ok()) return ensured.error();
    auto seen = readPool();
    if (!seen.ok()) return seen;
    bool added = false;
    for (const auto& instance : members) {
      if (findMember(*seen, instance.id) != nullptr) continue;
      if (Status joined = traffic->addMember(pool.id, {instance.id, "127.0.0.1", instance.port,
                                                         instance.fleetVersion});
          !joined.ok()) {
        if (refused == nullptr || joined.error().code == codes::kUnavailable) return joined.error();
        (*refused)[instance.id] = joined.error().message;
        continue;
      }
      added = true;
    }
    return added ? readPool() : seen;
  };
  // Sets the split and checks that the balancer holds exactly the weights asked for.
  auto applyWeights = [&](const std::map<std::string, int>& weights) -> Result<std::vector<traffic::MemberStatus>> {
    if (Status set = traffic->setWeights(pool.id, weights); !set.ok()) return set.error();
    auto seen = readPool();
    if (!seen.ok()) return seen;
    for (const auto& [member, weight] : weights) {
      const traffic::MemberStatus* status = findMember(*seen, member);
      // A member drained out of the pool gets no request: weight 0 holds (an ELB target group
      // weights all its members alike, so one of them at 0 is deregistered instead).
      if (status == nullptr && weight == 0) continue;
      if (status == nullptr || status->weight != weight) {
        return Error{codes::kUnavailable,
                     "the load balancer did not take weight " + std::to_string(weight) + " for " +
                         member + " (it shows " +
                         (status == nullptr ? std::string("no such member")
                                            : std::to_string(status->weight)) +
                         "); trying again"};
      }
    }
    return seen;
  };
  auto applySplit = [&](const std::vector<std::string>& oldIds, const std::vector<std::string>& newIds,
                        int percent) -> Result<std::vector<traffic::MemberStatus>> {
    return applyWeights(traffic::weightsForSplit(oldIds, newIds, percent));
  };
  auto healthFailure = [&](const std::vector<traffic::MemberStatus>& seen) -> std::string {
    Instances members = servingNew();
    std::string list = unhealthyList(members, seen);
    if (list.empty()) return "";
    return "The new fleet " + newFleet + " failed the load balancer's health check (GET " +
           lb.healthCheck.path + "): " + list + ".";
  };
  auto noteTraffic = [&](BlueGreenState& fresh, const std::vector<traffic::MemberStatus>& seen) {
    fresh.traffic = observeTraffic(seen, snap.fleets);
  };

  // What checks are told: the body of a webhook check, the placeholders of a Prometheus query.
  auto checkContext = [&]() -> nlohmann::json {
    return {{"deploymentId", id},           {"application", view.application},
            {"deploymentGroup", view.groupName}, {"fleetVersion", newFleet},
            {"previousFleetVersion", oldFleet}};
  };
  auto queryValues = [&](long long windowSeconds) {
    auto regexOf = [](const std::vector<std::string>& ids) {
      std::string pattern;
      for (const auto& instance : ids) pattern += (pattern.empty() ? "" : "|") + instance;
      return pattern.empty() ? std::string("^$") : pattern;
    };
    return std::map<std::string, std::string>{
        {"newInstances", regexOf(idsOf(installed()))}, {"oldInstances", regexOf(idsOf(fleet(oldFleet)))},
        {"fleetVersion", newFleet},                    {"previousFleetVersion", oldFleet},
        {"deploymentId", id},                          {"window", std::to_string(windowSeconds) + "s"}};
  };
  auto analysis = catalog::analysisOf(group);
  // A pause with the new fleet taking part of the traffic: the checks are measured every
  // intervalSeconds over the window since the pause began, and once more when it ends.
  auto analyse = [&](const catalog::AnalysisSpec& spec, const std::vector<traffic::MemberStatus>& seen,
                     bool over) -> Result<bool> {
    AnalysisWindow window;
    bool opened = state.analyses.empty() || state.analyses.back().stepIndex != state.stepIndex;
    if (opened) {
      window.stepIndex = state.stepIndex;
      window.trafficPercent = state.trafficPercent;
      window.startedAt = now;
      window.baseline = countersOf(seen);
      window.lastMeasuredAt = now;  // the first measurement comes an interval later
    } else {
      window = state.analyses.back();
    }
    auto save = [&](const AnalysisWindow& updated, bool advance) {
      return commit([&](store::SqliteDatabase&, rows::DeploymentRow&, BlueGreenState& fresh) {
        noteTraffic(fresh, seen);
        if (!fresh.analyses.empty() && fresh.analyses.back().stepIndex == updated.stepIndex) {
          fresh.analyses.back() = updated;
        } else {
          fresh.analyses.push_back(updated);
        }
        if (advance) {
          fresh.stepIndex += 1;
          fresh.stepStartedAt = now;
        }
        // A `continue` is used up by the step it ends, or by the wait it answers.
        if (advance || updated.waiting) fresh.continueRequested = false;
        return Status::success();
      });
    };
    if (opened) return save(window, false);
    if (window.waiting) {
      if (state.continueRequested) {
        window.waiting = false;
        window.verdict = "Continued";
        return save(window, true);
      }
      if (passed(window.waitingSince, spec.inconclusiveTimeoutSeconds, now)) {
        return fail(DeploymentStatus::Stopped, "AnalysisInconclusive",
                    "The analysis of step " + std::to_string(state.stepIndex + 1) +
                        " was inconclusive and nobody ran `greenlight continue " + id +
                        "` within inconclusiveTimeoutSeconds (" +
                        std::to_string(spec.inconclusiveTimeoutSeconds) +
                        "s): " + describeResults(window.results) + ".",
                    true);
      }
      return false;
    }
    bool due = over || !window.lastMeasuredAt ||
               now - *window.lastMeasuredAt >= std::chrono::seconds(spec.intervalSeconds);
    if (!due) return false;
    std::vector<std::string> oldIds = idsOf(fleet(oldFleet));
    std::vector<std::string> newIds = idsOf(installed());
    FleetWindow candidate = windowOf(seen, newIds, window.baseline);
    FleetWindow reference = windowOf(seen, oldIds, window.baseline);
    nlohmann::json context = checkContext();
    context.update({{"step", state.stepIndex + 1}, {"trafficPercent", state.trafficPercent}, {"final", over}});
    long long windowSeconds = std::max<long long>(
        spec.intervalSeconds,
        std::chrono::duration_cast<std::chrono::seconds>(now - window.startedAt.value_or(now)).count());
    std::map<std::string, std::string> values = queryValues(windowSeconds);
    std::vector<CheckResult> results;
    for (const auto& check : spec.checks) {
      if (check.loadBalancer) {
        results.push_back(judgeLoadBalancer(check, candidate, reference, over));
      } else if (check.prometheus) {
        results.push_back(measurePrometheus(check, values, over));
      } else {
        results.push_back(measureWebhook(check, context));
      }
    }
    std::optional<std::string> failure = recordMeasurement(window, std::move(results), spec, now);
    if (failure) {
      Result<bool> saved = save(window, false);
      if (!saved.ok()) return saved;
      return fail(DeploymentStatus::Failed, "AnalysisFailed",
                  "Step " + std::to_string(state.stepIndex + 1) + " (" +
                      std::to_string(state.trafficPercent) + "% on " + newFleet + "): " + *failure,
                  true);
    }
    if (!over) return save(window, false);
    window.verdict = finalVerdict(window);
    if (window.verdict == verdicts::kPassed) return save(window, true);
    if (state.continueRequested) {
      // The pause was ended by hand: the operator has judged what the checks could not.
      window.verdict = "Continued";
      return save(window, true);
    }
    window.waiting = true;
    window.waitingSince = now;
    return save(window, false);
  };

  // A gate step: it opens when what it waits for has happened (a `continue`, the webhook's 2xx,
  // or both); a `continue` also opens a gate that waits only for its webhook, the operator having
  // decided. At its deadline it stops the deployment (traffic goes back) or opens, as it says.
  auto passGate = [&](const domain::Gate& gate) -> Result<bool> {
    GateProgress progress;
    bool reached = state.gates.empty() || state.gates.back().stepIndex != state.stepIndex;
    if (reached) {
      progress.stepIndex = state.stepIndex;
      progress.startedAt = now;
    } else {
      progress = state.gates.back();
    }
    auto save = [&](bool advance) {
      return commit([&](store::SqliteDatabase&, rows::DeploymentRow&, BlueGreenState& fresh) {
        if (!fresh.gates.empty() && fresh.gates.back().stepIndex == progress.stepIndex) {
          fresh.gates.back() = progress;
        } else {
          fresh.gates.push_back(progress);
        }
        if (advance) {
          fresh.stepIndex += 1;
          fresh.stepStartedAt = now;
          fresh.continueRequested = false;
        }
        return Status::success();
      });
    };
    const bool overridden = !gate.approval && state.continueRequested;
    const bool approved = !gate.approval || state.continueRequested;
    bool hooked = !gate.webhook || progress.webhookPassed || overridden;
    bool asked = false;
    if (!hooked && (!progress.lastCheckedAt ||
                    now - *progress.lastCheckedAt >= std::chrono::seconds(gate.webhook->intervalSeconds))) {
      catalog::CheckSpec check;
      check.name = "gate";
      check.webhook = catalog::WebhookCheckSpec{gate.webhook->url, gate.webhook->timeoutSeconds};
      nlohmann::json context = checkContext();
      context.update({{"step", state.stepIndex + 1}, {"trafficPercent", state.trafficPercent}, {"gate", true}});
      progress.webhook = measureWebhook(check, context);
      progress.lastCheckedAt = now;
      progress.checks += 1;
      progress.webhookPassed = progress.webhook->verdict == verdicts::kPassed;
      hooked = progress.webhookPassed;
      asked = true;
    }
    if (approved && hooked) {
      progress.outcome = overridden ? "Continued" : "Opened";
      return save(true);
    }
    if (passed(state.stepStartedAt, gate.deadlineSeconds, now)) {
      if (gate.onDeadline == domain::GateDeadlineAction::Continue) {
        progress.outcome = "OpenedAtDeadline";
        return save(true);
      }
      progress.outcome = "TimedOut";
      Result<bool> saved = save(false);
      if (!saved.ok()) return saved;
      std::string missing;
      if (!approved) missing = "nobody ran `greenlight continue " + id + "`";
      if (!hooked) {
        missing += std::string(missing.empty() ? "" : " and ") + gate.webhook->url + " did not answer 2xx" +
                   (progress.webhook ? " (last: " + progress.webhook->summary + ")" : "");
      }
      return fail(DeploymentStatus::Stopped, "GateTimeout",
                  "The gate at step " + std::to_string(state.stepIndex + 1) + " did not open within " +
                      std::to_string(gate.deadlineSeconds) + "s: " + missing + ".",
                  true);
    }
    if (reached || asked) return save(false);
    return false;
  };

  // A weight step of a rolling replace: its batch is made first (Provisioning, Installing,
  // Registering, then back here); then every serving new instance and as many fewer old ones take
  // equal weights, the drained old ones kept running at weight 0 so that a switch back has the
  // whole original fleet. The last step drains them all.
  auto rollBatch = [&](int nominal, const std::vector<traffic::MemberStatus>& seen) -> Result<bool> {
    const int needed = batchesFor(state.steps, state.stepIndex);
    if (needed > state.batches) {
      return commit([&](store::SqliteDatabase&, rows::DeploymentRow&, BlueGreenState& fresh) {
        fresh.batches = needed;
        fresh.phase = phases::kProvisioning;
        fresh.phaseStartedAt = now;
        return Status::success();
      });
    }
    Instances old = fleet(oldFleet);
    std::sort(old.begin(), old.end(),
              [](const catalog::Instance& a, const catalog::Instance& b) { return a.ordinal < b.ordinal; });
    std::vector<std::string> fresh = inPool(servingNew(), seen);
    if (fresh.empty()) {
      return fail(DeploymentStatus::Failed, "HealthCheckFailed",
                  "No instance of " + newFleet + " can take traffic.", true);
    }
    std::size_t drain = nominal >= 100 ? old.size() : std::min(old.size(), fresh.size());
    std::map<std::string, int> weights;
    for (const auto& instance : fresh) weights[instance] = traffic::kServingWeight;
    for (const auto& instance : state.leftOut) {
      if (findMember(seen, instance) != nullptr) weights[instance] = 0;
    }
    std::size_t oldServing = 0;
    for (std::size_t i = 0; i < old.size(); ++i) {
      if (findMember(seen, old[i].id) == nullptr) continue;
      const bool serves = i >= drain;
      weights[old[i].id] = serves ? traffic::kServingWeight : 0;
      if (serves) ++oldServing;
    }
    auto applied = applyWeights(weights);
    if (!applied.ok()) return applied.error();
    const int percent = static_cast<int>(
        std::lround(100.0 * static_cast<double>(fresh.size()) / static_cast<double>(fresh.size() + oldServing)));
    return commit([&](store::SqliteDatabase&, rows::DeploymentRow&, BlueGreenState& next) {
      noteTraffic(next, *applied);
      next.trafficPercent = percent;
      next.trafficMoved = true;
      next.stepIndex += 1;
      next.stepStartedAt = now;
      return Status::success();
    });
  };

  // The group's alarms, measured every intervalSeconds while the new fleet may have traffic. An
  // alarm in the Failed state stops the deployment; one that cannot be read stops it too unless
  // the group ignores read failures. Answers a result when it acted, none when the phase goes on.
  auto watchAlarms = [&]() -> std::optional<Result<bool>> {
    auto alarms = catalog::alarmsOf(group);
    if (!alarms.ok()) {
      return fail(DeploymentStatus::Failed, "InvalidGroupSpec", alarms.error().message, true);
    }
    if (alarms->checks.empty()) return std::nullopt;
    if (state.alarmsCheckedAt &&
        now - *state.alarmsCheckedAt < std::chrono::seconds(alarms->intervalSeconds)) {
      return std::nullopt;
    }
    nlohmann::json context = checkContext();
    context.update({{"phase", state.phase}, {"alarm", true}});
    AlarmRound round = measureAlarms(*alarms, queryValues(alarms->intervalSeconds), context,
                                     cloudwatchFor(group));
    Result<bool> saved = commit([&](store::SqliteDatabase&, rows::DeploymentRow&, BlueGreenState& fresh) {
      fresh.alarmsCheckedAt = now;
      fresh.alarms = round.results;
      return Status::success();
    });
    if (!saved.ok()) return saved;
    if (!round.fired.empty()) {
      return fail(DeploymentStatus::Stopped, "AlarmActivated",
                  "An alarm fired during " + state.phase + ": " + round.fired + ".", true, true);
    }
    if (!round.unreadable.empty() && !alarms->ignoreReadFailures) {
      return fail(DeploymentStatus::Stopped, "AlarmReadFailed",
                  "An alarm could not be read during " + state.phase + ": " + round.unreadable +
                      ". Fix the alarm, or set `alarms.ignoreReadFailures: true` to deploy "
                      "without it when it cannot be read.",
                  true, true);
    }
    return saved;
  };

  // The provider completes the fleet that now serves every request (an aws fleet's scaling
  // policies, alarms and schedule), once. A failure that may pass is the pass's error (asked
  // again); any other is noted on the deployment and does not hold it: the fleet serves.
  auto completeServing = [&]() -> Result<bool> {
    if (state.completed) return true;
    Status serving = compute->fleetVersionServing(group.id, newFleet);
    if (!serving.ok() && (serving.error().code == codes::kUnavailable ||
                          serving.error().code == "AwsUnreachable")) {
      return serving.error();
    }
    return commit([&](store::SqliteDatabase&, rows::DeploymentRow& row, BlueGreenState& fresh) {
      fresh.completed = true;
      if (!serving.ok()) {
        row.view.errorMessage += std::string(row.view.errorMessage.empty() ? "" : "\n") + newFleet +
                                 " serves, but its provider could not complete it: " +
                                 serving.error().message;
      }
      return Status::success();
    });
  };

  // A deployment that ended while running unwinds: traffic back first, then its fleet retired.
  const std::string& phase = state.phase;
  if (!running && phase != phases::kRetiring && phase != phases::kDone &&
      phase != phases::kSwitchingBack) {
    return commit([&](store::SqliteDatabase&, rows::DeploymentRow&, BlueGreenState& fresh) {
      fresh.phaseStartedAt = now;
      if (!fresh.switchRequestedAt) fresh.switchRequestedAt = now;
      if (fresh.trafficMoved && !fresh.previousFleetVersion.empty() && !fresh.switchBack) {
        fresh.phase = phases::kSwitchingBack;
      } else {
        fresh.phase = phases::kRetiring;
        fresh.retire = {fresh.fleetVersion};
        if (fresh.switchBack) fresh.retire.clear();
        fresh.retireReason = "deployment " + id + " " + toString(view.status);
      }
      return Status::success();
    });
  }

  // A rolling replace making a later batch: the batches before it serve traffic meanwhile, so
  // their health and the group's alarms are watched as they are during a shift.
  const bool makingBatch = phase == phases::kProvisioning || phase == phases::kInstalling ||
                           phase == phases::kRegistering;
  if (running && makingBatch && state.batchSize > 0 && state.trafficMoved) {
    auto seen = readPool();
    if (!seen.ok()) return seen.error();
    Instances serving = servingNew();
    const int earlier = (state.batches - 1) * state.batchSize;
    serving.erase(std::remove_if(serving.begin(), serving.end(),
                                 [&](const catalog::Instance& instance) { return instance.ordinal >= earlier; }),
                  serving.end());
    if (std::string list = unhealthyList(serving, *seen); !list.empty()) {
      return fail(DeploymentStatus::Failed, "HealthCheckFailed",
                  "The new fleet " + newFleet + " failed the load balancer's health check (GET " +
                      lb.healthCheck.path + ") while batch " + std::to_string(state.batches) +
                      " was being made: " + list + ".",
                  true);
    }
    if (view.creator != domain::DeploymentCreator::Rollback) {
      if (std::optional<Result<bool>> acted = watchAlarms()) return *acted;
    }
    pollSoon = true;
  }

  if (phase == phases::kProvisioning) {
    if (Status ensured = traffic->ensurePool(pool); !ensured.ok()) {
      return fail(DeploymentStatus::Failed, "LoadBalancerFailed",
                  "Cannot set up the pool " + pool.name + ": " + ensured.error().message, false);
    }
    int count = view.numbers ? view.numbers->instanceCount : group.spec.fleet.instances;
    // An aws fleet's size is its Auto Scaling group's capacity (the provider's to decide: copied
    // from the serving version unless forced), except for a rolling replace's batches.
    if (group.spec.fleet.provider == catalog::FleetProvider::Aws) count = 0;
    if (state.batchSize > 0) count = std::min(state.fleetSize, state.batches * state.batchSize);
    auto made = compute->provisionFleetVersion(group.id, newFleet, count);
    // Still launching (an Auto Scaling group filling up): asked again until provisionTimeoutSeconds
    // (an aws fleet: its healthyTimeoutSeconds, which its provider enforces too).
    int launchSeconds = bg.provisionTimeoutSeconds;
    if (group.spec.fleet.provider == catalog::FleetProvider::Aws) {
      if (auto aws = catalog::awsFleetOf(group); aws.ok()) launchSeconds = aws->healthyTimeoutSeconds;
    }
    if (!made.ok() && made.error().code == codes::kUnavailable && running &&
        !passed(state.phaseStartedAt, launchSeconds, now)) {
      pollSoon = true;
      return false;
    }
    if (!made.ok()) {
      return fail(DeploymentStatus::Failed, "ProvisionFailed",
                  "Could not start the new fleet " + newFleet + ": " + made.error().message,
                  state.trafficMoved);  // a rolling replace's later batch: traffic goes back
    }
    return commit([&](store::SqliteDatabase& db, rows::DeploymentRow& row, BlueGreenState& fresh) -> Status {
      for (const auto& instance : *made) {
        auto existing = rows::findTarget(db, id, instance.id);
        if (!existing.ok()) return existing.error();
        if (*existing) continue;
        rows::TargetRow target;
        target.deploymentId = id;
        target.instanceId = instance.id;
        target.hostName = instance.hostName;
        target.port = instance.port;
        if (Status inserted = rows::insertTarget(db, target); !inserted.ok()) return inserted;
      }
      if (fresh.phase == phases::kProvisioning) {
        fresh.phase = phases::kInstalling;
        fresh.phaseStartedAt = now;
      }
      (void)row;
      return Status::success();
    });
  }

  if (phase == phases::kInstalling) {
    // The in-place part drives the lifecycle; an agent that never enrols in time fails it.
    if (!running || !passed(state.phaseStartedAt, bg.provisionTimeoutSeconds, now)) return false;
    std::string waiting;
    for (const auto& instance : fleet(newFleet)) {
      if (instance.lifecycle != catalog::InstanceLifecycle::Launching) continue;
      waiting += (waiting.empty() ? "" : ", ") + instance.id + " (" + instance.hostName + ")";
    }
    if (waiting.empty()) return false;
    return fail(DeploymentStatus::Failed, "ProvisionTimeout",
                "The new fleet " + newFleet + " was not up within provisionTimeoutSeconds (" +
                    std::to_string(bg.provisionTimeoutSeconds) + "s): " + waiting +
                    " never connected. Check the agents' logs (agent.log in each instance's folder).",
                state.trafficMoved);
  }

  if (phase == phases::kRegistering) {
    Instances members = servingNew();
    std::map<std::string, std::string> refused;
    auto seen = ensureMembers(members, &refused);
    if (!seen.ok()) return seen.error();
    std::string unhealthy = unhealthyList(members, *seen, refused);
    // The provider's own view too (an aws instance must be InService and Healthy in its group).
    auto providerSick = compute->unhealthyInstances(group.id, newFleet);
    if (!providerSick.ok()) return providerSick.error();
    if (!providerSick->empty()) unhealthy += (unhealthy.empty() ? "" : "; ") + *providerSick;
    // A rolling replace's later batch joins a shift under way: it goes back to the step it is for.
    const bool laterBatch = state.batchSize > 0 && state.batches > 1;
    auto registered = [&](std::vector<std::string> leftOut) {
      return commit([&](store::SqliteDatabase&, rows::DeploymentRow& row, BlueGreenState& fresh) {
        noteTraffic(fresh, *seen);
        fresh.phaseStartedAt = now;
        fresh.stepStartedAt = now;
        fresh.leftOut.insert(fresh.leftOut.end(), leftOut.begin(), leftOut.end());
        if (laterBatch) {
          fresh.phase = phases::kShifting;
          return Status::success();
        }
        fresh.stepIndex = 0;
        if (bg.waitForReady && active(row.view.status)) {
          fresh.phase = phases::kReady;
          row.view.status = DeploymentStatus::Ready;
        } else {
          fresh.phase = phases::kShifting;
        }
        return Status::success();
      });
    };
    if (state.batchSize > 0) {
      // The batch: the instances this round made, those whose lifecycle failed counted as sick
      // (they are never registered). Wholly healthy it goes on at once; healthy enough at the
      // grace period's end it goes on without the others; below batchMinHealthyPercentage the
      // deployment stops, and once traffic has moved the old fleet takes all of it back. (The
      // batches before it are watched above, while this one is made.)
      const int grace = bg.rolling ? bg.rolling->gracePeriodSeconds : lb.startGracePeriodSeconds;
      const int minHealthy = bg.rolling ? bg.rolling->batchMinHealthyPercentage : 100;
      const int first = (state.batches - 1) * state.batchSize;
      bool mayRecover = false;  // a sick one that installed and may yet pass its check
      int inBatch = 0;
      std::vector<std::string> sick;
      std::string sickList;
      for (const auto& instance : fleet(newFleet)) {
        if (instance.ordinal < first) continue;
        ++inBatch;
        const bool isInstalled = std::any_of(members.begin(), members.end(),
                                             [&](const catalog::Instance& m) { return m.id == instance.id; });
        const traffic::MemberStatus* status = findMember(*seen, instance.id);
        if (isInstalled && status != nullptr && status->healthy) continue;
        sick.push_back(instance.id);
        sickList += sickList.empty() ? "" : "; ";
        if (isInstalled) {
          mayRecover = true;
          sickList += unhealthyList({instance}, *seen);
        } else {
          sickList += instance.id + " (" + instance.hostName + "): its lifecycle failed";
        }
      }
      if (sick.empty()) return registered({});
      if (mayRecover && !passed(state.phaseStartedAt, grace, now)) {
        pollSoon = true;
        return false;
      }
      const int healthy = inBatch - static_cast<int>(sick.size());
      const int percent = inBatch == 0 ? 0 : 100 * healthy / inBatch;
      if (healthy > 0 && percent >= minHealthy) return registered(sick);
      return fail(DeploymentStatus::Failed, "HealthCheckFailed",
                  "Batch " + std::to_string(state.batches) + " of " + std::to_string(batchCount(state)) +
                      " of " + newFleet + ": " + std::to_string(healthy) + " of " + std::to_string(inBatch) +
                      " instances installed and passed the load balancer's health check (GET " +
                      lb.healthCheck.path + ") within gracePeriodSeconds (" + std::to_string(grace) +
                      "s), below batchMinHealthyPercentage (" + std::to_string(minHealthy) + "%): " +
                      sickList + ".",
                  state.trafficMoved);
    }
    if (unhealthy.empty()) return registered({});
    if (passed(state.phaseStartedAt, lb.startGracePeriodSeconds, now)) {
      return fail(DeploymentStatus::Failed, "HealthCheckFailed",
                  "The new fleet " + newFleet + " did not pass the load balancer's health check "
                  "(GET " + lb.healthCheck.path + ") within startGracePeriodSeconds (" +
                      std::to_string(lb.startGracePeriodSeconds) + "s): " + unhealthy +
                      ". It received no request. Check the instances' logs and /health.",
                  false);
    }
    pollSoon = true;
    if (observeTraffic(*seen, snap.fleets) == state.traffic) return false;
    (void)commit([&](store::SqliteDatabase&, rows::DeploymentRow&, BlueGreenState& fresh) {
      noteTraffic(fresh, *seen);
      return Status::success();
    });
    return false;
  }

  if (phase == phases::kReady || phase == phases::kShifting || phase == phases::kTerminationWait) {
    auto seen = readPool();
    if (!seen.ok()) return seen.error();
    if (std::string failure = healthFailure(*seen); !failure.empty()) {
      return fail(DeploymentStatus::Failed, "HealthCheckFailed", failure, true);
    }
    pollSoon = true;  // health is watched closely while traffic is on the line
    // A rollback restores service: the alarm that stopped what it undoes must not stop it too.
    if (running && view.creator != domain::DeploymentCreator::Rollback) {
      if (std::optional<Result<bool>> acted = watchAlarms()) return *acted;
    }
    if (phase == phases::kReady) {
      if (!bg.waitForReady || state.continueRequested) {
        return commit([&](store::SqliteDatabase&, rows::DeploymentRow& row, BlueGreenState& fresh) {
          fresh.phase = phases::kShifting;
          fresh.continueRequested = false;
          fresh.stepIndex = 0;
          fresh.stepStartedAt = now;
          if (row.view.status == DeploymentStatus::Ready) row.view.status = DeploymentStatus::InProgress;
          return Status::success();
        });
      }
      if (passed(state.phaseStartedAt, bg.readyTimeoutSeconds, now)) {
        return fail(DeploymentStatus::Stopped, "ReadyTimeout",
                    "Nobody ran `greenlight continue " + id + "` within readyTimeoutSeconds (" +
                        std::to_string(bg.readyTimeoutSeconds) + "s); the deployment stopped and " +
                        newFleet + " is retired.",
                    false);
      }
      return false;
    }
    if (phase == phases::kShifting) {
      const auto stepCount = static_cast<int>(state.steps.size());
      if (state.stepIndex >= stepCount) {
        // The group's first fleet serves every request and ends here: the provider completes it.
        if (state.previousFleetVersion.empty() && running && !state.completed) return completeServing();
        return commit([&](store::SqliteDatabase&, rows::DeploymentRow& row, BlueGreenState& fresh) {
          noteTraffic(fresh, *seen);
          fresh.phaseStartedAt = now;
          fresh.continueRequested = false;
          if (fresh.previousFleetVersion.empty()) {
            // The group's first fleet: nothing to keep warm, nothing to retire.
            fresh.phase = phases::kDone;
            row.blueGreenOpen = false;
            if (active(row.view.status)) {
              row.view.status = DeploymentStatus::Succeeded;
              row.view.endedAt = now;
            }
          } else {
            fresh.phase = phases::kTerminationWait;
            if (active(row.view.status)) row.view.status = DeploymentStatus::Baking;
          }
          return Status::success();
        });
      }
      const domain::TrafficStep& step = state.steps[static_cast<std::size_t>(state.stepIndex)];
      if (step.gate) return passGate(*step.gate);
      if (step.isPause()) {
        bool over = state.continueRequested ||
                    (step.pauseSeconds && passed(state.stepStartedAt, *step.pauseSeconds, now));
        if (!analysis.ok()) {
          return fail(DeploymentStatus::Failed, "InvalidGroupSpec", analysis.error().message, true);
        }
        if (!analysis->checks.empty() && state.trafficPercent > 0 &&
            state.trafficPercent < 100 && !oldFleet.empty()) {
          return analyse(*analysis, *seen, over);
        }
        if (!over) {
          if (observeTraffic(*seen, snap.fleets) != state.traffic) {
            (void)commit([&](store::SqliteDatabase&, rows::DeploymentRow&, BlueGreenState& fresh) {
              noteTraffic(fresh, *seen);
              return Status::success();
            });
          }
          return false;
        }
        return commit([&](store::SqliteDatabase&, rows::DeploymentRow&, BlueGreenState& fresh) {
          fresh.stepIndex += 1;
          fresh.stepStartedAt = now;
          fresh.continueRequested = false;
          return Status::success();
        });
      }
      if (state.batchSize > 0) return rollBatch(*step.setWeight, *seen);
      std::vector<std::string> oldIds = inPool(fleet(oldFleet), *seen);
      std::vector<std::string> newIds = idsOf(installed());
      int percent = oldIds.empty() ? 100 : *step.setWeight;
      auto applied = applySplit(oldIds, newIds, percent);
      if (!applied.ok()) return applied.error();
      return commit([&](store::SqliteDatabase&, rows::DeploymentRow&, BlueGreenState& fresh) {
        noteTraffic(fresh, *applied);
        fresh.trafficPercent = percent;
        fresh.trafficMoved = fresh.trafficMoved || percent > 0;
        fresh.stepIndex += 1;
        fresh.stepStartedAt = now;
        return Status::success();
      });
    }
    // TerminationWait.
    if (!state.continueRequested && !passed(state.phaseStartedAt, bg.terminationWaitSeconds, now)) {
      return false;
    }
    return commit([&](store::SqliteDatabase&, rows::DeploymentRow&, BlueGreenState& fresh) -> Status {
      fresh.phase = phases::kRetiring;
      fresh.phaseStartedAt = now;
      fresh.continueRequested = false;
      fresh.retireReason = "replaced by " + fresh.fleetVersion + " (deployment " + id + ")";
      fresh.retire = {fresh.previousFleetVersion};
      fresh.keepAlive.clear();
      if (bg.keepOriginalAlive) {
        // Keep the newest maxRemainingFleets old fleet versions running (deregistered); retire
        // the older ones.
        std::vector<std::string> alive;
        for (const auto& [name, instances] : snap.fleets) {
          if (name != fresh.fleetVersion && !instances.empty()) alive.push_back(name);
        }
        std::sort(alive.begin(), alive.end(), [](const std::string& a, const std::string& b) {
          return fleetVersionNumber(a) > fleetVersionNumber(b);
        });
        fresh.retire = alive;
        for (std::size_t i = 0; i < alive.size() && static_cast<int>(i) < bg.maxRemainingFleets; ++i) {
          fresh.keepAlive.push_back(alive[i]);
        }
      }
      return Status::success();
    });
  }

  if (phase == phases::kSwitchingBack) {
    // A rollback brings fleetVersion back and drains previousFleetVersion; an unwinding
    // deployment brings its previous fleet back and drains its own.
    const std::string serve = state.switchBack ? newFleet : oldFleet;
    const std::string drain = state.switchBack ? oldFleet : newFleet;
    Instances serving = fleet(serve);
    auto toRetiring = [&](const std::string& note) {
      return commit([&](store::SqliteDatabase&, rows::DeploymentRow& row, BlueGreenState& fresh) {
        fresh.phase = phases::kRetiring;
        fresh.phaseStartedAt = now;
        fresh.retire = {drain};
        fresh.retireReason = "deployment " + id + " switched traffic back to " + serve;
        if (!note.empty()) {
          row.view.errorMessage += (row.view.errorMessage.empty() ? "" : "\n") + note;
        }
        return Status::success();
      });
    };
    if (serving.empty()) {
      if (state.switchBack && running) {
        return fail(DeploymentStatus::Failed, "NothingToSwitchBackTo",
                    serve + " has no instance left to take the traffic back; deploy the revision "
                    "again instead.", false);
      }
      return toRetiring(serve + " has no instance left; traffic was not moved back.");
    }
    std::map<std::string, std::string> refused;
    auto seen = ensureMembers(serving, &refused);
    if (!seen.ok()) return seen.error();
    int healthy = 0;
    for (const auto& instance : serving) {
      const traffic::MemberStatus* status = findMember(*seen, instance.id);
      if (status != nullptr && status->healthy) ++healthy;
    }
    if (healthy == 0) {
      if (!passed(state.phaseStartedAt, lb.startGracePeriodSeconds, now)) {
        pollSoon = true;
        return false;
      }
      std::string detail = unhealthyList(serving, *seen, refused);
      if (state.switchBack && running) {
        return fail(DeploymentStatus::Failed, "HealthCheckFailed",
                    "Cannot switch back: no instance of " + serve + " passes the health check: " +
                        detail + ".", false);
      }
      return toRetiring("Traffic was not moved back: no instance of " + serve +
                        " passes the health check (" + detail + ").");
    }
    auto applied = applySplit(inPool(fleet(drain), *seen), inPool(serving, *seen), 100);
    if (!applied.ok()) return applied.error();
    return commit([&](store::SqliteDatabase& db, rows::DeploymentRow&, BlueGreenState& fresh) {
      noteTraffic(fresh, *applied);
      if (fresh.switchRequestedAt) {
        fresh.switchMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                             clock.now() - *fresh.switchRequestedAt)
                             .count();
      }
      fresh.trafficPercent = fresh.switchBack ? 100 : 0;
      fresh.phase = phases::kRetiring;
      fresh.phaseStartedAt = now;
      fresh.retire = {drain};
      fresh.retireReason = "deployment " + id + " switched traffic back to " + serve;
      if (fresh.switchBack && view.rollbackOf) {
        // The deployment undone retires its own fleet as it unwinds, unless it had finished.
        auto undone = rows::loadDeployment(db, *view.rollbackOf);
        if (undone.ok() && undone->view.status != DeploymentStatus::Succeeded) fresh.retire.clear();
      }
      return Status::success();
    });
  }

  if (phase == phases::kRetiring) {
    // A version that succeeded serves every request from now on: the provider completes it
    // (an aws fleet's scaling policies, alarms and scheduled actions) before older ones go.
    if (active(view.status) && !state.switchBack && !state.completed) return completeServing();
    auto seen = readPool();
    if (!seen.ok()) return seen.error();
    bool drained = true;
    for (const auto& name : state.retire) {
      for (const auto& instance : fleet(name)) {
        if (findMember(*seen, instance.id) == nullptr) continue;
        auto gone = traffic->removeMember(pool.id, instance.id);
        if (!gone.ok()) return gone.error();
        drained = drained && *gone;
      }
    }
    if (!drained && !passed(state.phaseStartedAt, lb.drainTimeoutSeconds, now)) {
      pollSoon = true;
      return false;
    }
    for (const auto& name : state.retire) {
      if (std::find(state.keepAlive.begin(), state.keepAlive.end(), name) != state.keepAlive.end()) {
        continue;
      }
      if (Status stopped = compute->retireFleetVersion(group.id, name, state.retireReason);
          !stopped.ok()) {
        if (stopped.error().code == codes::kUnavailable) {  // under way (a gradual scale-down)
          pollSoon = true;
          return false;
        }
        return stopped.error();
      }
    }
    if (!drained) {
      // Past the drain timeout: the processes are gone now, so the members go at once.
      for (const auto& name : state.retire) {
        for (const auto& instance : fleet(name)) (void)traffic->removeMember(pool.id, instance.id);
      }
    }
    auto after = readPool();
    return commit([&](store::SqliteDatabase&, rows::DeploymentRow& row, BlueGreenState& fresh) {
      if (after.ok()) {
        std::map<std::string, Instances> remaining = snap.fleets;
        for (const auto& name : fresh.retire) {
          if (std::find(fresh.keepAlive.begin(), fresh.keepAlive.end(), name) == fresh.keepAlive.end()) {
            remaining.erase(name);
          }
        }
        fresh.traffic = observeTraffic(*after, remaining);
      }
      fresh.phase = phases::kDone;
      row.blueGreenOpen = false;
      if (!drained) {
        row.view.errorMessage += std::string(row.view.errorMessage.empty() ? "" : "\n") +
                                 "Requests were still in flight on the retired fleet after "
                                 "drainTimeoutSeconds (" + std::to_string(lb.drainTimeoutSeconds) +
                                 "s).";
      }
      if (active(row.view.status)) {
        row.view.status = DeploymentStatus::Succeeded;
        row.view.endedAt = now;
      }
      return Status::success();
    });
  }

  // Done (or a phase this greenlight does not know): nothing left to do.
  return commit([&](store::SqliteDatabase&, rows::DeploymentRow& row, BlueGreenState& fresh) {
    fresh.phase = phases::kDone;
    row.blueGreenOpen = false;
    return Status::success();
  });
}

}  // namespace greenlight::engine
