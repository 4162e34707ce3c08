// The AppSpec model: what an appspec.yml/.yaml/.json says, for the server, lambda and ecs platforms.
// Pure data, no I/O. Produced by appspec/parser.h, consumed by the lifecycle runner and `validate`.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace greenlight::appspec {

enum class Platform { Server, Lambda, Ecs };
enum class FileExistsBehavior { Disallow, Overwrite, Retain };

const char* toString(Platform platform);
const char* toString(FileExistsBehavior behavior);
// Accepts DISALLOW|OVERWRITE|RETAIN (any case). Returns nullopt for anything else.
std::optional<FileExistsBehavior> parseFileExistsBehavior(std::string_view text);

// 1-based line and column in the AppSpec file; 0 when unknown.
struct SourceLocation {
  int line = 0;
  int column = 0;
};

struct FileMapping {
  std::string source;       // relative to the bundle root; "/" or "" means the whole bundle
  std::string destination;  // absolute path on the host
  SourceLocation where;
};

// An SELinux context to apply (`context:` in a permission).
struct SelinuxContext {
  std::optional<std::string> user;  // `name` in the AppSpec
  std::string type;
  std::optional<std::string> range;
};

enum class PermissionObjectType { File, Directory };

struct Permission {
  std::string object;                        // absolute path
  std::string pattern = "**";                // glob on names below `object`; "**" means all
  std::vector<std::string> except;           // glob patterns excluded
  std::optional<std::string> owner;
  std::optional<std::string> group;
  std::optional<std::uint32_t> mode;         // parsed from the octal digits as written
  std::vector<std::string> acls;             // e.g. "u:bob:rw", "d:g:ops:rwx"
  std::optional<SelinuxContext> context;
  std::vector<PermissionObjectType> types;   // empty means both files and directories
  SourceLocation where;
};

struct HookScript {
  std::string location;                               // relative to the bundle root
  std::chrono::seconds timeout{3600};                 // CodeDeploy's default and maximum
  std::optional<std::string> runas;
  SourceLocation where;
};

// server platform: event name -> scripts, in file order.
struct ServerHook {
  std::string event;
  std::vector<HookScript> scripts;
  SourceLocation where;
};

// lambda/ecs: an event name -> a Lambda function name to invoke.
struct FunctionHook {
  std::string event;
  std::string functionName;
  SourceLocation where;
};

// lambda/ecs `Resources` entry: a logical name, a type (AWS::Lambda::Function / AWS::ECS::Service)
// and its properties as written (Name, Alias, CurrentVersion, TargetVersion, TaskDefinition,
// LoadBalancerInfo, PlatformVersion, NetworkConfiguration, CapacityProviderStrategy ...).
struct Resource {
  std::string logicalName;
  std::string type;
  nlohmann::json properties;
  SourceLocation where;
};

struct AppSpec {
  Platform platform = Platform::Server;
  std::string version;  // always "0.0" in a valid file
  std::string os;       // server only: "linux" or "windows"
  std::vector<FileMapping> files;
  std::optional<FileExistsBehavior> fileExistsBehavior;
  std::vector<Permission> permissions;
  std::vector<ServerHook> hooks;           // server platform
  std::vector<Resource> resources;         // lambda/ecs
  std::vector<FunctionHook> functionHooks; // lambda/ecs

  // The scripts for `event`, or nullptr when the file names none.
  const ServerHook* hook(std::string_view event) const;
};

}  // namespace greenlight::appspec
