// The group spec's names, JSON form and the value rules both parsers (YAML and JSON) apply.
#include "catalog/group_spec.h"

#include <algorithm>

#include "catalog/group_spec_rules.h"

namespace greenlight::catalog {

const char* toString(FleetProvider provider) {
  switch (provider) {
    case FleetProvider::Local: return "local";
    case FleetProvider::Static: return "static";
    case FleetProvider::Aws: return "aws";
  }
  return "local";
}

const char* toString(DeploymentStyle style) {
  return style == DeploymentStyle::InPlace ? "in-place" : "blue-green";
}

bool AutoRollbackSpec::onFailure() const {
  if (!enabled) return false;
  if (events.empty()) return true;
  return std::find(events.begin(), events.end(), kRollbackOnFailure) != events.end();
}

bool AutoRollbackSpec::onStopRequest() const {
  return enabled &&
         std::find(events.begin(), events.end(), kRollbackOnStopRequest) != events.end();
}

bool AutoRollbackSpec::onAlarm() const {
  return enabled && std::find(events.begin(), events.end(), kRollbackOnAlarm) != events.end();
}

nlohmann::json toJson(const GroupSpec& spec) {
  nlohmann::json fleet = {{"provider", toString(spec.fleet.provider)}};
  if (spec.fleet.provider == FleetProvider::Local) {
    fleet["instances"] = spec.fleet.instances;
    if (spec.fleet.basePort) fleet["basePort"] = *spec.fleet.basePort;
  } else if (spec.fleet.provider == FleetProvider::Static) {
    fleet["tags"] = spec.fleet.tags;
  } else {
    fleet["aws"] = spec.fleet.aws;
  }
  nlohmann::json json = {
      {"application", spec.application},
      {"name", spec.name},
      {"fleet", fleet},
      {"deploymentConfig", spec.deploymentConfig},
      {"deploymentStyle", toString(spec.style)},
      {"autoRollback", {{"enabled", spec.autoRollback.enabled},
                        {"events", spec.autoRollback.events}}},
      {"environment", spec.environment},
      {"revisionsToKeep", spec.revisionsToKeep},
      {"ignoreApplicationStopFailures", spec.ignoreApplicationStopFailures},
      {"fileExistsBehavior", spec.fileExistsBehavior},
  };
  if (!spec.loadBalancer.is_null()) json["loadBalancer"] = spec.loadBalancer;
  if (!spec.blueGreen.is_null()) json["blueGreen"] = spec.blueGreen;
  if (!spec.analysis.is_null()) json["analysis"] = spec.analysis;
  if (!spec.alarms.is_null()) json["alarms"] = spec.alarms;
  if (!spec.notifications.is_null()) json["notifications"] = spec.notifications;
  return json;
}

}  // namespace greenlight::catalog
