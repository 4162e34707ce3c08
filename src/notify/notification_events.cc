// Deriving a deployment's events from its view and what was notified of it (see the header).
#include "notify/notification_events.h"

#include <algorithm>

#include "domain/deployment_status.h"
#include "domain/instance_state.h"

namespace greenlight::notify {
namespace {

using nlohmann::json;
using domain::DeploymentStatus;
using domain::InstanceStatus;

std::string text(const json& object, const char* key) {
  if (!object.is_object()) return "";
  auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : "";
}

int whole(const json& object, const char* key, int fallback) {
  if (!object.is_object()) return fallback;
  auto found = object.find(key);
  return found != object.end() && found->is_number_integer() ? found->get<int>() : fallback;
}

bool isFinalVerdict(const std::string& verdict) {
  return !verdict.empty() && verdict != "Running";
}

// The status shown with an event that happened while the deployment was under way: a deployment
// already finished (or baking) when it was seen was in progress when its earlier events happened.
std::string underWayStatus(DeploymentStatus status) {
  if (domain::isFinal(status) || status == DeploymentStatus::Baking) return "InProgress";
  return domain::toString(status);
}

// What the blue/green part of the view says has happened.
struct BlueGreenFacts {
  bool ready = false;
  int stepsStarted = 0;
  bool baking = false;
};

BlueGreenFacts blueGreenFacts(const engine::DeploymentView& view) {
  BlueGreenFacts facts;
  const json& bg = view.blueGreen;
  if (!bg.is_object() || bg.value("switchBack", false)) return facts;
  std::string phase = text(bg, "phase");
  const json steps = bg.contains("steps") && bg["steps"].is_array() ? bg["steps"] : json::array();
  const int count = static_cast<int>(steps.size());
  bool succeeding = view.status == DeploymentStatus::Succeeded || view.status == DeploymentStatus::Baking;
  bool pastShift = phase == "TerminationWait" ||
                   ((phase == "Retiring" || phase == "Done") && succeeding);
  if (phase == "Shifting") {
    facts.stepsStarted = std::clamp(whole(bg, "stepIndex", 0) + 1, 0, count);
  } else if (pastShift) {
    facts.stepsStarted = count;
  }
  // An analysis window belongs to a pause, which had started.
  if (auto analyses = bg.find("analyses"); analyses != bg.end() && analyses->is_array()) {
    for (const auto& window : *analyses) {
      facts.stepsStarted = std::max(facts.stepsStarted,
                                    std::min(whole(window, "stepIndex", -1) + 1, count));
    }
  }
  facts.ready = phase == "Ready" || phase == "Shifting" || pastShift || facts.stepsStarted > 0;
  bool hadPrevious = !text(bg, "previousFleetVersion").empty();
  facts.baking = phase == "TerminationWait" || view.status == DeploymentStatus::Baking ||
                 (view.status == DeploymentStatus::Succeeded && hadPrevious && pastShift);
  return facts;
}

// The step as receivers see it: its place, what it does, and the new fleet's share during it.
json stepDetails(const json& steps, int index) {
  json step = steps[static_cast<std::size_t>(index)];
  int traffic = 0;
  for (int i = 0; i <= index; ++i) {
    traffic = whole(steps[static_cast<std::size_t>(i)], "setWeight", traffic);
  }
  json details = {{"index", index},
                  {"number", index + 1},
                  {"count", steps.size()},
                  {"trafficPercent", traffic}};
  if (step.contains("setWeight")) {
    details["setWeight"] = step["setWeight"];
  } else if (step.contains("gate") && step["gate"].is_object()) {
    details["gate"] = step["gate"];
    details["waitsForContinue"] = step["gate"].value("continue", false);
  } else {
    json pause = step.value("pause", json::object());
    details["pause"] = pause.is_object() ? pause : json::object();
    details["waitsForContinue"] = !details["pause"].contains("seconds");
  }
  return details;
}

json analysisDetails(const json& window, int index) {
  json results = json::array();
  if (auto found = window.find("results"); found != window.end() && found->is_array()) {
    for (const auto& result : *found) {
      results.push_back({{"name", text(result, "name")},
                         {"kind", text(result, "kind")},
                         {"verdict", text(result, "verdict")},
                         {"summary", text(result, "summary")}});
    }
  }
  return {{"index", index},
          {"stepIndex", whole(window, "stepIndex", -1)},
          {"trafficPercent", whole(window, "trafficPercent", 0)},
          {"verdict", text(window, "verdict")},
          {"measurements", whole(window, "measurements", 0)},
          {"failures", whole(window, "failures", 0)},
          {"results", results}};
}

// The lifecycle event an instance event is about: the first one that ran (start), the one that
// failed (failure), else the last one reported.
std::string lifecycleEventOf(const engine::TargetView& target, const std::string& event) {
  if (event == "InstanceStart") {
    for (const auto& lifecycle : target.events) {
      if (lifecycle.startedAt || lifecycle.status != "Pending") return lifecycle.event;
    }
  }
  if (event == "InstanceFailure") {
    for (const auto& lifecycle : target.events) {
      if (lifecycle.status == "Failed") return lifecycle.event;
    }
  }
  return target.currentEvent;
}

json instanceDetails(const engine::TargetView& target, const std::string& event,
                     const std::string& status) {
  json details = {{"instanceId", target.instanceId},
                  {"hostName", target.hostName},
                  {"status", status},
                  {"lifecycleEvent", lifecycleEventOf(target, event)}};
  if (event == "InstanceFailure") {
    details["errorCode"] = target.errorCode;
    details["message"] = target.message;
  }
  return details;
}

class Deriver {
 public:
  Deriver(const NotifiedState& notified, const engine::DeploymentView& view, WallTime now)
      : state_(notified), view_(view), now_(now) {}

  Derivation run() {
    const DeploymentStatus status = view_.status;
    const bool final = domain::isFinal(status);
    if (!state_.started &&
        (view_.startedAt || status == DeploymentStatus::InProgress ||
         status == DeploymentStatus::Ready || status == DeploymentStatus::Baking)) {
      state_.started = true;
      add("DeploymentStart", view_.startedAt.value_or(now_), "InProgress");
    }
    instanceEvents();
    BlueGreenFacts facts = blueGreenFacts(view_);
    if (facts.ready && !state_.ready) {
      for (const auto& target : view_.targets) {
        NotifiedState::Target& seen = state_.targets[target.instanceId];
        if (seen.ready || seen.outcome != "Succeeded") continue;
        seen.ready = true;
        add("InstanceReady", now_, underWayStatus(status),
            instanceDetails(target, "InstanceReady", "Ready"));
      }
      state_.ready = true;
      add("DeploymentReady", now_, status == DeploymentStatus::Ready ? "Ready" : underWayStatus(status));
    }
    stepEvents(facts.stepsStarted);
    if (facts.baking && !state_.baking) {
      state_.baking = true;
      add("Baking", now_, "Baking");
    }
    if (final && state_.finalStatus.empty()) {
      state_.finalStatus = domain::toString(status);
      const char* event = status == DeploymentStatus::Succeeded ? "DeploymentSuccess"
                          : status == DeploymentStatus::Failed  ? "DeploymentFailure"
                                                                : "DeploymentStop";
      add(event, view_.endedAt.value_or(now_), state_.finalStatus);
    }
    if (view_.rolledBackBy && !state_.rolledBack) {
      state_.rolledBack = true;
      add("DeploymentRollback", now_, domain::toString(status));
    }
    return {std::move(events_), std::move(state_)};
  }

 private:
  void add(const std::string& event, WallTime time, const std::string& status,
           json instance = nullptr, json step = nullptr, json analysis = nullptr) {
    DerivedEvent derived;
    derived.event = event;
    derived.sequence = ++state_.sequence;
    derived.time = time;
    derived.status = status;
    derived.instance = std::move(instance);
    derived.step = std::move(step);
    derived.analysis = std::move(analysis);
    events_.push_back(std::move(derived));
  }

  // Each target's start and end, ordered by when they happened (a start before its own end).
  void instanceEvents() {
    struct Pending {
      WallTime time;
      std::string event;
      std::string instanceStatus;
      const engine::TargetView* target;
    };
    std::vector<Pending> owed;
    for (const auto& target : view_.targets) {
      NotifiedState::Target& seen = state_.targets[target.instanceId];
      InstanceStatus status = target.status;
      bool started = target.startedAt.has_value() || status == InstanceStatus::InProgress ||
                     status == InstanceStatus::Succeeded || status == InstanceStatus::Failed ||
                     status == InstanceStatus::Ready;
      if (started && !seen.started) {
        seen.started = true;
        owed.push_back({target.startedAt.value_or(now_), "InstanceStart", "InProgress", &target});
      }
      std::string outcome = status == InstanceStatus::Succeeded ? "Succeeded"
                            : status == InstanceStatus::Failed  ? "Failed"
                                                                : "";
      if (!outcome.empty() && seen.outcome.empty()) {
        seen.outcome = outcome;
        owed.push_back({target.endedAt.value_or(now_),
                        outcome == "Succeeded" ? "InstanceSuccess" : "InstanceFailure", outcome,
                        &target});
      }
      if (status == InstanceStatus::Ready && !seen.ready) {
        seen.ready = true;
        owed.push_back({target.endedAt.value_or(now_), "InstanceReady", "Ready", &target});
      }
    }
    std::stable_sort(owed.begin(), owed.end(),
                     [](const Pending& a, const Pending& b) { return a.time < b.time; });
    for (const auto& event : owed) {
      add(event.event, event.time, underWayStatus(view_.status),
          instanceDetails(*event.target, event.event, event.instanceStatus));
    }
  }

  // StepStarted (and PauseStarted for a pause) per step begun, each followed by the verdicts of
  // the analyses of that step's pause.
  void stepEvents(int stepsStarted) {
    const json& bg = view_.blueGreen;
    if (!bg.is_object()) return;
    const json steps = bg.contains("steps") && bg["steps"].is_array() ? bg["steps"] : json::array();
    const json analyses =
        bg.contains("analyses") && bg["analyses"].is_array() ? bg["analyses"] : json::array();
    const std::string status = underWayStatus(view_.status);
    auto completeAnalyses = [&](int stepIndex, bool orphansToo) {
      for (std::size_t i = 0; i < analyses.size(); ++i) {
        const json& window = analyses[i];
        int index = static_cast<int>(i);
        int belongsTo = whole(window, "stepIndex", -1);
        bool here = belongsTo == stepIndex ||
                    (orphansToo && (belongsTo < 0 || belongsTo >= static_cast<int>(steps.size())));
        if (!here || !isFinalVerdict(text(window, "verdict")) ||
            state_.analysesCompleted.count(index) != 0) {
          continue;
        }
        state_.analysesCompleted.insert(index);
        add("AnalysisCompleted", now_, status, nullptr, nullptr, analysisDetails(window, index));
      }
    };
    for (int i = 0; i < static_cast<int>(steps.size()); ++i) {
      if (i >= state_.stepsStarted && i < stepsStarted) {
        json details = stepDetails(steps, i);
        add("StepStarted", now_, status, nullptr, details);
        if (details.contains("pause") || details.contains("gate")) {  // a gate is a wait too
          if (i == whole(bg, "stepIndex", -1) && text(bg, "phase") == "Shifting") {
            details["waitUntil"] = bg.value("waitUntil", json(nullptr));
          }
          add("PauseStarted", now_, status, nullptr, details);
        }
      }
      completeAnalyses(i, false);
    }
    completeAnalyses(-1, true);
    state_.stepsStarted = std::max(state_.stepsStarted, stepsStarted);
  }

  NotifiedState state_;
  const engine::DeploymentView& view_;
  WallTime now_;
  std::vector<DerivedEvent> events_;
};

}  // namespace

Derivation deriveEvents(const NotifiedState& notified, const engine::DeploymentView& view,
                        WallTime now) {
  return Deriver(notified, view, now).run();
}

json toJson(const NotifiedState& state) {
  json targets = json::object();
  for (const auto& [id, target] : state.targets) {
    targets[id] = {{"started", target.started}, {"ready", target.ready}, {"outcome", target.outcome}};
  }
  return {{"started", state.started},
          {"targets", targets},
          {"ready", state.ready},
          {"stepsStarted", state.stepsStarted},
          {"analysesCompleted", state.analysesCompleted},
          {"baking", state.baking},
          {"finalStatus", state.finalStatus},
          {"rolledBack", state.rolledBack},
          {"sequence", state.sequence}};
}

NotifiedState notifiedStateFromJson(const json& json) {
  NotifiedState state;
  if (!json.is_object()) return state;
  state.started = json.value("started", false);
  if (auto targets = json.find("targets"); targets != json.end() && targets->is_object()) {
    for (const auto& [id, target] : targets->items()) {
      if (!target.is_object()) continue;
      state.targets[id] = {target.value("started", false), target.value("ready", false),
                           target.value("outcome", std::string())};
    }
  }
  state.ready = json.value("ready", false);
  state.stepsStarted = json.value("stepsStarted", 0);
  if (auto done = json.find("analysesCompleted"); done != json.end() && done->is_array()) {
    for (const auto& index : *done) {
      if (index.is_number_integer()) state.analysesCompleted.insert(index.get<int>());
    }
  }
  state.baking = json.value("baking", false);
  state.finalStatus = json.value("finalStatus", std::string());
  state.rolledBack = json.value("rolledBack", false);
  state.sequence = json.value("sequence", std::int64_t{0});
  return state;
}

}  // namespace greenlight::notify
