// Text views of a blue/green deployment's progress: phase, fleets, traffic split, step, waits.
#include "cli/client_render_blue_green.h"

#include <algorithm>
#include <cmath>
#include <chrono>
#include <cstdio>
#include <optional>

#include "cli/client_output.h"

namespace greenlight::cli {

namespace {

constexpr int kBarCells = 10;

const nlohmann::json& blueGreenOf(const nlohmann::json& deployment) {
  static const nlohmann::json kNull;
  if (!deployment.is_object()) return kNull;
  auto found = deployment.find("blueGreen");
  return found != deployment.end() && found->is_object() ? *found : kNull;
}

std::optional<double> realOf(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return std::nullopt;
  auto found = object.find(key);
  if (found == object.end() || !found->is_number()) return std::nullopt;
  return found->get<double>();
}

const char* phaseMeaning(const std::string& phase) {
  if (phase == "Provisioning") return "starting the new fleet";
  if (phase == "Installing") return "installing the revision on the new fleet";
  if (phase == "Registering") return "adding the new fleet to the load balancer";
  if (phase == "Ready") return "the new fleet is ready";
  if (phase == "Shifting") return "moving traffic to the new fleet";
  if (phase == "TerminationWait") return "the previous fleet is kept warm: rolling back is a switch";
  if (phase == "Retiring") return "retiring the previous fleet";
  if (phase == "SwitchingBack") return "moving traffic back to the previous fleet";
  if (phase == "Done") return "done";
  return "";
}

// The entries of the split in the order shown: the older fleets (those with traffic, and the
// previous one in any case), then the new fleet.
struct Split {
  std::vector<const nlohmann::json*> older;
  const nlohmann::json* newer = nullptr;
};

Split splitOf(const nlohmann::json& blueGreen) {
  Split split;
  std::string newFleet = textOf(blueGreen, "fleetVersion");
  std::string previous = textOf(blueGreen, "previousFleetVersion");
  for (const auto& entry : arrayOf(blueGreen, "traffic")) {
    std::string fleet = textOf(entry, "fleetVersion");
    if (!newFleet.empty() && fleet == newFleet) {
      split.newer = &entry;
    } else if (realOf(entry, "percent").value_or(0) > 0 || fleet == previous) {
      split.older.push_back(&entry);
    }
  }
  return split;
}

std::string shareText(const nlohmann::json& entry) {
  return textOf(entry, "fleetVersion") + " " + percentText(realOf(entry, "percent").value_or(0));
}

std::string stepIdentity(const nlohmann::json& blueGreen) {
  if (textOf(blueGreen, "phase") != "Shifting" || arrayOf(blueGreen, "steps").empty()) return "";
  return textOf(blueGreen, "stepIndex");
}

std::string fleetHealth(const nlohmann::json* entry) {
  if (entry == nullptr) return "";
  auto instances = numberOf(*entry, "instances");
  if (!instances) return "";
  return " (" + textOf(*entry, "healthy") + "/" + std::to_string(*instances) + " healthy)";
}

// "30s", "2m05s": waits are set in whole seconds.
std::string secondsText(long long milliseconds) {
  long long seconds = (milliseconds + 999) / 1000;
  if (seconds < 60) return std::to_string(seconds) + "s";
  std::string rest = std::to_string(seconds % 60);
  return std::to_string(seconds / 60) + "m" + (rest.size() < 2 ? "0" : "") + rest + "s";
}

}  // namespace

std::string phaseText(const std::string& phase) {
  std::string meaning = phaseMeaning(phase);
  return meaning.empty() ? phase : phase + " (" + meaning + ")";
}

std::string timeOfDay(const std::string& timestamp) {
  std::string shown = shortTime(timestamp);
  return shown.size() >= 19 ? shown.substr(11, 8) : shown;
}

std::string percentText(double percent) {
  double rounded = std::round(percent * 10) / 10;
  char text[32];
  if (std::fabs(rounded - std::round(rounded)) < 1e-9) {
    std::snprintf(text, sizeof text, "%.0f%%", rounded);
  } else {
    std::snprintf(text, sizeof text, "%.1f%%", rounded);
  }
  return text;
}

std::string renderTrafficSplit(const nlohmann::json& blueGreen) {
  Split split = splitOf(blueGreen);
  if (split.older.empty() && split.newer == nullptr) return "";
  double newShare = split.newer ? realOf(*split.newer, "percent").value_or(0) : 0;
  // The bar pictures the split: the older fleets' share in full blocks, the new fleet's in light
  // ones; a share that is not zero keeps at least one cell, so 1% still shows.
  int newCells = static_cast<int>(std::lround(newShare / 100 * kBarCells));
  if (newShare > 0) newCells = std::max(newCells, 1);
  if (newShare < 100) newCells = std::min(newCells, kBarCells - 1);
  newCells = std::clamp(newCells, 0, kBarCells);
  std::string bar = "\u2595";
  for (int cell = 0; cell < kBarCells; ++cell) bar += cell < kBarCells - newCells ? "\u2588" : "\u2591";
  bar += "\u258f";
  std::string line = "traffic:";
  for (std::size_t i = 0; i < split.older.size(); ++i) {
    line += (i == 0 ? " " : ", ") + shareText(*split.older[i]);
  }
  line += " " + bar;
  if (split.newer) line += " " + shareText(*split.newer);
  return line;
}

std::string trafficSplitText(const nlohmann::json& blueGreen) {
  Split split = splitOf(blueGreen);
  std::string text;
  for (const auto* entry : split.older) text += (text.empty() ? "" : ", ") + shareText(*entry);
  if (split.newer) text += (text.empty() ? "" : ", ") + shareText(*split.newer);
  return text;
}

std::string renderTrafficStep(const nlohmann::json& blueGreen) {
  const auto& steps = arrayOf(blueGreen, "steps");
  if (textOf(blueGreen, "phase") != "Shifting" || steps.empty()) return "";
  long long count = static_cast<long long>(steps.size());
  long long index = std::clamp(numberOf(blueGreen, "stepIndex").value_or(0), 0LL, count - 1);
  const auto& step = steps[static_cast<std::size_t>(index)];
  std::optional<double> weight = realOf(step, "setWeight");
  if (!weight) weight = realOf(blueGreen, "trafficPercent");
  std::string line = "step " + std::to_string(index + 1) + " of " + std::to_string(count) + ": " +
                     percentText(weight.value_or(0)) + " to " + textOf(blueGreen, "fleetVersion");
  if (step.is_object() && step.contains("pause")) {
    const auto& pause = step["pause"];
    auto seconds = numberOf(pause, "seconds");
    std::string until = textOf(blueGreen, "waitUntil");
    if (!seconds) {
      line += ", waiting for greenlight continue";
    } else if (!until.empty()) {
      line += ", pausing until " + timeOfDay(until);
    } else {
      line += ", pausing " + secondsText(*seconds * 1000);
    }
  } else if (step.is_object() && step.contains("gate")) {
    // "a gate (step 2 of 3): greenlight continue and a 2xx from ...; at the deadline it will ..."
    std::string waiting = textOf(blueGreen, "waitingFor");
    std::size_t colon = waiting.find("): ");
    line += ", at a gate waiting for " + (colon == std::string::npos ? waiting : waiting.substr(colon + 3));
    std::string until = textOf(blueGreen, "waitUntil");
    if (!until.empty()) line += " (deadline " + timeOfDay(until) + ")";
  }
  return line;
}

// "  analysis (<where>): Passed, 2 measurements, 0 failed" and a line per check.
static std::string analysisLines(const nlohmann::json& window, const std::string& where) {
  std::string out = "  analysis (" + where + "): " + textOf(window, "verdict") + ", " +
                    textOf(window, "measurements") + " measurements, " + textOf(window, "failures") +
                    " failed\n";
  for (const auto& result : arrayOf(window, "results")) {
    out += "    " + textOf(result, "name") + " " + textOf(result, "verdict") + ": " +
           textOf(result, "summary") + "\n";
  }
  return out;
}

std::string renderBlueGreenBlock(const nlohmann::json& deployment, WallTime now) {
  const auto& blueGreen = blueGreenOf(deployment);
  if (blueGreen.is_null()) return "";
  Split split = splitOf(blueGreen);
  std::string out = "Blue/green: phase " + phaseText(textOf(blueGreen, "phase")) + "\n";
  std::string previous = textOf(blueGreen, "previousFleetVersion");
  const nlohmann::json* previousEntry = nullptr;
  for (const auto* entry : split.older) {
    if (textOf(*entry, "fleetVersion") == previous) previousEntry = entry;
  }
  out += "  fleets: new " + textOf(blueGreen, "fleetVersion") + fleetHealth(split.newer) + ", previous " +
         (previous.empty() ? std::string("none") : previous + fleetHealth(previousEntry)) + "\n";
  if (std::string line = renderTrafficSplit(blueGreen); !line.empty()) out += "  " + line + "\n";
  if (std::string line = renderTrafficStep(blueGreen); !line.empty()) out += "  " + line + "\n";
  std::string waitingFor = textOf(blueGreen, "waitingFor");
  if (!waitingFor.empty()) {
    out += "  waiting for: " + waitingFor;
    if (std::string until = textOf(blueGreen, "waitUntil"); !until.empty()) {
      out += " until " + timeOfDay(until);
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(parseTimestamp(until) - now).count();
      if (now != WallTime{} && left > 0) out += " (" + secondsText(left) + " left)";
    }
    if (waitingFor.find("greenlight continue") != std::string::npos) {
      out += "; run: greenlight continue " + textOf(deployment, "id");
    }
    out += "\n";
  }
  // The latest analysis, with the numbers its checks were judged on.
  const auto& analyses = arrayOf(blueGreen, "analyses");
  if (!analyses.empty()) {
    const auto& window = analyses.back();
    out += analysisLines(window, "step " + std::to_string(numberOf(window, "stepIndex").value_or(0) + 1) +
                                     ", " + textOf(window, "trafficPercent") + "% on the new fleet");
  }
  const auto& alarms = arrayOf(blueGreen, "alarms");
  if (!alarms.empty()) {
    out += "  alarms (as of " + timeOfDay(textOf(blueGreen, "alarmsCheckedAt")) + "):\n";
    for (const auto& result : alarms) {
      std::string verdict = textOf(result, "verdict");
      out += "    " + textOf(result, "name") + " " +
             (verdict == "Failed" ? std::string("IN ALARM") : verdict) + ": " +
             textOf(result, "summary") + "\n";
    }
  }
  return out;
}

std::string renderContinued(const nlohmann::json& deployment) {
  std::string id = textOf(deployment, "id");
  std::string text = "Deployment " + id + " continued: " + textOf(deployment, "status");
  const auto& blueGreen = blueGreenOf(deployment);
  if (!blueGreen.is_null()) {
    text += ", phase " + textOf(blueGreen, "phase");
    if (std::string step = renderTrafficStep(blueGreen); !step.empty()) text += "; " + step;
  }
  return text + ".\nFollow it with: greenlight status " + id + " --watch\n";
}

std::vector<std::string> describeBlueGreenChanges(const nlohmann::json& previous, const nlohmann::json& current) {
  std::vector<std::string> lines;
  const auto& now = blueGreenOf(current);
  if (now.is_null()) return lines;
  const auto& before = blueGreenOf(previous);
  std::string prefix = "deployment " + textOf(current, "id") + ": ";
  std::string fleet = textOf(now, "fleetVersion");
  if (!fleet.empty() && fleet != textOf(before, "fleetVersion")) {
    std::string previousFleet = textOf(now, "previousFleetVersion");
    lines.push_back(prefix + "new fleet " + fleet + ", previous " + (previousFleet.empty() ? "none" : previousFleet));
  }
  std::string phase = textOf(now, "phase");
  if (!phase.empty() && phase != textOf(before, "phase")) lines.push_back(prefix + "phase " + phaseText(phase));
  std::string step = stepIdentity(now);
  if (!step.empty() && step != stepIdentity(before)) lines.push_back(prefix + renderTrafficStep(now));
  std::string split = trafficSplitText(now);
  if (!split.empty() && split != trafficSplitText(before)) lines.push_back(prefix + "traffic " + split);
  return lines;
}

std::string renderInPlaceBlock(const nlohmann::json& deployment) {
  if (!deployment.is_object() || !deployment.contains("inPlace") || !deployment["inPlace"].is_object()) {
    return "";
  }
  const nlohmann::json& inPlace = deployment["inPlace"];
  std::string out;
  const auto& analyses = arrayOf(inPlace, "analyses");
  if (!analyses.empty()) {
    const auto& window = analyses.back();
    out += analysisLines(window, "after " + textOf(window, "stepIndex") + " instances, " +
                                     textOf(window, "trafficPercent") + "% on the new revision");
  }
  if (std::string waitingFor = textOf(inPlace, "waitingFor"); !waitingFor.empty()) {
    out += "  waiting for: " + waitingFor + "; run: greenlight continue " + textOf(deployment, "id") + "\n";
  }
  return out;
}

}  // namespace greenlight::cli
