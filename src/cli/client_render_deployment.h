// Text views of deployments: the plan, the history, the status view (also the live view's frame),
// the one-line-per-change log for CI, and the closing summary. Pure: JSON (and the time) in,
// text out, so every view is tested without a server.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/terminal.h"
#include "common/clock.h"

namespace greenlight::cli {

// Exit codes a pipeline can rely on.
inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitDeploymentFailed = 4;
inline constexpr int kExitDeploymentStopped = 5;

bool isFinalDeploymentStatus(const std::string& status);
// 0 Succeeded, 4 Failed, 5 Stopped; -1 while the deployment is not final.
int exitCodeForDeployment(const nlohmann::json& deployment);

// The answer of the plan route: the numbers, then the batches in order with host names, or why
// the deployment cannot work.
std::string renderPlan(const nlohmann::json& plan, const std::string& groupLabel);

// {"deployments": [...]}, newest first.
std::string renderHistory(const nlohmann::json& answer);

// The deployment's header, one line per instance (host, port, status, current event, duration,
// error code), for a blue/green deployment its phase, fleets, traffic split, step and wait (see
// client_render_blue_green.h) and, for failed instances, the failing event, message and the first log lines.
std::string renderDeploymentView(const nlohmann::json& deployment, const Style& style, WallTime now);

// What changed from `previous` (null at first) to `current`, one plain line each:
//   "instance web-0 (i-0123): event BeforeInstall Succeeded in 0.200s"
// and, for blue/green, one line per change of phase, step or traffic split.
std::vector<std::string> describeChanges(const nlohmann::json& previous, const nlohmann::json& current);

// "Deployment d-X Succeeded in 3.200s: 4 succeeded, 0 failed, 0 skipped."
std::string renderSummary(const nlohmann::json& deployment);

}  // namespace greenlight::cli
