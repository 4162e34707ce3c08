// JSON form of an application.
#include "domain/application.h"

#include <stdexcept>

#include "domain/json_parse.h"

namespace greenlight::domain {

void to_json(nlohmann::json& json, const Application& application) {
  json = {{"name", application.name},
          {"computePlatform", application.computePlatform},
          {"createdAt", formatTimestamp(application.createdAt)}};
}

void from_json(const nlohmann::json& json, Application& application) {
  application.name = requiredMember<std::string>(json, "name");
  application.computePlatform = requiredMember<ComputePlatform>(json, "computePlatform");
  auto createdAt = requiredMember<std::string>(json, "createdAt");
  application.createdAt = parseTimestamp(createdAt);
  // parseTimestamp answers the epoch for text it cannot read; only the epoch itself may say so.
  if (application.createdAt == WallTime{} && createdAt != formatTimestamp(WallTime{})) {
    throw std::invalid_argument("'createdAt' is '" + createdAt +
                                "'; expected an RFC 3339 UTC time such as 2026-11-22T02:18:10.123Z");
  }
}

}  // namespace greenlight::domain
