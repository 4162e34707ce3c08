// Reading a group's notifications section, with key paths in every problem.
#include "catalog/notification_spec.h"

#include <algorithm>
#include <set>

#include "catalog/catalog_support.h"
#include "catalog/section_reader.h"

namespace greenlight::catalog {
namespace {

using nlohmann::json;
using detail::SectionReader;

constexpr std::size_t kMaxTargets = 20;
constexpr std::size_t kMaxNameLength = 64;

bool isTargetName(const std::string& name) {
  return !name.empty() && name.size() <= kMaxNameLength &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == '-';
         });
}

bool isEnvironmentName(const std::string& name) {
  if (name.empty() || name.size() > 128 || (name[0] >= '0' && name[0] <= '9')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

void readUrl(SectionReader& reader, std::string& into) {
  reader.text("url", into);
  if (reader.member("url") != nullptr && !reader.member("url")->is_string()) return;
  bool http = into.rfind("http://", 0) == 0, https = into.rfind("https://", 0) == 0;
  std::string host = into.substr(http ? 7 : https ? 8 : 0);
  if (into.empty()) {
    reader.problem("url", "missing; give the webhook's http:// or https:// URL, e.g. "
                          "`url: http://127.0.0.1:9000/hook`");
  } else if (!http && !https) {
    reader.problem("url", "must start with http:// or https://, not '" + into + "'");
  } else if (host.empty() || host[0] == '/' || host[0] == ':') {
    reader.problem("url", "names no host: '" + into + "'");
  }
}

void readEvents(SectionReader& reader, const std::string& path,
                std::vector<TrafficSpecProblem>& problems, std::vector<std::string>& into) {
  const json* events = reader.member("events");
  if (events == nullptr) return;
  const std::vector<std::string>& known = notificationEventNames();
  if (!events->is_array()) {
    reader.problem("events", std::string("must be a list of events (") + detail::quotedList(known, 20) +
                                 "), not " + events->type_name());
    return;
  }
  if (events->empty()) {
    reader.problem("events", "is empty, so nothing would be sent; list the events, or leave "
                             "`events:` out to get every one");
    return;
  }
  for (std::size_t i = 0; i < events->size(); ++i) {
    const json& event = (*events)[i];
    std::string where = path + ".events[" + std::to_string(i) + "]";
    if (!event.is_string()) {
      problems.push_back({where, std::string("must be an event name, not ") + event.dump()});
      continue;
    }
    std::string name = event.get<std::string>();
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      std::vector<std::string> close = detail::closeNames(name, known);
      std::string hint = close.empty() ? "" : " (did you mean '" + close.front() + "'?)";
      problems.push_back({where, "'" + name + "' is not an event" + hint + "; the events are " +
                                     detail::quotedList(known, 20)});
      continue;
    }
    if (std::find(into.begin(), into.end(), name) == into.end()) into.push_back(name);
  }
}

NotificationTargetSpec readTarget(const json& item, const std::string& path,
                                  std::vector<TrafficSpecProblem>& problems) {
  NotificationTargetSpec target;
  SectionReader reader(item, path, problems,
                       {"name", "url", "events", "format", "secretEnv", "timeoutSeconds",
                        "maxAttempts"});
  if (!reader.ok()) return target;
  reader.text("name", target.name);
  if (reader.member("name") == nullptr) {
    reader.problem("name", "missing; name the webhook (it names its deliveries), e.g. `name: ops`");
  } else if (reader.member("name")->is_string() && !isTargetName(target.name)) {
    reader.problem("name", "must be 1 to 64 of letters, digits, '.', '_' and '-', not '" +
                               target.name + "'");
  }
  readUrl(reader, target.url);
  readEvents(reader, path, problems, target.events);
  bool slack = false;
  reader.choice("format", slack, "json", "slack");
  target.format = slack ? NotificationFormat::Slack : NotificationFormat::Json;
  reader.text("secretEnv", target.secretEnv);
  if (!target.secretEnv.empty() && !isEnvironmentName(target.secretEnv)) {
    reader.problem("secretEnv", "must name an environment variable of the server (letters, "
                                "digits and '_', not starting with a digit), not '" +
                                    target.secretEnv + "'; the secret itself is never written "
                                    "in the group");
  }
  reader.whole("timeoutSeconds", target.timeoutSeconds, 1, 60);
  reader.whole("maxAttempts", target.maxAttempts, 1, 50);
  return target;
}

}  // namespace

const char* toString(NotificationFormat format) {
  return format == NotificationFormat::Slack ? "slack" : "json";
}

bool NotificationTargetSpec::wants(const std::string& event) const {
  return events.empty() || std::find(events.begin(), events.end(), event) != events.end();
}

const std::vector<std::string>& notificationEventNames() {
  static const std::vector<std::string> names = {
      "DeploymentStart",   "InstanceStart",      "InstanceSuccess", "InstanceFailure",
      "InstanceReady",     "DeploymentReady",    "StepStarted",     "PauseStarted",
      "AnalysisCompleted", "Baking",             "DeploymentSuccess", "DeploymentFailure",
      "DeploymentStop",    "DeploymentRollback"};
  return names;
}

std::vector<NotificationTargetSpec> readNotificationsSpec(const json& section,
                                                          std::vector<TrafficSpecProblem>& problems) {
  std::vector<NotificationTargetSpec> targets;
  if (section.is_null()) return targets;
  if (!section.is_array()) {
    problems.push_back({"notifications",
                        std::string("must be a list of webhooks (each with name: and url:), not ") +
                            section.type_name()});
    return targets;
  }
  if (section.size() > kMaxTargets) {
    problems.push_back({"notifications", "lists " + std::to_string(section.size()) +
                                             " webhooks; at most " + std::to_string(kMaxTargets) +
                                             " are allowed"});
  }
  std::set<std::string> names;
  for (std::size_t i = 0; i < section.size(); ++i) {
    std::string path = "notifications[" + std::to_string(i) + "]";
    NotificationTargetSpec target = readTarget(section[i], path, problems);
    if (!target.name.empty() && !names.insert(target.name).second) {
      problems.push_back({path + ".name", "'" + target.name + "' names another webhook too; "
                                                              "give each its own name"});
    }
    targets.push_back(std::move(target));
  }
  return targets;
}

Result<std::vector<NotificationTargetSpec>> notificationsOf(const DeploymentGroup& group) {
  std::vector<TrafficSpecProblem> problems;
  std::vector<NotificationTargetSpec> targets = readNotificationsSpec(group.spec.notifications, problems);
  if (!problems.empty()) return detail::storedSectionError(problems, group);
  return targets;
}

}  // namespace greenlight::catalog
