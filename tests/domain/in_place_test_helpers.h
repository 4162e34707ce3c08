// Builders and a deterministic simulator for the in-place strategy tests: targets from ids, and
// whole deployments driven by feeding decisions back with chosen successes and failures.
#pragma once

#include <algorithm>
#include <deque>
#include <stdexcept>
#include <set>
#include <string>
#include <vector>

#include "domain/in_place_decision.h"
#include "domain/predefined_configs.h"

namespace greenlight::domain::testing {

inline InPlacePolicy policy(MinimumHealthyHostsType type, int value) {
  return InPlacePolicy{"custom", MinimumHealthyHosts{type, value}};
}
inline InPlacePolicy hostCount(int value) { return policy(MinimumHealthyHostsType::HostCount, value); }
inline InPlacePolicy fleetPercent(int value) {
  return policy(MinimumHealthyHostsType::FleetPercent, value);
}
inline InPlacePolicy predefined(const char* name) {
  return InPlacePolicy::fromConfig(*findPredefinedConfig(name)).value();
}

// Healthy, pending instances "i-01" ... "i-NN" (zero-padded so id order is numeric order).
inline std::vector<TargetState> healthyTargets(int count) {
  std::vector<TargetState> targets;
  for (int i = 1; i <= count; ++i) {
    std::string id = std::to_string(i);
    if (id.size() < 2) id = "0" + id;
    targets.push_back({"i-" + id, InstanceStatus::Pending, InstanceHealth::Healthy, RevisionHealth::Old});
  }
  return targets;
}

inline TargetState& target(std::vector<TargetState>& targets, const std::string& id) {
  for (auto& candidate : targets) {
    if (candidate.instanceId == id) return candidate;
  }
  throw std::logic_error("no target " + id);
}

struct Simulation {
  std::vector<std::vector<std::string>> starts;  // each decision's instancesToStart, when not empty
  InPlaceDecision last;
  int mostInFlight = 0;
  int fewestHealthyAfterStart = 1 << 30;  // serving healthy instances right after each start
};

inline void recordFlight(Simulation& simulation, const std::vector<TargetState>& targets) {
  int inFlight = 0;
  int healthy = 0;
  for (const auto& t : targets) {
    if (t.status == InstanceStatus::InProgress) ++inFlight;
    bool serving = t.status == InstanceStatus::Pending || t.status == InstanceStatus::Succeeded;
    if (serving && t.health == InstanceHealth::Healthy) ++healthy;
  }
  simulation.mostInFlight = std::max(simulation.mostInFlight, inFlight);
  simulation.fewestHealthyAfterStart = std::min(simulation.fewestHealthyAfterStart, healthy);
}

inline void finish(TargetState& t, const std::set<std::string>& failing) {
  bool fails = failing.count(t.instanceId) > 0;
  t.status = fails ? InstanceStatus::Failed : InstanceStatus::Succeeded;
  t.health = fails ? InstanceHealth::Unhealthy : InstanceHealth::Healthy;
  t.revisionHealth = RevisionHealth::Current;
}

// Starts what each decision says; `inWaves`: every instance in flight finishes before the next
// decision (batches); otherwise they finish one at a time, oldest first (a sliding window).
inline Simulation simulate(const InPlacePolicy& policy, std::vector<TargetState> targets,
                           const std::set<std::string>& failing, bool inWaves = true) {
  Simulation simulation;
  std::deque<std::string> inFlight;
  for (std::size_t step = 0; step < 4 * targets.size() + 4; ++step) {
    simulation.last = decide(policy, targets);
    if (!simulation.last.instancesToStart.empty()) {
      simulation.starts.push_back(simulation.last.instancesToStart);
      for (const auto& id : simulation.last.instancesToStart) {
        target(targets, id).status = InstanceStatus::InProgress;
        inFlight.push_back(id);
      }
      recordFlight(simulation, targets);
    }
    if (simulation.last.outcome != InPlaceOutcome::Continue) return simulation;
    if (inFlight.empty()) throw std::logic_error("Continue with nothing in flight or started");
    do {
      finish(target(targets, inFlight.front()), failing);
      inFlight.pop_front();
    } while (inWaves && !inFlight.empty());
  }
  throw std::logic_error("simulation did not end");
}

inline std::vector<std::string> ids(std::initializer_list<const char*> names) {
  return std::vector<std::string>(names.begin(), names.end());
}

}  // namespace greenlight::domain::testing
