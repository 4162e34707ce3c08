// The life of a deployment: its status, the transitions the engine may make, and who created it.
#pragma once

#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

namespace greenlight::domain {

// Created: accepted, not yet scheduled. Queued: waiting for the group's lock. InProgress: being
// carried out. Ready: blue/green replacement installed, waiting for `continue` before traffic
// moves. Baking: traffic moved, old fleet kept warm until the termination wait ends.
// Succeeded, Failed, Stopped: final.
enum class DeploymentStatus { Created, Queued, InProgress, Baking, Ready, Succeeded, Failed, Stopped };

const char* toString(DeploymentStatus status);
std::optional<DeploymentStatus> parseDeploymentStatus(std::string_view text);

bool isFinal(DeploymentStatus status);

// Whether the engine may move a deployment from `from` to `to`. Staying in the same status is
// not a transition (false). Final statuses have no way out: a rollback is a new deployment.
bool canTransition(DeploymentStatus from, DeploymentStatus to);

// Who started a deployment: a person or pipeline, an automatic rollback, or an Auto Scaling
// group launching a new instance that must receive the group's last good revision.
enum class DeploymentCreator { User, Rollback, Autoscaling };

const char* toString(DeploymentCreator creator);  // "user", "rollback", "autoscaling"
std::optional<DeploymentCreator> parseDeploymentCreator(std::string_view text);

void to_json(nlohmann::json& json, DeploymentStatus status);
void from_json(const nlohmann::json& json, DeploymentStatus& status);
void to_json(nlohmann::json& json, DeploymentCreator creator);
void from_json(const nlohmann::json& json, DeploymentCreator& creator);

}  // namespace greenlight::domain
