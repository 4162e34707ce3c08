// `greenlight notifications ID`: a deployment's notifications and how their delivery went.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace greenlight::cli {

// A table (sequence, event, webhook, status, attempts, last answer, times) from the answer of
// GET /v1/deployments/{id}/notifications; the last error of each notification not delivered.
std::string renderNotifications(const nlohmann::json& answer);

}  // namespace greenlight::cli
