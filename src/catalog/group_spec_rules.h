// Internal to the catalog module: the rules a group spec's values must follow, shared by the YAML
// and JSON readers (which add line and column) and by Catalog (for specs built in code).
#pragma once

#include <string>
#include <vector>

#include "catalog/group_spec.h"
#include "common/result.h"

namespace greenlight::catalog::detail {

struct SpecProblem {
  std::string keyPath;  // "fleet.instances"; "" for the document as a whole
  std::string message;  // "must be a whole number from 1 to 1000, not 0"
};

// Every problem with the values of `spec`, in key order. Empty when the spec is valid.
std::vector<SpecProblem> checkGroupSpec(const GroupSpec& spec);
// Error kInvalidGroupSpec listing the problems one per line ("fleet.instances: must be ..."),
// or success.
Status validateGroupSpec(const GroupSpec& spec);

// Reads a spec the catalog stored earlier: its shape is checked, but not today's value rules,
// so a group created under older rules stays readable (it is checked again when updated).
Result<GroupSpec> groupSpecFromStoredJson(const nlohmann::json& json);

// The top-level keys and those of the nested mappings, for unknown-key suggestions.
const std::vector<std::string_view>& groupSpecKeys();
const std::vector<std::string_view>& fleetKeys();
const std::vector<std::string_view>& autoRollbackKeys();

// Environment names greenlight sets itself for every hook; a group may not override them.
bool isReservedEnvironmentName(const std::string& name);

}  // namespace greenlight::catalog::detail
