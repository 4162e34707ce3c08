// Where an application runs: hosts with an agent, Lambda functions, or ECS services.
#pragma once

#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

namespace greenlight::domain {

enum class ComputePlatform { Server, Lambda, Ecs };

// "server", "lambda", "ecs".
const char* toString(ComputePlatform platform);
// Any case ("Server", "ECS"); nullopt for anything else.
std::optional<ComputePlatform> parseComputePlatform(std::string_view text);

void to_json(nlohmann::json& json, ComputePlatform platform);
void from_json(const nlohmann::json& json, ComputePlatform& platform);

}  // namespace greenlight::domain
