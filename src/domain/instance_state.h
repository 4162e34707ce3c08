// What is known about one instance: how its part of a deployment went, whether it is healthy,
// and whether it runs the group's current revision.
#pragma once

#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

namespace greenlight::domain {

// A target's status within one deployment (CodeDeploy's instance statuses). Ready is a
// blue/green replacement installed and waiting for traffic; Unknown means greenlight lost track
// of the instance (its agent stopped answering) and cannot count it as deployed.
enum class InstanceStatus { Pending, InProgress, Succeeded, Failed, Skipped, Unknown, Ready };

// Healthy: its last deployment succeeded (or it never had one) and nothing reported it down.
enum class InstanceHealth { Healthy, Unhealthy };

// Current: runs the group's target revision; Old: an earlier one; Unknown: never deployed by
// greenlight or its revision cannot be told.
enum class RevisionHealth { Current, Old, Unknown };

const char* toString(InstanceStatus status);
const char* toString(InstanceHealth health);
const char* toString(RevisionHealth health);
std::optional<InstanceStatus> parseInstanceStatus(std::string_view text);
std::optional<InstanceHealth> parseInstanceHealth(std::string_view text);
std::optional<RevisionHealth> parseRevisionHealth(std::string_view text);

void to_json(nlohmann::json& json, InstanceStatus status);
void from_json(const nlohmann::json& json, InstanceStatus& status);
void to_json(nlohmann::json& json, InstanceHealth health);
void from_json(const nlohmann::json& json, InstanceHealth& health);
void to_json(nlohmann::json& json, RevisionHealth health);
void from_json(const nlohmann::json& json, RevisionHealth& health);

}  // namespace greenlight::domain
