// Names of instance statuses and health values.
#include "domain/instance_state.h"

#include "domain/enum_names.h"

namespace greenlight::domain {

namespace {

constexpr EnumNames<InstanceStatus, 7> kStatusNames{{{InstanceStatus::Pending, "Pending"},
                                                     {InstanceStatus::InProgress, "InProgress"},
                                                     {InstanceStatus::Succeeded, "Succeeded"},
                                                     {InstanceStatus::Failed, "Failed"},
                                                     {InstanceStatus::Skipped, "Skipped"},
                                                     {InstanceStatus::Unknown, "Unknown"},
                                                     {InstanceStatus::Ready, "Ready"}}};

constexpr EnumNames<InstanceHealth, 2> kHealthNames{
    {{InstanceHealth::Healthy, "Healthy"}, {InstanceHealth::Unhealthy, "Unhealthy"}}};

constexpr EnumNames<RevisionHealth, 3> kRevisionNames{{{RevisionHealth::Current, "Current"},
                                                       {RevisionHealth::Old, "Old"},
                                                       {RevisionHealth::Unknown, "Unknown"}}};

}  // namespace

const char* toString(InstanceStatus status) { return nameOf(kStatusNames, status); }
const char* toString(InstanceHealth health) { return nameOf(kHealthNames, health); }
const char* toString(RevisionHealth health) { return nameOf(kRevisionNames, health); }

std::optional<InstanceStatus> parseInstanceStatus(std::string_view text) {
  return enumNamed(kStatusNames, text);
}
std::optional<InstanceHealth> parseInstanceHealth(std::string_view text) {
  return enumNamed(kHealthNames, text);
}
std::optional<RevisionHealth> parseRevisionHealth(std::string_view text) {
  return enumNamed(kRevisionNames, text);
}

void to_json(nlohmann::json& json, InstanceStatus status) { json = toString(status); }
void from_json(const nlohmann::json& json, InstanceStatus& status) {
  status = enumFromJson(kStatusNames, json, "instance status");
}
void to_json(nlohmann::json& json, InstanceHealth health) { json = toString(health); }
void from_json(const nlohmann::json& json, InstanceHealth& health) {
  health = enumFromJson(kHealthNames, json, "instance health");
}
void to_json(nlohmann::json& json, RevisionHealth health) { json = toString(health); }
void from_json(const nlohmann::json& json, RevisionHealth& health) {
  health = enumFromJson(kRevisionNames, json, "revision health");
}

}  // namespace greenlight::domain
