// Placeholder replaced by the YAML and JSON readers.
#include "catalog/group_spec.h"
#include "common/error_codes.h"

namespace greenlight::catalog {

Result<GroupSpec> parseGroupYaml(std::string_view, std::string_view, std::string_view) {
  return Error{codes::kInternal, "not implemented"};
}
Result<GroupSpec> groupSpecFromJson(const nlohmann::json&, std::string_view) {
  return Error{codes::kInternal, "not implemented"};
}

}  // namespace greenlight::catalog
