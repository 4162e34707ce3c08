// JSON form of deployment records.
#include "agent/deployment_record.h"

namespace greenlight::agent {

namespace {

long long millisBetween(const std::optional<WallTime>& start, const std::optional<WallTime>& end) {
  if (!start || !end) return 0;
  return std::chrono::duration_cast<std::chrono::milliseconds>(*end - *start).count();
}

nlohmann::json timeOrNull(const std::optional<WallTime>& time) {
  return time ? nlohmann::json(formatTimestamp(*time)) : nlohmann::json(nullptr);
}

std::optional<WallTime> timeFrom(const nlohmann::json& json, const char* key) {
  if (!json.contains(key) || !json[key].is_string()) return std::nullopt;
  return parseTimestamp(json[key].get<std::string>());
}

template <typename T>
T valueOr(const nlohmann::json& json, const char* key, T fallback) {
  if (!json.contains(key) || json[key].is_null()) return fallback;
  try {
    return json[key].get<T>();
  } catch (const nlohmann::json::exception&) {
    return fallback;
  }
}

EventStatus eventStatusFrom(const std::string& text) {
  if (text == "InProgress") return EventStatus::InProgress;
  if (text == "Succeeded") return EventStatus::Succeeded;
  if (text == "Failed") return EventStatus::Failed;
  if (text == "Skipped") return EventStatus::Skipped;
  return EventStatus::Pending;
}

DeploymentStatus deploymentStatusFrom(const std::string& text) {
  if (text == "Succeeded") return DeploymentStatus::Succeeded;
  if (text == "Failed") return DeploymentStatus::Failed;
  return DeploymentStatus::InProgress;
}

}  // namespace

const char* toString(EventStatus status) {
  switch (status) {
    case EventStatus::Pending: return "Pending";
    case EventStatus::InProgress: return "InProgress";
    case EventStatus::Succeeded: return "Succeeded";
    case EventStatus::Failed: return "Failed";
    case EventStatus::Skipped: return "Skipped";
  }
  return "Unknown";
}

const char* toString(DeploymentStatus status) {
  switch (status) {
    case DeploymentStatus::InProgress: return "InProgress";
    case DeploymentStatus::Succeeded: return "Succeeded";
    case DeploymentStatus::Failed: return "Failed";
  }
  return "Unknown";
}

long long EventRecord::durationMs() const { return millisBetween(start, end); }
long long DeploymentRecord::durationMs() const { return millisBetween(start, end); }

EventRecord* DeploymentRecord::event(const std::string& name) {
  for (auto& e : events) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

nlohmann::json toJson(const DeploymentRecord& record) {
  nlohmann::json events = nlohmann::json::array();
  for (const auto& event : record.events) {
    nlohmann::json scripts = nlohmann::json::array();
    for (const auto& script : event.scripts) {
      scripts.push_back({{"location", script.location},
                         {"runas", script.runas ? nlohmann::json(*script.runas) : nlohmann::json(nullptr)},
                         {"exitCode", script.exitCode},
                         {"errorCode", script.errorCode},
                         {"outputsLeftOpen", script.outputsLeftOpen},
                         {"durationMs", script.durationMs}});
    }
    events.push_back({{"name", event.name},
                      {"status", toString(event.status)},
                      {"start", timeOrNull(event.start)},
                      {"end", timeOrNull(event.end)},
                      {"durationMs", event.durationMs()},
                      {"exitCode", event.exitCode ? nlohmann::json(*event.exitCode) : nlohmann::json(nullptr)},
                      {"errorCode", event.errorCode},
                      {"message", event.message},
                      {"failureIgnored", event.failureIgnored},
                      {"notes", event.notes},
                      {"scripts", scripts},
                      {"logTail", event.logTail}});
  }
  return {{"deploymentId", record.deploymentId},
          {"applicationName", record.applicationName},
          {"deploymentGroupName", record.deploymentGroupName},
          {"deploymentGroupId", record.deploymentGroupId},
          {"bundle", record.bundle},
          {"bundleType", record.bundleType},
          {"bundleSha256", record.bundleSha256},
          {"appspecFile", record.appspecFile},
          {"previousDeploymentId", record.previousDeploymentId},
          {"status", toString(record.status)},
          {"errorCode", record.errorCode},
          {"message", record.message},
          {"start", timeOrNull(record.start)},
          {"end", timeOrNull(record.end)},
          {"durationMs", record.durationMs()},
          {"events", events}};
}

DeploymentRecord deploymentRecordFromJson(const nlohmann::json& json) {
  DeploymentRecord record;
  if (!json.is_object()) return record;
  record.deploymentId = valueOr<std::string>(json, "deploymentId", "");
  record.applicationName = valueOr<std::string>(json, "applicationName", "");
  record.deploymentGroupName = valueOr<std::string>(json, "deploymentGroupName", "");
  record.deploymentGroupId = valueOr<std::string>(json, "deploymentGroupId", "");
  record.bundle = valueOr<std::string>(json, "bundle", "");
  record.bundleType = valueOr<std::string>(json, "bundleType", "");
  record.bundleSha256 = valueOr<std::string>(json, "bundleSha256", "");
  record.appspecFile = valueOr<std::string>(json, "appspecFile", "");
  record.previousDeploymentId = valueOr<std::string>(json, "previousDeploymentId", "");
  record.status = deploymentStatusFrom(valueOr<std::string>(json, "status", ""));
  record.errorCode = valueOr<std::string>(json, "errorCode", "");
  record.message = valueOr<std::string>(json, "message", "");
  record.start = timeFrom(json, "start");
  record.end = timeFrom(json, "end");
  if (json.contains("events") && json["events"].is_array()) {
    for (const auto& item : json["events"]) {
      EventRecord event;
      event.name = valueOr<std::string>(item, "name", "");
      event.status = eventStatusFrom(valueOr<std::string>(item, "status", ""));
      event.start = timeFrom(item, "start");
      event.end = timeFrom(item, "end");
      if (item.contains("exitCode") && item["exitCode"].is_number_integer()) event.exitCode = item["exitCode"].get<int>();
      event.errorCode = valueOr<std::string>(item, "errorCode", "");
      event.message = valueOr<std::string>(item, "message", "");
      event.failureIgnored = valueOr<bool>(item, "failureIgnored", false);
      event.notes = valueOr<std::vector<std::string>>(item, "notes", {});
      event.logTail = valueOr<std::string>(item, "logTail", "");
      if (item.contains("scripts") && item["scripts"].is_array()) {
        for (const auto& s : item["scripts"]) {
          ScriptRecord script;
          script.location = valueOr<std::string>(s, "location", "");
          if (s.contains("runas") && s["runas"].is_string()) script.runas = s["runas"].get<std::string>();
          script.exitCode = valueOr<int>(s, "exitCode", -1);
          script.errorCode = valueOr<std::string>(s, "errorCode", "");
          script.outputsLeftOpen = valueOr<bool>(s, "outputsLeftOpen", false);
          script.durationMs = valueOr<long long>(s, "durationMs", 0);
          event.scripts.push_back(std::move(script));
        }
      }
      record.events.push_back(std::move(event));
    }
  }
  return record;
}

}  // namespace greenlight::agent
