// An application: a name and the compute platform its revisions are deployed to.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "domain/compute_platform.h"

namespace greenlight::domain {

struct Application {
  std::string name;
  ComputePlatform computePlatform = ComputePlatform::Server;
  WallTime createdAt{};

  bool operator==(const Application&) const = default;
};

// {"name": ..., "computePlatform": "server", "createdAt": "2026-11-22T02:18:10.123Z"}
void to_json(nlohmann::json& json, const Application& application);
void from_json(const nlohmann::json& json, Application& application);

}  // namespace greenlight::domain
