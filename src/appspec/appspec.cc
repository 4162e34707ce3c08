// Names of the AppSpec enums and the lookup of a server hook by event.
#include "appspec/appspec.h"

#include <algorithm>
#include <cctype>

namespace greenlight::appspec {

const char* toString(Platform platform) {
  switch (platform) {
    case Platform::Server: return "server";
    case Platform::Lambda: return "lambda";
    case Platform::Ecs: return "ecs";
  }
  return "unknown";
}

const char* toString(FileExistsBehavior behavior) {
  switch (behavior) {
    case FileExistsBehavior::Disallow: return "DISALLOW";
    case FileExistsBehavior::Overwrite: return "OVERWRITE";
    case FileExistsBehavior::Retain: return "RETAIN";
  }
  return "unknown";
}

std::optional<FileExistsBehavior> parseFileExistsBehavior(std::string_view text) {
  std::string upper(text);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (upper == "DISALLOW") return FileExistsBehavior::Disallow;
  if (upper == "OVERWRITE") return FileExistsBehavior::Overwrite;
  if (upper == "RETAIN") return FileExistsBehavior::Retain;
  return std::nullopt;
}

const ServerHook* AppSpec::hook(std::string_view event) const {
  for (const ServerHook& candidate : hooks) {
    if (candidate.event == event) return &candidate;
  }
  return nullptr;
}

}  // namespace greenlight::appspec
