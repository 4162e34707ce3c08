// A group's notifications: the webhooks told about its deployments (CodeDeploy's trigger events,
// plus blue/green steps, pauses, analyses and the termination wait). Kept verbatim in the group
// spec (`notifications:`) and read through these functions, which name the key path of every
// problem.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog/traffic_spec.h"
#include "common/result.h"

namespace greenlight::catalog {

//   notifications:
//     - name: ops                                   # names the deliveries; unique in the group
//       url: http://127.0.0.1:9000/hook             # POSTed to
//       events: [DeploymentStart, DeploymentFailure]  # default: every event
//       format: json                                # or slack: {"text": "..."}
//       secretEnv: GREENLIGHT_HOOK_SECRET           # the HMAC-SHA256 key, read from the server's
//                                                   # environment at each delivery (never stored)
//       timeoutSeconds: 10                          # one attempt's limit
//       maxAttempts: 10                             # then the notification is given up (Failed)
enum class NotificationFormat { Json, Slack };
const char* toString(NotificationFormat format);  // "json", "slack"

struct NotificationTargetSpec {
  std::string name;
  std::string url;
  std::vector<std::string> events;  // empty: every event
  NotificationFormat format = NotificationFormat::Json;
  std::string secretEnv;  // "": deliveries are not signed
  int timeoutSeconds = 10;
  int maxAttempts = 10;
  bool wants(const std::string& event) const;
  bool operator==(const NotificationTargetSpec&) const = default;
};

// Every event a notification can be about, in the order they usually happen:
// DeploymentStart, InstanceStart, InstanceSuccess, InstanceFailure, InstanceReady,
// DeploymentReady, StepStarted, PauseStarted, AnalysisCompleted, Baking, DeploymentSuccess,
// DeploymentFailure, DeploymentStop, DeploymentRollback.
const std::vector<std::string>& notificationEventNames();

// Problems are appended to `problems`; a missing section is no notification.
std::vector<NotificationTargetSpec> readNotificationsSpec(const nlohmann::json& section,
                                                          std::vector<TrafficSpecProblem>& problems);
// The same, for a stored group: problems become an error.
Result<std::vector<NotificationTargetSpec>> notificationsOf(const DeploymentGroup& group);

}  // namespace greenlight::catalog
