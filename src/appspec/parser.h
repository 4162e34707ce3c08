// Parses AppSpec text (YAML or JSON) into the model, collecting every problem with its line.
// Pure: no file system access.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "appspec/appspec.h"
#include "appspec/diagnostics.h"

namespace greenlight::appspec {

struct ParseResult {
  std::optional<AppSpec> spec;           // present unless there are errors
  // When there are errors but the file is a mapping: what could be read, for linting further
  // (e.g. checking the named hook scripts against the bundle). Never to be deployed.
  std::optional<AppSpec> partial;
  std::vector<Diagnostic> diagnostics;   // errors and warnings, in file order
  bool ok() const { return spec.has_value(); }
};

struct ParseOptions {
  // The platform expected by the caller (a `server` deployment group expects Server).
  // When absent the platform is inferred: `Resources` with AWS::Lambda::Function -> Lambda,
  // AWS::ECS::Service -> Ecs, otherwise Server.
  std::optional<Platform> expectedPlatform;
};

// `fileName` is used in diagnostics only (and to expect JSON when it ends in .json).
// Never throws; malformed input yields an error diagnostic with the line of the problem.
ParseResult parse(std::string_view text, std::string_view fileName, const ParseOptions& options = {});

// The names greenlight looks for at a bundle's root when no custom name is given, in order.
inline constexpr const char* kDefaultAppSpecNames[] = {"appspec.yml", "appspec.yaml", "appspec.json"};

}  // namespace greenlight::appspec
