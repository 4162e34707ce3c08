// JSON of the catalog's records as the API shows them, and the instance lifecycle names.
#include "catalog/catalog.h"

#include "domain/enum_names.h"

namespace greenlight::catalog {
namespace {

constexpr domain::EnumNames<InstanceLifecycle, 4> kLifecycleNames{{
    {InstanceLifecycle::Launching, "Launching"},
    {InstanceLifecycle::Running, "Running"},
    {InstanceLifecycle::Lost, "Lost"},
    {InstanceLifecycle::Terminated, "Terminated"},
}};

nlohmann::json optionalText(const std::optional<std::string>& text) {
  return text ? nlohmann::json(*text) : nlohmann::json(nullptr);
}

}  // namespace

const char* toString(InstanceLifecycle lifecycle) {
  return domain::nameOf(kLifecycleNames, lifecycle);
}

std::optional<InstanceLifecycle> parseInstanceLifecycle(std::string_view text) {
  return domain::enumNamed(kLifecycleNames, text);
}

nlohmann::json toJson(const DeploymentGroup& group) {
  nlohmann::json json = {{"id", group.id},
                         {"createdAt", formatTimestamp(group.createdAt)},
                         {"updatedAt", formatTimestamp(group.updatedAt)}};
  json.update(toJson(group.spec));
  return json;
}

nlohmann::json toJson(const Revision& revision) {
  return {{"application", revision.application},
          {"sha256", revision.sha256},
          {"bundleType", revision.bundleType},
          {"sizeBytes", revision.sizeBytes},
          {"description", revision.description},
          {"appspecFilename", revision.appspecFilename},
          {"createdAt", formatTimestamp(revision.createdAt)}};
}

nlohmann::json toJson(const Instance& instance) {
  return {{"id", instance.id},
          {"groupId", instance.groupId},
          {"provider", toString(instance.provider)},
          {"hostName", instance.hostName},
          {"fleetVersion", instance.fleetVersion},
          {"ordinal", instance.ordinal},
          {"port", instance.port},
          {"tags", instance.tags},
          {"lifecycle", toString(instance.lifecycle)},
          {"lifecycleReason", instance.lifecycleReason},
          {"currentRevision", optionalText(instance.currentRevision)},
          {"lastDeploymentFailed", instance.lastDeploymentFailed},
          {"lastDeploymentId", optionalText(instance.lastDeploymentId)},
          {"pid", instance.pid},
          {"rootDir", instance.rootDir},
          {"createdAt", formatTimestamp(instance.createdAt)},
          {"lastSeenAt", instance.lastSeenAt ? nlohmann::json(formatTimestamp(*instance.lastSeenAt))
                                             : nlohmann::json(nullptr)}};
}

}  // namespace greenlight::catalog
