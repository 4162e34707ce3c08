// Text views of deployments: plan, history, status view, change lines, summary.
#include "cli/client_render_deployment.h"

#include <map>

#include "cli/client_output.h"
#include "cli/client_render_blue_green.h"

namespace greenlight::cli {

namespace {

constexpr std::size_t kLogLinesShown = 10;

std::string instanceLabel(const nlohmann::json& target) {
  std::string host = textOf(target, "hostName");
  std::string id = textOf(target, "instanceId");
  if (host.empty()) return id;
  return id.empty() ? host : host + " (" + id + ")";
}

bool isFinalEventStatus(const std::string& status) {
  return status == "Succeeded" || status == "Failed" || status == "Skipped";
}

// The event that failed on a target: the first Failed one, else the current event.
const nlohmann::json* failedEvent(const nlohmann::json& target) {
  for (const auto& event : arrayOf(target, "events")) {
    if (textOf(event, "status") == "Failed") return &event;
  }
  return nullptr;
}

std::string colourStatus(const std::string& status, const Style& style) {
  if (status == "Succeeded") return style.green(status);
  if (status == "Failed") return style.red(status);
  if (status == "Stopped" || status == "Unknown") return style.yellow(status);
  if (status == "InProgress") return style.cyan(status);
  return status;
}

std::string countsLine(const nlohmann::json& counts) {
  static const std::pair<const char*, const char*> kNames[] = {
      {"succeeded", "succeeded"}, {"failed", "failed"},   {"inProgress", "in progress"},
      {"pending", "pending"},     {"skipped", "skipped"}, {"unknown", "unknown"}};
  std::string line;
  for (const auto& [key, label] : kNames) {
    auto count = numberOf(counts, key);
    if (!count) continue;
    if (*count == 0 && std::string(key) != "succeeded" && std::string(key) != "failed") continue;
    line += (line.empty() ? "" : ", ") + std::to_string(*count) + " " + label;
  }
  return line;
}

void appendIndented(std::string& out, const std::vector<std::string>& lines, const std::string& indent) {
  for (const auto& line : lines) out += indent + line + "\n";
}

std::string failureText(const nlohmann::json& target) {
  const nlohmann::json* event = failedEvent(target);
  std::string code = event ? textOf(*event, "errorCode") : "";
  if (code.empty()) code = textOf(target, "errorCode");
  std::string message = event ? textOf(*event, "message") : "";
  if (message.empty()) message = textOf(target, "message");
  std::string text = code;
  if (!message.empty()) text += (text.empty() ? "" : ": ") + message;
  return text;
}

}  // namespace

bool isFinalDeploymentStatus(const std::string& status) {
  return status == "Succeeded" || status == "Failed" || status == "Stopped";
}

int exitCodeForDeployment(const nlohmann::json& deployment) {
  std::string status = textOf(deployment, "status");
  if (status == "Succeeded") return kExitOk;
  if (status == "Failed") return kExitDeploymentFailed;
  if (status == "Stopped") return kExitDeploymentStopped;
  return -1;
}

std::string renderPlan(const nlohmann::json& plan, const std::string& groupLabel) {
  std::string out = "Plan for " + groupLabel + " with " + textOf(plan, "configName") + " (nothing deployed)\n";
  const nlohmann::json& numbers = plan.is_object() && plan.contains("numbers") ? plan["numbers"] : nlohmann::json();
  out += "  instances: " + textOf(numbers, "instanceCount") +
         "   minimum healthy: " + textOf(numbers, "minimumHealthyHosts") +
         "   max in flight: " + textOf(numbers, "maxInFlight") +
         "   successes needed: " + textOf(numbers, "neededSuccesses") + "\n";
  std::map<std::string, std::string> hostOf;
  for (const auto& instance : arrayOf(plan, "instances")) {
    hostOf[textOf(instance, "id")] = textOf(instance, "hostName");
  }
  if (!flagOf(plan, "feasible")) {
    std::string code = textOf(plan, "errorCode");
    out += "Cannot deploy" + (code.empty() ? std::string() : " (" + code + ")") + ": " + textOf(plan, "reason") + "\n";
    return out;
  }
  int batchNumber = 0;
  for (const auto& batch : arrayOf(plan, "batches")) {
    std::string hosts;
    if (batch.is_array()) {
      for (const auto& id : batch) {
        std::string instanceId = id.is_string() ? id.get<std::string>() : id.dump();
        auto host = hostOf.find(instanceId);
        std::string name = host != hostOf.end() && !host->second.empty() ? host->second + " (" + instanceId + ")"
                                                                          : instanceId;
        hosts += (hosts.empty() ? "" : ", ") + name;
      }
    }
    out += "  batch " + std::to_string(++batchNumber) + ": " + hosts + "\n";
  }
  if (batchNumber == 0) out += "  no batches: nothing to deploy to\n";
  return out;
}

std::string renderHistory(const nlohmann::json& answer) {
  const auto& deployments = answer.is_array() ? answer : arrayOf(answer, "deployments");
  if (deployments.empty()) return "No deployments yet.\n";
  Table table({"ID", "STATUS", "CREATOR", "REVISION", "CONFIG", "STARTED", "DURATION", "LINKS"});
  for (const auto& deployment : deployments) {
    std::string creator = textOf(deployment, "createdBy");
    std::string kind = textOf(deployment, "creator");
    if (!kind.empty() && kind != "user") creator += creator.empty() ? kind : " (" + kind + ")";
    std::string links;
    if (auto of = textOf(deployment, "rollbackOf"); !of.empty()) links = "rollback of " + of;
    if (auto by = textOf(deployment, "rolledBackBy"); !by.empty()) {
      links += (links.empty() ? "" : "; ") + std::string("rolled back by ") + by;
    }
    std::string started = textOf(deployment, "startedAt");
    if (started.empty()) started = textOf(deployment, "createdAt");
    // A running deployment's duration would be stale by the time it is read: shown only once ended.
    bool ended = !textOf(deployment, "endedAt").empty() || numberOf(deployment, "durationMs").has_value();
    table.addRow({textOf(deployment, "id"), textOf(deployment, "status"), creator,
                  shortSha(textOf(deployment, "revision")), textOf(deployment, "configName"),
                  shortTime(started), ended ? elapsedText(deployment, WallTime{}) : "-", links});
  }
  return table.render();
}

std::string renderDeploymentView(const nlohmann::json& deployment, const Style& style, WallTime now) {
  std::string out = style.bold("Deployment " + textOf(deployment, "id")) + "  " +
                    textOf(deployment, "application") + "/" + textOf(deployment, "groupName") + "  revision " +
                    shortSha(textOf(deployment, "revision")) + "  " + textOf(deployment, "configName") + "\n";
  std::string status = textOf(deployment, "status");
  out += "Status: " + colourStatus(status, style);
  if (flagOf(deployment, "stopRequested") && !isFinalDeploymentStatus(status)) out += " (stop requested)";
  out += "   duration " + elapsedText(deployment, now);
  if (auto by = textOf(deployment, "createdBy"); !by.empty()) out += "   by " + by;
  if (auto kind = textOf(deployment, "creator"); !kind.empty() && kind != "user") out += " (" + kind + ")";
  out += "\n";
  if (auto of = textOf(deployment, "rollbackOf"); !of.empty()) out += "Rollback of " + of + "\n";
  if (auto by = textOf(deployment, "rolledBackBy"); !by.empty()) out += "Rolled back by " + by + "\n";
  if (deployment.is_object() && deployment.contains("counts")) {
    std::string counts = countsLine(deployment["counts"]);
    if (!counts.empty()) out += "Instances: " + counts + "\n";
  }
  out += renderBlueGreenBlock(deployment, now);
  out += renderInPlaceBlock(deployment);
  if (auto message = textOf(deployment, "errorMessage"); !message.empty()) {
    std::string code = textOf(deployment, "errorCode");
    out += style.red("Error" + (code.empty() ? std::string() : " " + code) + ": " + message) + "\n";
  }
  const auto& targets = arrayOf(deployment, "targets");
  if (targets.empty()) return out;
  // Columns padded before colouring, so escape codes do not upset the widths.
  std::size_t hostWidth = 4, eventWidth = 5;
  for (const auto& target : targets) {
    hostWidth = std::max(hostWidth, textOf(target, "hostName").size());
    eventWidth = std::max(eventWidth, textOf(target, "currentEvent").size());
  }
  out += "\n" + padRight("HOST", hostWidth + 1) + " " + padRight("PORT", 7) + padRight("STATUS", 12) +
         padRight("EVENT", eventWidth + 2) + padRight("DURATION", 10) + "ERROR\n";
  for (const auto& target : targets) {
    std::string targetStatus = textOf(target, "status");
    auto port = numberOf(target, "port");
    std::string line = padRight(textOf(target, "hostName"), hostWidth + 1) + " " +
                       padRight(port && *port > 0 ? std::to_string(*port) : "-", 7) +
                       colourStatus(padRight(targetStatus, 12), style) +
                       padRight(textOf(target, "currentEvent"), eventWidth + 2) +
                       padRight(elapsedText(target, now), 10);
    if (targetStatus == "Failed" || targetStatus == "Unknown") {
      const nlohmann::json* event = failedEvent(target);
      std::string code = event ? textOf(*event, "errorCode") : "";
      line += code.empty() ? textOf(target, "errorCode") : code;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  for (const auto& target : targets) {
    std::string targetStatus = textOf(target, "status");
    if (targetStatus != "Failed" && targetStatus != "Unknown") continue;
    const nlohmann::json* event = failedEvent(target);
    std::string eventName = event ? textOf(*event, "event") : textOf(target, "currentEvent");
    out += "\n" + style.red(instanceLabel(target) + " failed" + (eventName.empty() ? "" : " at " + eventName)) +
           ": " + failureText(target) + "\n";
    if (event) appendIndented(out, firstLines(textOf(*event, "logTail"), kLogLinesShown), "    | ");
  }
  return out;
}

std::vector<std::string> describeChanges(const nlohmann::json& previous, const nlohmann::json& current) {
  std::vector<std::string> lines;
  std::string id = textOf(current, "id");
  std::string status = textOf(current, "status");
  bool statusChanged = status != textOf(previous, "status");
  // A final status closes the list, after the instance lines that led to it.
  bool statusLast = isFinalDeploymentStatus(status);
  if (statusChanged && !statusLast) lines.push_back("deployment " + id + ": " + status);
  std::map<std::string, const nlohmann::json*> before;
  for (const auto& target : arrayOf(previous, "targets")) before[textOf(target, "instanceId")] = &target;
  for (const auto& target : arrayOf(current, "targets")) {
    auto found = before.find(textOf(target, "instanceId"));
    const nlohmann::json* old = found == before.end() ? nullptr : found->second;
    std::map<std::string, std::string> oldEvents;
    if (old) {
      for (const auto& event : arrayOf(*old, "events")) oldEvents[textOf(event, "event")] = textOf(event, "status");
    }
    std::string label = instanceLabel(target);
    for (const auto& event : arrayOf(target, "events")) {
      std::string eventStatus = textOf(event, "status");
      auto was = oldEvents.find(textOf(event, "event"));
      if (was != oldEvents.end() && was->second == eventStatus) continue;
      if (eventStatus == "Pending" || eventStatus.empty()) continue;
      std::string line = "instance " + label + ": event " + textOf(event, "event") + " " + eventStatus;
      if (isFinalEventStatus(eventStatus)) {
        if (auto elapsed = elapsedMilliseconds(event, WallTime{}); elapsed && eventStatus != "Skipped") {
          line += " in " + formatDuration(*elapsed);
        }
      }
      if (eventStatus == "Failed") {
        std::string code = textOf(event, "errorCode");
        std::string message = textOf(event, "message");
        if (!code.empty() || !message.empty()) line += ": " + code + (message.empty() ? "" : (code.empty() ? "" : ": ") + message);
      }
      lines.push_back(line);
      if (eventStatus == "Failed") {
        for (const auto& logLine : firstLines(textOf(event, "logTail"), kLogLinesShown)) {
          lines.push_back("    | " + logLine);
        }
      }
    }
    std::string targetStatus = textOf(target, "status");
    std::string oldStatus = old ? textOf(*old, "status") : "Pending";
    if (targetStatus != oldStatus && targetStatus != "InProgress" && targetStatus != "Pending") {
      std::string line = "instance " + label + ": " + targetStatus;
      if (targetStatus == "Failed" || targetStatus == "Unknown") {
        std::string failure = failureText(target);
        if (!failure.empty()) line += " (" + failure + ")";
      }
      lines.push_back(line);
    }
  }
  for (auto& line : describeBlueGreenChanges(previous, current)) lines.push_back(std::move(line));
  if (statusChanged && statusLast) lines.push_back("deployment " + id + ": " + status);
  return lines;
}

std::string renderSummary(const nlohmann::json& deployment) {
  std::string out = "Deployment " + textOf(deployment, "id") + " " + textOf(deployment, "status");
  if (auto elapsed = elapsedMilliseconds(deployment, WallTime{}); elapsed && !textOf(deployment, "endedAt").empty()) {
    out += " in " + formatDuration(*elapsed);
  } else if (auto duration = numberOf(deployment, "durationMs")) {
    out += " in " + formatDuration(*duration);
  }
  if (deployment.is_object() && deployment.contains("counts")) {
    std::string counts = countsLine(deployment["counts"]);
    if (!counts.empty()) out += ": " + counts;
  }
  out += ".";
  if (deployment.is_object() && deployment.contains("blueGreen") && deployment["blueGreen"].is_object()) {
    if (std::string split = trafficSplitText(deployment["blueGreen"]); !split.empty()) {
      out += " Traffic: " + split + ".";
    }
  }
  if (auto by = textOf(deployment, "rolledBackBy"); !by.empty()) out += " Rolled back by " + by + ".";
  return out + "\n";
}

}  // namespace greenlight::cli
