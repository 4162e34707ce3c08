// Mapping of the lifecycle runner's records to the agent protocol's reports.
#include "agentd/agent_reports.h"

namespace greenlight::agentd {

namespace {

nlohmann::json timeOrNull(const std::optional<WallTime>& time) {
  return time ? nlohmann::json(formatTimestamp(*time)) : nlohmann::json(nullptr);
}

std::string lastBytes(const std::string& text, std::size_t limit) {
  return text.size() <= limit ? text : text.substr(text.size() - limit);
}

}  // namespace

nlohmann::json eventReport(const agent::EventRecord& event) {
  std::string message = event.message;
  for (const auto& note : event.notes) message += (message.empty() ? "" : "\n") + note;
  return {{"event", event.name},
          {"status", agent::toString(event.status)},
          {"startedAt", timeOrNull(event.start)},
          {"endedAt", timeOrNull(event.end)},
          {"errorCode", event.errorCode},
          {"message", message},
          {"logTail", lastBytes(event.logTail, kLogTailBytes)}};
}

nlohmann::json resultReport(const agent::DeploymentRecord& record) {
  nlohmann::json events = nlohmann::json::array();
  for (const auto& event : record.events) {
    if (event.status == agent::EventStatus::Pending) continue;
    nlohmann::json report = eventReport(event);
    if (event.status == agent::EventStatus::InProgress) report["status"] = "Failed";
    events.push_back(std::move(report));
  }
  bool succeeded = record.status == agent::DeploymentStatus::Succeeded;
  return {{"status", succeeded ? "Succeeded" : "Failed"},
          {"errorCode", succeeded ? std::string() : record.errorCode},
          {"message", record.message},
          {"events", std::move(events)}};
}

}  // namespace greenlight::agentd
