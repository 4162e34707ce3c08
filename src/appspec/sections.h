// Internal to the appspec module: validators for the sections of each platform's AppSpec.
#pragma once

#include "appspec/appspec.h"
#include "appspec/checker.h"

namespace greenlight::appspec::detail {

// Top-level keys of each platform, as the AppSpec reference spells them.
inline const std::vector<std::string_view> kServerKeys = {"version", "os", "files", "file_exists_behavior",
                                                          "permissions", "hooks"};
inline const std::vector<std::string_view> kFunctionKeys = {"version", "Resources", "Hooks"};

// os, files, file_exists_behavior, permissions and hooks of a server AppSpec.
void readServerSections(MappingReader& top, AppSpec& spec, Reporter& reporter);

// Resources and Hooks of a lambda or ecs AppSpec. REQUIRES: spec.platform is Lambda or Ecs.
void readFunctionSections(MappingReader& top, AppSpec& spec, Reporter& reporter);

}  // namespace greenlight::appspec::detail

namespace greenlight::appspec::detail {

// The `permissions` section (server). `os` is the validated os, or empty when unknown.
void readPermissions(const Value& section, const std::string& path, const std::string& os, AppSpec& spec,
                     Reporter& reporter);

// The `hooks` section (server).
void readServerHooks(const Value& section, const std::string& path, const std::string& os, AppSpec& spec,
                     Reporter& reporter);

// The `Resources` section of a lambda or ecs AppSpec.
void readResources(MappingReader& top, AppSpec& spec, Reporter& reporter);

// True for "C:\app", "c:/app", "C:" and UNC paths ("\\server\share").
bool isWindowsAbsolutePath(std::string_view path);

}  // namespace greenlight::appspec::detail
