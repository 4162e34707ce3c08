// The server platform's `hooks` section: lifecycle event -> list of {location, timeout, runas}.
#include <algorithm>

#include "appspec/sections.h"
#include "appspec/suggestion.h"

namespace greenlight::appspec::detail {
namespace {

const std::vector<std::string_view> kScriptEvents = {
    "ApplicationStop",    "BeforeInstall",     "AfterInstall",       "ApplicationStart", "ValidateService",
    "BeforeBlockTraffic", "AfterBlockTraffic", "BeforeAllowTraffic", "AfterAllowTraffic"};
// Run by the agent itself; CodeDeploy refuses scripts for them.
const std::vector<std::string_view> kAgentEvents = {"DownloadBundle", "Install", "BlockTraffic", "AllowTraffic"};

// The per-event limit: CodeDeploy fails an event whose scripts run longer than an hour.
constexpr std::int64_t kMaxEventSeconds = 3600;

bool contains(const std::vector<std::string_view>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::optional<std::chrono::seconds> readTimeout(const Value& value, const std::string& path, Reporter& reporter) {
  if (value.isNull()) return std::chrono::seconds(kMaxEventSeconds);
  std::optional<std::int64_t> seconds = value.isScalar() ? parseInteger(value.text) : std::nullopt;
  if (!seconds) {
    reporter.error(value.where, path, "timeout must be a whole number of seconds, found " + describe(value),
                   "write e.g. timeout: 300; at most 3600, which is also the default");
    return std::nullopt;
  }
  if (*seconds < 1) {
    reporter.error(value.where, path, "timeout must be at least 1 second, found " + value.text,
                   "write a positive number of seconds, or leave timeout out for 3600");
    return std::nullopt;
  }
  if (value.quoted) {
    reporter.warning(value.where, path, "timeout is written as text '" + value.text + "'; greenlight reads it as " +
                                            std::to_string(*seconds) + " seconds",
                     "write the number without quotes: timeout: " + std::to_string(*seconds));
  }
  if (*seconds > kMaxEventSeconds) {
    reporter.warning(value.where, path,
                     "timeout " + std::to_string(*seconds) + " s is above the 3600 s limit of a lifecycle event; "
                     "the event fails after 3600 s whatever the script's own timeout",
                     "lower it to 3600 or less, or split the work across events");
  }
  return std::chrono::seconds(*seconds);
}

std::optional<HookScript> readScript(const Value& item, const std::string& path, const std::string& os,
                                     Reporter& reporter) {
  if (!item.isMapping()) {
    reporter.error(item.where, path, "expected a script entry '- location: <script>', found " + describe(item),
                   "write '- location: scripts/<name>.sh' with optional timeout and runas below it");
    return std::nullopt;
  }
  MappingReader entry(item, path, {"location", "timeout", "runas"}, reporter);
  entry.warnUnknown("a hook script (only location, timeout and runas are read)");
  HookScript script;
  script.where = item.where;
  bool ok = true;
  const Value* location = entry.get("location");
  std::optional<std::string> text = readText(location, entry.path("location"), reporter, true, item);
  if (text && text->empty()) {
    reporter.error(location->where, entry.path("location"), "location is empty; it must name a script in the bundle",
                   "write the script's path relative to the bundle root, e.g. scripts/start.sh");
    ok = false;
  }
  ok = ok && text.has_value();
  if (text) script.location = *text;
  if (const Value* timeout = entry.get("timeout")) {
    std::optional<std::chrono::seconds> seconds = readTimeout(*timeout, entry.path("timeout"), reporter);
    ok = ok && seconds.has_value();
    if (seconds) script.timeout = *seconds;
  }
  if (const Value* runas = entry.get("runas"); runas && !runas->isNull()) {
    script.runas = readText(runas, entry.path("runas"), reporter, false, item);
    ok = ok && script.runas.has_value();
    if (os == "windows") {
      reporter.warning(runas->where, entry.path("runas"),
                       "runas is not supported on Windows instances; the script runs as the agent's user",
                       "remove runas, or run the agent as the user the script needs");
    }
  }
  if (!ok) return std::nullopt;
  return script;
}

void checkEventName(const Value& key, const std::string& path, Reporter& reporter) {
  const std::string& event = key.text;
  if (contains(kScriptEvents, event)) return;
  if (contains(kAgentEvents, event)) {
    reporter.error(key.where, path,
                   event + " is run by the agent itself and takes no scripts",
                   event == "DownloadBundle" || event == "Install"
                       ? "move these scripts to BeforeInstall or AfterInstall"
                       : "move these scripts to Before" + event + " or After" + event);
    return;
  }
  std::vector<std::string_view> all = kScriptEvents;
  std::optional<std::string> suggestion = closestMatch(event, all);
  reporter.warning(key.where, path,
                   "'" + event + "' is not a CodeDeploy lifecycle event; its scripts run only when this event is "
                   "asked for by name (as with codedeploy-local --events)",
                   suggestion ? "did you mean '" + *suggestion + "'? event names are case-sensitive"
                              : "lifecycle events with scripts: ApplicationStop, BeforeInstall, AfterInstall, "
                                "ApplicationStart, ValidateService, and the Before/After Block/Allow Traffic events");
}

}  // namespace

void readServerHooks(const Value& section, const std::string& path, const std::string& os, AppSpec& spec,
                     Reporter& reporter) {
  if (section.isNull()) return;
  if (!section.isMapping()) {
    std::string hint = section.isSequence()
                           ? "a list of '- Event: FunctionName' is the lambda/ecs shape; a server AppSpec maps each "
                             "event to its scripts: 'AfterInstall:' then '- location: scripts/x.sh'"
                           : "write each event on its own line under hooks:, with its scripts below it";
    reporter.error(section.where, path, "expected a mapping of lifecycle events to scripts, found " + describe(section),
                   hint);
    return;
  }
  for (const Entry& entry : section.entries) {
    const Value& key = entry.first;
    const Value& scripts = entry.second;
    if (!key.isScalar()) continue;  // reported by checkStructure
    std::string eventPath = childPath(path, key.text);
    checkEventName(key, eventPath, reporter);
    if (scripts.isNull()) {
      reporter.error(key.where, eventPath,
                     "event " + key.text + " has no scripts; the CodeDeploy agent fails the deployment on an "
                     "empty event",
                     "add '- location: scripts/<name>.sh' below it, or delete the line");
      continue;
    }
    if (!scripts.isSequence()) {
      reporter.error(scripts.where, eventPath, "expected a list of scripts, found " + describe(scripts),
                     "start each script with '- location:', even when there is only one");
      continue;
    }
    ServerHook hook;
    hook.event = key.text;
    hook.where = key.where;
    for (std::size_t index = 0; index < scripts.items.size(); ++index) {
      if (auto script = readScript(scripts.items[index], indexPath(eventPath, index), os, reporter)) {
        hook.scripts.push_back(std::move(*script));
      }
    }
    if (spec.hook(hook.event) == nullptr) spec.hooks.push_back(std::move(hook));
  }
}

}  // namespace greenlight::appspec::detail
