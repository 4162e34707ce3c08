// Names of the compute platforms.
#include "domain/compute_platform.h"

#include "domain/enum_names.h"

namespace greenlight::domain {

namespace {
constexpr EnumNames<ComputePlatform, 3> kNames{{{ComputePlatform::Server, "server"},
                                                {ComputePlatform::Lambda, "lambda"},
                                                {ComputePlatform::Ecs, "ecs"}}};
}  // namespace

const char* toString(ComputePlatform platform) { return nameOf(kNames, platform); }

std::optional<ComputePlatform> parseComputePlatform(std::string_view text) {
  return enumNamed(kNames, text);
}

void to_json(nlohmann::json& json, ComputePlatform platform) { json = toString(platform); }

void from_json(const nlohmann::json& json, ComputePlatform& platform) {
  platform = enumFromJson(kNames, json, "compute platform");
}

}  // namespace greenlight::domain
