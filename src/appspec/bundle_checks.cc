// Checks of an AppSpec against the files of its bundle: the AppSpec itself, hook scripts and
// files sources. Uses error codes, never exceptions, from std::filesystem.
#include "appspec/bundle_checks.h"

#include <algorithm>
#include <cctype>
#include <system_error>

#include "appspec/parser.h"

namespace greenlight::appspec {
namespace {

namespace fs = std::filesystem;

Diagnostic bundleDiagnostic(Severity severity, const std::string& file, const SourceLocation& where,
                            std::string key, std::string message, std::string hint) {
  return Diagnostic{severity, file, where.line, where.column, std::move(key), std::move(message), std::move(hint)};
}

// A path from the AppSpec as a path inside the bundle: leading slashes dropped (CodeDeploy joins
// it under the bundle root), backslashes read as separators for Windows revisions.
fs::path insideBundle(std::string written, bool windows) {
  if (windows) std::replace(written.begin(), written.end(), '\\', '/');
  std::size_t start = written.find_first_not_of('/');
  return fs::path(start == std::string::npos ? "" : written.substr(start)).lexically_normal();
}

bool escapesBundle(const fs::path& relative) {
  return !relative.empty() && *relative.begin() == "..";
}

void checkScript(const HookScript& script, const std::string& key, const AppSpec& spec, const fs::path& bundleRoot,
                 const std::string& appspecFile, std::vector<Diagnostic>& out) {
  bool windows = spec.os == "windows";
  const std::string& location = script.location;
  if (!location.empty() && (location.front() == '/' || (windows && location.front() == '\\'))) {
    out.push_back(bundleDiagnostic(
        Severity::Warning, appspecFile, script.where, key,
        "location '" + location + "' starts with a slash but is resolved inside the bundle, not on the instance",
        "write it relative to the bundle root, e.g. " + insideBundle(location, windows).generic_string()));
  }
  fs::path relative = insideBundle(location, windows);
  if (escapesBundle(relative)) {
    out.push_back(bundleDiagnostic(Severity::Error, appspecFile, script.where, key,
                                   "location '" + location + "' points outside the bundle",
                                   "hook scripts must be files of the revision; copy the script into it"));
    return;
  }
  fs::path resolved = bundleRoot / relative;
  std::error_code error;
  fs::file_status status = fs::status(resolved, error);
  if (error || !fs::exists(status)) {
    out.push_back(bundleDiagnostic(Severity::Error, appspecFile, script.where, key,
                                   "hook script '" + location + "' is not in the bundle (looked for " +
                                       resolved.string() + "); the event would fail with ScriptMissing",
                                   "add the script to the revision, or fix the path (relative to the bundle root)"));
    return;
  }
  if (!fs::is_regular_file(status)) {
    out.push_back(bundleDiagnostic(Severity::Error, appspecFile, script.where, key,
                                   "hook script '" + location + "' is not a regular file",
                                   "point location at the script file itself"));
    return;
  }
  constexpr fs::perms kAnyExecute = fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec;
  if (!windows && (status.permissions() & kAnyExecute) == fs::perms::none) {
    out.push_back(bundleDiagnostic(
        Severity::Warning, appspecFile, script.where, key,
        "hook script '" + location + "' is not executable; greenlight adds +x before running it, as the "
        "CodeDeploy agent does",
        "mark it executable in the revision (chmod +x, or git update-index --chmod=+x) so it also runs by hand"));
  }
}

void checkSource(const FileMapping& mapping, const std::string& key, const AppSpec& spec, const fs::path& bundleRoot,
                 const std::string& appspecFile, std::vector<Diagnostic>& out) {
  fs::path relative = insideBundle(mapping.source, spec.os == "windows");
  if (relative.empty() || relative == ".") return;  // the whole bundle
  if (escapesBundle(relative)) {
    out.push_back(bundleDiagnostic(Severity::Error, appspecFile, mapping.where, key,
                                   "source '" + mapping.source + "' points outside the bundle",
                                   "sources are paths inside the revision, relative to its root"));
    return;
  }
  std::error_code error;
  if (!fs::exists(fs::symlink_status(bundleRoot / relative, error))) {
    out.push_back(bundleDiagnostic(Severity::Error, appspecFile, mapping.where, key,
                                   "files source '" + mapping.source + "' is not in the bundle (looked for " +
                                       (bundleRoot / relative).string() + ")",
                                   "add it to the revision, or fix the path (relative to the bundle root)"));
  }
}

std::string lowered(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// "AppSpec.yml" is a common slip: CodeDeploy looks for the lower-case name on a case-sensitive disk.
std::optional<std::string> caseVariantAtRoot(const fs::path& bundleRoot, const std::vector<std::string>& names) {
  std::error_code error;
  fs::directory_iterator it(bundleRoot, error);
  if (error) return std::nullopt;
  for (; it != fs::directory_iterator(); it.increment(error)) {
    if (error) break;
    std::string found = it->path().filename().string();
    for (const std::string& name : names) {
      if (lowered(found) == lowered(name)) return found;
    }
  }
  return std::nullopt;
}

}  // namespace

std::vector<Diagnostic> checkAgainstBundle(const AppSpec& spec, const fs::path& bundleRoot,
                                           const std::string& appspecFile) {
  std::vector<Diagnostic> diagnostics;
  if (spec.platform != Platform::Server) return diagnostics;  // lambda/ecs revisions hold no files
  for (std::size_t index = 0; index < spec.files.size(); ++index) {
    checkSource(spec.files[index], "files[" + std::to_string(index) + "].source", spec, bundleRoot, appspecFile,
                diagnostics);
  }
  for (const ServerHook& hook : spec.hooks) {
    for (std::size_t index = 0; index < hook.scripts.size(); ++index) {
      checkScript(hook.scripts[index], "hooks." + hook.event + "[" + std::to_string(index) + "].location", spec,
                  bundleRoot, appspecFile, diagnostics);
    }
  }
  std::stable_sort(diagnostics.begin(), diagnostics.end(),
                   [](const Diagnostic& a, const Diagnostic& b) { return a.line < b.line; });
  return diagnostics;
}

Result<fs::path> findAppSpec(const fs::path& bundleRoot, const std::string& customName) {
  std::vector<std::string> names;
  if (!customName.empty()) {
    fs::path custom = fs::path(customName).lexically_normal();
    if (custom.is_absolute() || escapesBundle(custom)) {
      return Error{"AppSpecMissing", "the AppSpec name '" + customName + "' is not a path inside the bundle " +
                                         bundleRoot.string() + "; give a name relative to the bundle root"};
    }
    names.push_back(customName);
  } else {
    for (const char* name : kDefaultAppSpecNames) names.emplace_back(name);
  }
  for (const std::string& name : names) {
    std::error_code error;
    fs::path candidate = bundleRoot / name;
    if (fs::is_regular_file(candidate, error)) return candidate;
  }
  std::string tried;
  for (const std::string& name : names) tried += (tried.empty() ? "" : ", ") + name;
  std::string message = "no AppSpec at the root of the bundle " + bundleRoot.string() + " (looked for " + tried + ")";
  if (std::optional<std::string> variant = caseVariantAtRoot(bundleRoot, names)) {
    message += "; found '" + *variant + "', but the name is case-sensitive: rename it to " + names.front();
  } else {
    message += "; add the AppSpec at the top of the revision, or give its name with the deployment";
  }
  return Error{"AppSpecMissing", message};
}

}  // namespace greenlight::appspec
