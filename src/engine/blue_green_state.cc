// The blue/green state's JSON form and the progress shown to operators.
#include "engine/blue_green_state.h"

#include <cstdio>

namespace greenlight::engine {
namespace {

nlohmann::json timeOrNull(const std::optional<WallTime>& time) {
  return time ? nlohmann::json(formatTimestamp(*time)) : nlohmann::json(nullptr);
}

std::optional<WallTime> timeFrom(const nlohmann::json& json, const char* key) {
  auto found = json.find(key);
  if (found == json.end() || !found->is_string()) return std::nullopt;
  return parseTimestamp(found->get<std::string>());
}

std::vector<std::string> stringsFrom(const nlohmann::json& json, const char* key) {
  std::vector<std::string> values;
  auto found = json.find(key);
  if (found == json.end() || !found->is_array()) return values;
  for (const auto& value : *found) {
    if (value.is_string()) values.push_back(value.get<std::string>());
  }
  return values;
}

std::string stepsLabel(int index, std::size_t count) {
  return "step " + std::to_string(index + 1) + " of " + std::to_string(count);
}

}  // namespace

nlohmann::json toJson(const GateProgress& gate) {
  return {{"stepIndex", gate.stepIndex},
          {"startedAt", timeOrNull(gate.startedAt)},
          {"lastCheckedAt", timeOrNull(gate.lastCheckedAt)},
          {"checks", gate.checks},
          {"webhookPassed", gate.webhookPassed},
          {"webhook", gate.webhook ? toJson(*gate.webhook) : nlohmann::json(nullptr)},
          {"outcome", gate.outcome}};
}

GateProgress gateProgressFromJson(const nlohmann::json& json) {
  GateProgress gate;
  if (!json.is_object()) return gate;
  gate.stepIndex = json.value("stepIndex", -1);
  gate.startedAt = timeFrom(json, "startedAt");
  gate.lastCheckedAt = timeFrom(json, "lastCheckedAt");
  gate.checks = json.value("checks", 0);
  gate.webhookPassed = json.value("webhookPassed", false);
  if (auto webhook = json.find("webhook"); webhook != json.end() && webhook->is_object()) {
    gate.webhook = checkResultFromJson(*webhook);
  }
  gate.outcome = json.value("outcome", std::string());
  return gate;
}

nlohmann::json toJson(const BlueGreenState& state) {
  nlohmann::json steps = nlohmann::json::array();
  for (const auto& step : state.steps) steps.push_back(domain::trafficStepToJson(step));
  nlohmann::json traffic = nlohmann::json::array();
  for (const auto& fleet : state.traffic) {
    traffic.push_back({{"fleetVersion", fleet.fleetVersion},
                       {"percent", fleet.percent},
                       {"instances", fleet.instances},
                       {"healthy", fleet.healthy}});
  }
  nlohmann::json analyses = nlohmann::json::array();
  for (const auto& window : state.analyses) analyses.push_back(toJson(window));
  nlohmann::json alarms = nlohmann::json::array();
  for (const auto& result : state.alarms) alarms.push_back(toJson(result));
  nlohmann::json gates = nlohmann::json::array();
  for (const auto& gate : state.gates) gates.push_back(toJson(gate));
  nlohmann::json rolling = nullptr;
  if (state.batchSize > 0) {
    rolling = {{"batchSize", state.batchSize},
               {"fleetSize", state.fleetSize},
               {"batches", state.batches},
               {"leftOut", state.leftOut}};
  }
  return {{"fleetVersion", state.fleetVersion},
          {"previousFleetVersion",
           state.previousFleetVersion.empty() ? nlohmann::json(nullptr)
                                              : nlohmann::json(state.previousFleetVersion)},
          {"previousRevision", state.previousRevision},
          {"switchBack", state.switchBack},
          {"phase", state.phase},
          {"steps", steps},
          {"stepIndex", state.stepIndex},
          {"stepStartedAt", timeOrNull(state.stepStartedAt)},
          {"trafficPercent", state.trafficPercent},
          {"trafficMoved", state.trafficMoved},
          {"completed", state.completed},
          {"phaseStartedAt", timeOrNull(state.phaseStartedAt)},
          {"continueRequested", state.continueRequested},
          {"retire", state.retire},
          {"keepAlive", state.keepAlive},
          {"retireReason", state.retireReason},
          {"traffic", traffic},
          {"switchRequestedAt", timeOrNull(state.switchRequestedAt)},
          {"switchMs", state.switchMs ? nlohmann::json(*state.switchMs) : nlohmann::json(nullptr)},
          {"analyses", analyses},
          {"gates", gates},
          {"rolling", rolling},
          {"alarmsCheckedAt", timeOrNull(state.alarmsCheckedAt)},
          {"alarms", alarms}};
}

BlueGreenState blueGreenStateFromJson(const nlohmann::json& json) {
  BlueGreenState state;
  if (!json.is_object()) return state;
  auto text = [&](const char* key) {
    auto found = json.find(key);
    return found != json.end() && found->is_string() ? found->get<std::string>() : std::string();
  };
  state.fleetVersion = text("fleetVersion");
  state.previousFleetVersion = text("previousFleetVersion");
  state.previousRevision = text("previousRevision");
  state.switchBack = json.value("switchBack", false);
  if (std::string phase = text("phase"); !phase.empty()) state.phase = phase;
  if (auto steps = json.find("steps"); steps != json.end() && steps->is_array()) {
    for (const auto& step : *steps) {
      try {
        state.steps.push_back(domain::trafficStepFromJson(step));
      } catch (const std::exception&) {
        // Written by this code; a step it cannot read is dropped rather than stopping the engine.
      }
    }
  }
  state.stepIndex = json.value("stepIndex", 0);
  state.stepStartedAt = timeFrom(json, "stepStartedAt");
  state.trafficPercent = json.value("trafficPercent", 0);
  state.trafficMoved = json.value("trafficMoved", false);
  state.completed = json.value("completed", false);
  state.phaseStartedAt = timeFrom(json, "phaseStartedAt");
  state.continueRequested = json.value("continueRequested", false);
  state.retire = stringsFrom(json, "retire");
  state.keepAlive = stringsFrom(json, "keepAlive");
  state.retireReason = text("retireReason");
  if (auto traffic = json.find("traffic"); traffic != json.end() && traffic->is_array()) {
    for (const auto& entry : *traffic) {
      if (!entry.is_object()) continue;
      state.traffic.push_back({entry.value("fleetVersion", std::string()),
                               entry.value("percent", 0.0), entry.value("instances", 0),
                               entry.value("healthy", 0)});
    }
  }
  state.switchRequestedAt = timeFrom(json, "switchRequestedAt");
  if (auto ms = json.find("switchMs"); ms != json.end() && ms->is_number_integer()) {
    state.switchMs = ms->get<std::int64_t>();
  }
  if (auto analyses = json.find("analyses"); analyses != json.end() && analyses->is_array()) {
    for (const auto& window : *analyses) state.analyses.push_back(analysisWindowFromJson(window));
  }
  if (auto gates = json.find("gates"); gates != json.end() && gates->is_array()) {
    for (const auto& gate : *gates) state.gates.push_back(gateProgressFromJson(gate));
  }
  if (auto rolling = json.find("rolling"); rolling != json.end() && rolling->is_object()) {
    state.batchSize = rolling->value("batchSize", 0);
    state.fleetSize = rolling->value("fleetSize", 0);
    state.batches = rolling->value("batches", 0);
    state.leftOut = stringsFrom(*rolling, "leftOut");
  }
  state.alarmsCheckedAt = timeFrom(json, "alarmsCheckedAt");
  if (auto alarms = json.find("alarms"); alarms != json.end() && alarms->is_array()) {
    for (const auto& result : *alarms) state.alarms.push_back(checkResultFromJson(result));
  }
  return state;
}

nlohmann::json blueGreenProgress(const BlueGreenState& state, int readyTimeoutSeconds,
                                 bool waitForReady, int terminationWaitSeconds) {
  nlohmann::json progress = toJson(state);
  for (const char* internal : {"stepStartedAt", "phaseStartedAt", "continueRequested", "retire",
                               "keepAlive", "retireReason", "switchRequestedAt", "trafficMoved", "completed",
                               "previousRevision"}) {
    progress.erase(internal);
  }
  for (auto& window : progress["analyses"]) window.erase("baseline");
  std::string waitingFor;
  std::optional<WallTime> waitUntil;
  const std::string& phase = state.phase;
  if (phase == phases::kReady && waitForReady && state.phaseStartedAt) {
    waitingFor = "greenlight continue (the new fleet is ready)";
    waitUntil = *state.phaseStartedAt + std::chrono::seconds(readyTimeoutSeconds);
  } else if (phase == phases::kShifting && state.stepIndex >= 0 &&
             state.stepIndex < static_cast<int>(state.steps.size())) {
    const domain::TrafficStep& step = state.steps[static_cast<std::size_t>(state.stepIndex)];
    std::string where = stepsLabel(state.stepIndex, state.steps.size());
    const AnalysisWindow* analysis = state.analyses.empty() ? nullptr : &state.analyses.back();
    if (step.gate) {
      std::vector<std::string> parts;
      if (step.gate->approval) parts.push_back("greenlight continue");
      if (step.gate->webhook) {
        const GateProgress* gate = state.gates.empty() || state.gates.back().stepIndex != state.stepIndex
                                       ? nullptr
                                       : &state.gates.back();
        std::string hook = "a 2xx from " + step.gate->webhook->url;
        if (gate != nullptr && gate->webhookPassed) {
          hook += " (answered)";
        } else if (gate != nullptr && gate->webhook) {
          hook += " (last: " + gate->webhook->summary + ")";
        }
        parts.push_back(hook);
      }
      waitingFor = "a gate (" + where + "): " + parts.front() + (parts.size() > 1 ? " and " + parts.back() : "") +
                   "; at the deadline it will " +
                   (step.gate->onDeadline == domain::GateDeadlineAction::Stop ? "stop and roll back" : "go on");
      if (state.stepStartedAt) waitUntil = *state.stepStartedAt + std::chrono::seconds(step.gate->deadlineSeconds);
    } else if (analysis != nullptr && analysis->stepIndex == state.stepIndex && analysis->waiting) {
      waitingFor = "greenlight continue or stop: the analysis was inconclusive (" + where + ")";
    } else if (step.isPause() && !step.pauseSeconds) {
      waitingFor = "greenlight continue (" + where + ")";
    } else if (step.isPause() && state.stepStartedAt) {
      waitingFor = "a pause of " + std::to_string(*step.pauseSeconds) + "s (" + where + ")";
      waitUntil = *state.stepStartedAt + std::chrono::seconds(*step.pauseSeconds);
    }
  } else if (phase == phases::kTerminationWait && state.phaseStartedAt) {
    waitingFor = "the termination wait; " + state.previousFleetVersion +
                 " is kept warm (`greenlight rollback` switches back, `greenlight continue` "
                 "ends the wait)";
    waitUntil = *state.phaseStartedAt + std::chrono::seconds(terminationWaitSeconds);
  } else if (phase == phases::kRegistering) {
    waitingFor = "the load balancer's health check on " + state.fleetVersion;
    if (state.batchSize > 0) {
      waitingFor += " (batch " + std::to_string(state.batches) + " of " + std::to_string(batchCount(state)) + ")";
    }
  } else if (phase == phases::kRetiring) {
    waitingFor = "requests in flight on the retiring fleet to finish";
  }
  progress["waitingFor"] = waitingFor;
  progress["waitUntil"] = waitUntil ? nlohmann::json(formatTimestamp(*waitUntil)) : nlohmann::json(nullptr);
  return progress;
}

std::vector<domain::TrafficStep> rollingSteps(int fleetSize, int batchSize, int pauseSeconds) {
  std::vector<domain::TrafficStep> steps;
  if (fleetSize <= 0 || batchSize <= 0) return {domain::TrafficStep::weight(100)};
  for (int made = batchSize;; made += batchSize) {
    if (made >= fleetSize) {
      steps.push_back(domain::TrafficStep::weight(100));
      return steps;
    }
    steps.push_back(domain::TrafficStep::weight(100 * made / fleetSize));
    if (pauseSeconds > 0) steps.push_back(domain::TrafficStep::pause(pauseSeconds));
  }
}

int batchCount(const BlueGreenState& state) {
  return state.batchSize > 0 ? (state.fleetSize + state.batchSize - 1) / state.batchSize : 1;
}

int batchesFor(const std::vector<domain::TrafficStep>& steps, int stepIndex) {
  int batches = 0;
  for (int i = 0; i <= stepIndex && i < static_cast<int>(steps.size()); ++i) {
    if (steps[static_cast<std::size_t>(i)].setWeight) ++batches;
  }
  return batches;
}

std::string fleetVersionName(const std::string& application, const std::string& group, int number) {
  char digits[16];
  std::snprintf(digits, sizeof digits, "%03d", number);
  return application + "-" + group + "-v" + digits;
}

int fleetVersionNumber(const std::string& fleetVersion) {
  auto v = fleetVersion.rfind("-v");
  if (v == std::string::npos || v + 2 >= fleetVersion.size()) return 0;
  int number = 0;
  for (std::size_t i = v + 2; i < fleetVersion.size(); ++i) {
    char c = fleetVersion[i];
    if (c < '0' || c > '9' || number > 100'000'000) return 0;
    number = number * 10 + (c - '0');
  }
  return number;
}

}  // namespace greenlight::engine
