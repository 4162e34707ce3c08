// What happened in one deployment on one host: every lifecycle event with status, timings,
// exit code, error code and log tail. Written to disk as JSON and printed by `--output json`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/clock.h"

namespace greenlight::agent {

enum class EventStatus { Pending, InProgress, Succeeded, Failed, Skipped };
enum class DeploymentStatus { InProgress, Succeeded, Failed };

const char* toString(EventStatus status);
const char* toString(DeploymentStatus status);

struct ScriptRecord {
  std::string location;
  std::optional<std::string> runas;
  int exitCode = -1;
  std::string errorCode;  // empty on success
  bool outputsLeftOpen = false;
  long long durationMs = 0;
};

struct EventRecord {
  std::string name;
  EventStatus status = EventStatus::Pending;
  std::optional<WallTime> start;
  std::optional<WallTime> end;
  std::optional<int> exitCode;     // of the last script run, when scripts ran
  std::string errorCode;           // CodeDeploy's codes: ScriptMissing, ScriptTimedOut, ...
  std::string message;
  bool failureIgnored = false;     // ignore-application-stop-failures applied
  std::vector<std::string> notes;  // warnings and noteworthy facts (e.g. OutputsLeftOpen)
  std::vector<ScriptRecord> scripts;
  std::string logTail;             // last 4 KB of all scripts' output for this event

  long long durationMs() const;
};

struct DeploymentRecord {
  std::string deploymentId;
  std::string applicationName;
  std::string deploymentGroupName;
  std::string deploymentGroupId;
  std::string bundle;
  std::string bundleType;
  std::string bundleSha256;
  std::string appspecFile;           // relative to the archive root, e.g. "appspec.yml"
  std::string previousDeploymentId;  // the last successful one this replaced, if any
  DeploymentStatus status = DeploymentStatus::InProgress;
  std::string errorCode;
  std::string message;
  std::optional<WallTime> start;
  std::optional<WallTime> end;
  std::vector<EventRecord> events;

  long long durationMs() const;
  EventRecord* event(const std::string& name);
};

nlohmann::json toJson(const DeploymentRecord& record);
// Tolerant of missing fields (an older or interrupted record).
DeploymentRecord deploymentRecordFromJson(const nlohmann::json& json);

}  // namespace greenlight::agent
