// Checks of an AppSpec against the bundle it ships in: hook scripts present and executable,
// file sources present. Reads the file system; used by `greenlight validate` and before a run.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "appspec/appspec.h"
#include "appspec/diagnostics.h"
#include "common/result.h"

namespace greenlight::appspec {

// `bundleRoot` is the extracted bundle (or a bundle folder); `appspecFile` names the AppSpec in
// diagnostics. Missing scripts are errors (ScriptMissing at run time); scripts without the
// executable bit are warnings (greenlight, like the CodeDeploy agent, adds +x before running).
std::vector<Diagnostic> checkAgainstBundle(const AppSpec& spec, const std::filesystem::path& bundleRoot,
                                           const std::string& appspecFile);

// Finds the AppSpec at `bundleRoot`: `customName` if given, else the first of
// kDefaultAppSpecNames that exists. Error code "AppSpecMissing" naming the names tried.
Result<std::filesystem::path> findAppSpec(const std::filesystem::path& bundleRoot,
                                          const std::string& customName);

}  // namespace greenlight::appspec
