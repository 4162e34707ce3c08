// JSON form of an application.
#include "domain/application.h"

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
  application.createdAt = parseTimestamp(requiredMember<std::string>(json, "createdAt"));
}

}  // namespace greenlight::domain
