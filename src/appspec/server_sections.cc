// The server platform's top-level sections: os, files and file_exists_behavior, plus the
// dispatch to permissions and hooks, and the check for hook events left outside `hooks:`.
#include <algorithm>
#include <cctype>

#include "appspec/sections.h"
#include "appspec/suggestion.h"

namespace greenlight::appspec::detail {
namespace {

const std::vector<std::string_view> kLifecycleEventNames = {
    "ApplicationStop", "BeforeInstall",      "AfterInstall",      "ApplicationStart", "ValidateService",
    "BeforeBlockTraffic", "AfterBlockTraffic", "BeforeAllowTraffic", "AfterAllowTraffic", "DownloadBundle",
    "Install",         "BlockTraffic",       "AllowTraffic"};

std::string readOs(MappingReader& top, Reporter& reporter) {
  const Value* value = top.get("os");
  if (value == nullptr) {
    reporter.error(top.mapping().where, "os", "os is missing; a server AppSpec must say which operating system it targets",
                   "add 'os: linux' or 'os: windows' after 'version: 0.0'");
    return "";
  }
  std::optional<std::string> os = readText(value, "os", reporter, true, top.mapping());
  if (!os) return "";
  if (*os == "linux" || *os == "windows") return *os;
  std::string hint = "'linux' covers every Linux distribution: Amazon Linux, Ubuntu, RHEL ...";
  if (equalsIgnoringCase(*os, "linux") || equalsIgnoringCase(*os, "windows")) hint = "write it in lower case";
  reporter.error(value->where, "os", "os must be linux or windows, found '" + *os + "'", hint);
  return "";
}

bool hasGlob(std::string_view text) { return text.find_first_of("*?[") != std::string_view::npos; }

void checkDestination(const Value& value, const std::string& destination, const std::string& path,
                      const std::string& os, Reporter& reporter) {
  bool posixAbsolute = !destination.empty() && destination.front() == '/';
  bool windowsAbsolute = isWindowsAbsolutePath(destination);
  bool rootedWithoutDrive = !destination.empty() && (destination.front() == '/' || destination.front() == '\\');
  if (os == "windows") {
    if (windowsAbsolute) return;
    if (rootedWithoutDrive) {
      reporter.warning(value.where, path,
                       "destination '" + destination + "' has no drive letter; Windows resolves it on the "
                       "agent's current drive",
                       "write the full path, e.g. C:\\inetpub\\wwwroot");
      return;
    }
    reporter.error(value.where, path,
                   "destination must be an absolute Windows path, found '" + destination + "'",
                   "write a drive path such as C:\\app");
    return;
  }
  if (posixAbsolute) return;
  if (windowsAbsolute && os == "linux") {
    reporter.warning(value.where, path,
                     "os is linux but destination '" + destination + "' is a Windows path; on Linux it is not "
                     "absolute",
                     "use a Linux path such as /opt/app, or set 'os: windows'");
    return;
  }
  if (windowsAbsolute) return;  // os unknown (already reported): accept either style
  reporter.error(value.where, path, "destination must be an absolute path, found '" + destination + "'",
                 "write it from the root, e.g. /var/www/html");
}

void readFiles(const Value& section, const std::string& os, AppSpec& spec, Reporter& reporter) {
  if (section.isNull()) return;
  if (!section.isSequence()) {
    reporter.error(section.where, "files", "expected a list of '- source: ... destination: ...' entries, found " +
                                               describe(section),
                   "start each entry with '- source:'");
    return;
  }
  for (std::size_t index = 0; index < section.items.size(); ++index) {
    const Value& item = section.items[index];
    std::string path = indexPath("files", index);
    if (!item.isMapping()) {
      reporter.error(item.where, path, "expected a mapping with source and destination, found " + describe(item),
                     "write '- source: <path in the bundle>' and 'destination: <absolute path>' below it");
      continue;
    }
    MappingReader entry(item, path, {"source", "destination"}, reporter);
    entry.warnUnknown("a files entry (only source and destination are read)");
    std::optional<std::string> source = readText(entry.get("source"), entry.path("source"), reporter, true, item);
    std::optional<std::string> destination =
        readText(entry.get("destination"), entry.path("destination"), reporter, true, item);
    if (source && hasGlob(*source)) {
      reporter.warning(entry.get("source")->where, entry.path("source"),
                       "source '" + *source + "' contains a wildcard; CodeDeploy copies sources literally, so "
                       "this names a file with '*' or '?' in its name",
                       "name a folder instead, whose whole content is copied, e.g. source: /");
    }
    if (destination) checkDestination(*entry.get("destination"), *destination, entry.path("destination"), os, reporter);
    if (source && destination) spec.files.push_back(FileMapping{*source, *destination, item.where});
  }
}

void readFileExistsBehavior(const Value& value, AppSpec& spec, Reporter& reporter, const Value& root) {
  std::optional<std::string> text = readText(&value, "file_exists_behavior", reporter, true, root);
  if (!text) return;
  std::optional<FileExistsBehavior> behavior = parseFileExistsBehavior(*text);
  if (!behavior) {
    reporter.error(value.where, "file_exists_behavior",
                   "file_exists_behavior must be DISALLOW, OVERWRITE or RETAIN, found '" + *text + "'",
                   "DISALLOW (the default) fails the deployment when a file is already there, OVERWRITE "
                   "replaces it, RETAIN keeps the existing file");
    return;
  }
  spec.fileExistsBehavior = behavior;
}

std::string lettersOnly(std::string_view text) {
  std::string letters;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c))) letters += c;
  }
  return letters;
}

// A hook event written at the top level (outside `hooks:`) is an indentation slip that would make
// its scripts silently never run, so it is an error rather than an unknown-key warning.
void reportEventsOutsideHooks(MappingReader& top, Reporter& reporter) {
  auto& unknown = top.unknown();
  for (auto it = unknown.begin(); it != unknown.end();) {
    const Value& key = (*it)->first;
    std::string letters = lettersOnly(key.text);
    auto event = std::find_if(kLifecycleEventNames.begin(), kLifecycleEventNames.end(),
                              [&](std::string_view name) { return equalsIgnoringCase(name, letters); });
    if (event == kLifecycleEventNames.end()) {
      ++it;
      continue;
    }
    reporter.error(key.where, key.text,
                   "lifecycle event '" + std::string(*event) + "' is at the top level, outside 'hooks:'; its "
                   "scripts would never run",
                   "indent it under 'hooks:' like the other events, and check this line and the one above "
                   "for stray characters");
    it = unknown.erase(it);
  }
}

}  // namespace

bool isWindowsAbsolutePath(std::string_view path) {
  if (path.size() >= 2 && path[0] == '\\' && path[1] == '\\') return true;
  return path.size() >= 2 && std::isalpha(static_cast<unsigned char>(path[0])) && path[1] == ':' &&
         (path.size() == 2 || path[2] == '\\' || path[2] == '/');
}

void readServerSections(MappingReader& top, AppSpec& spec, Reporter& reporter) {
  spec.os = readOs(top, reporter);
  if (const Value* files = top.get("files")) readFiles(*files, spec.os, spec, reporter);
  if (const Value* behavior = top.get("file_exists_behavior")) {
    readFileExistsBehavior(*behavior, spec, reporter, top.mapping());
  }
  if (const Value* permissions = top.get("permissions")) {
    readPermissions(*permissions, "permissions", spec.os, spec, reporter);
  }
  if (const Value* hooks = top.get("hooks")) readServerHooks(*hooks, "hooks", spec.os, spec, reporter);
  reportEventsOutsideHooks(top, reporter);
}

}  // namespace greenlight::appspec::detail
