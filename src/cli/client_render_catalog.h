// Text views of the catalog's API answers (applications, configurations, groups, revisions,
// instances, tokens, audit entries): pure functions from the server's JSON to what is printed.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace greenlight::cli {

std::string renderApplications(const nlohmann::json& answer);  // {"applications": [...]}
std::string renderApplication(const nlohmann::json& application);

std::string renderConfigs(const nlohmann::json& answer);  // {"deploymentConfigs": [...]}
std::string renderConfig(const nlohmann::json& config);
// "HOST_COUNT 2", "FLEET_PERCENT 50", "canary 10% every 5 min", ...
std::string describeConfig(const nlohmann::json& config);
// A Steps routing's steps: "10%, pause, 50%, pause 30s, 100%".
std::string describeSteps(const nlohmann::json& steps);

std::string renderGroups(const nlohmann::json& answer);  // {"groups": [...]}
// A group's settings, then its instances ({"instances": [...]}, may be null).
std::string renderGroup(const nlohmann::json& group, const nlohmann::json& instances);
std::string renderEnrolmentToken(const nlohmann::json& answer, const std::string& groupLabel,
                                 const std::string& serverAddress);

std::string renderRevisions(const nlohmann::json& answer);  // {"revisions": [...]}
std::string renderRevision(const nlohmann::json& revision);

std::string renderInstances(const nlohmann::json& answer);  // {"instances": [...]}
// "Healthy"/"Unhealthy": the server's health, else from lastDeploymentFailed and lifecycle.
std::string instanceHealth(const nlohmann::json& instance);

std::string renderTokens(const nlohmann::json& answer);  // {"tokens": [...]} or [...]
std::string renderCreatedToken(const nlohmann::json& answer);
std::string renderAudit(const nlohmann::json& answer);  // {"entries": [...]}

}  // namespace greenlight::cli
