// Text views of applications, configurations, groups, revisions, instances, tokens and audit.
#include "cli/client_render_catalog.h"

#include <algorithm>
#include <vector>

#include "cli/client_output.h"

namespace greenlight::cli {

namespace {

// Lists come wrapped ({"groups": [...]}) from the API; a bare array is accepted too.
const nlohmann::json& listIn(const nlohmann::json& answer, const char* key) {
  if (answer.is_array()) return answer;
  return arrayOf(answer, key);
}

std::string orDash(const std::string& text) { return text.empty() ? "-" : text; }

std::string fieldLine(const std::string& label, const std::string& value) {
  std::string line = label + ":";
  line.resize(std::max<std::size_t>(line.size() + 1, 22), ' ');
  return line + value + "\n";
}

std::string describeFleet(const nlohmann::json& fleet) {
  std::string provider = textOf(fleet, "provider");
  if (provider == "local") {
    std::string text = "local, " + textOf(fleet, "instances") + " instances";
    if (auto basePort = numberOf(fleet, "basePort")) text += " from port " + std::to_string(*basePort);
    return text;
  }
  std::string text = provider.empty() ? "-" : provider;
  if (fleet.is_object() && fleet.contains("tags") && fleet["tags"].is_object() && !fleet["tags"].empty()) {
    std::string tags;
    for (const auto& [key, value] : fleet["tags"].items()) {
      tags += (tags.empty() ? "" : ",") + key + "=" + (value.is_string() ? value.get<std::string>() : value.dump());
    }
    text += ", agents tagged " + tags;
  } else if (provider == "static") {
    text += ", every enrolled agent";
  }
  return text;
}

const nlohmann::json& memberOf(const nlohmann::json& object, const char* key) {
  static const nlohmann::json kNull;
  if (!object.is_object()) return kNull;
  auto found = object.find(key);
  return found == object.end() ? kNull : *found;
}

// The group's style as it deploys: blue/green or in place (the server's default).
std::string styleOf(const nlohmann::json& group) {
  std::string style = textOf(group, "deploymentStyle");
  return style.empty() ? "in-place" : style;
}

// Where the group is served: "127.0.0.1:8080" (greenlight's HAProxy), "backend web of
// /run/haproxy/admin.sock" (an HAProxy of your own), or "-" without a load balancer.
std::string loadBalancerAddress(const nlohmann::json& group) {
  const auto& balancer = memberOf(group, "loadBalancer");
  if (!balancer.is_object() || textOf(balancer, "provider") == "none") return "-";
  if (auto listen = textOf(balancer, "listen"); !listen.empty()) return listen;
  if (auto backend = textOf(balancer, "backend"); !backend.empty()) {
    return "backend " + backend + " of " + orDash(textOf(balancer, "adminSocket"));
  }
  return "-";
}

// "haproxy on 127.0.0.1:8080, health check /health every 500ms" (defaults as the server's).
std::string describeLoadBalancer(const nlohmann::json& group) {
  std::string address = loadBalancerAddress(group);
  if (address == "-") return "none";
  const auto& balancer = memberOf(group, "loadBalancer");
  std::string provider = textOf(balancer, "provider");
  std::string text = (provider.empty() ? std::string("haproxy") : provider) +
                     (textOf(balancer, "listen").empty() ? ", " : " on ") + address;
  const auto& check = memberOf(balancer, "healthCheck");
  std::string path = textOf(check, "path");
  std::string interval = textOf(check, "intervalMs");
  text += ", health check " + (path.empty() ? std::string("/health") : path) + " every " +
          (interval.empty() ? std::string("500") : interval) + "ms";
  return text;
}

// "ready: continue, old fleet: terminate after 300s" (defaults as the server's).
std::string describeBlueGreenOptions(const nlohmann::json& group) {
  const auto& options = memberOf(group, "blueGreen");
  auto orDefault = [&options](const char* key, const char* fallback) {
    std::string value = textOf(options, key);
    return value.empty() ? std::string(fallback) : value;
  };
  std::string ready = orDefault("readyAction", "continue");
  std::string text = "ready: " + ready;
  if (ready == "wait") text += " for `greenlight continue` (up to " + orDefault("readyTimeoutSeconds", "3600") + "s)";
  std::string original = orDefault("originalFleetAction", "terminate");
  text += ", previous fleet: " + original + " after " + orDefault("terminationWaitSeconds", "300") + "s";
  if (original == "keep-alive") text += " (at most " + orDefault("maxRemainingFleets", "1") + " kept)";
  return text;
}

}  // namespace

std::string renderApplications(const nlohmann::json& answer) {
  const auto& applications = listIn(answer, "applications");
  if (applications.empty()) return "No applications yet. Create one with `greenlight app create NAME`.\n";
  Table table({"NAME", "PLATFORM", "CREATED"});
  for (const auto& application : applications) {
    table.addRow({textOf(application, "name"), textOf(application, "computePlatform"),
                  shortTime(textOf(application, "createdAt"))});
  }
  return table.render();
}

std::string renderApplication(const nlohmann::json& application) {
  return fieldLine("Application", textOf(application, "name")) +
         fieldLine("Compute platform", textOf(application, "computePlatform")) +
         fieldLine("Created", shortTime(textOf(application, "createdAt")));
}

std::string describeConfig(const nlohmann::json& config) {
  if (config.is_object() && config.contains("minimumHealthyHosts")) {
    const auto& hosts = config["minimumHealthyHosts"];
    return "minimum healthy " + textOf(hosts, "type") + " " + textOf(hosts, "value");
  }
  if (config.is_object() && config.contains("trafficRouting")) {
    const auto& routing = config["trafficRouting"];
    std::string type = textOf(routing, "type");
    if (type == "TimeBasedCanary") {
      return "canary " + textOf(routing, "percent") + "%, the rest after " +
             textOf(routing, "intervalMinutes") + " min";
    }
    if (type == "TimeBasedLinear") {
      return "linear " + textOf(routing, "percent") + "% every " + textOf(routing, "intervalMinutes") + " min";
    }
    if (type == "AllAtOnce") return "all traffic at once";
    if (type == "Steps") return "steps: " + describeSteps(arrayOf(routing, "steps"));
    return "traffic " + orDash(type);
  }
  return "-";
}

std::string describeSteps(const nlohmann::json& steps) {
  std::string text;
  for (const auto& step : steps) {
    std::string shown;
    if (step.is_object() && step.contains("setWeight")) {
      shown = textOf(step, "setWeight") + "%";
    } else if (step.is_object() && step.contains("pause")) {
      std::string seconds = textOf(step["pause"], "seconds");
      shown = seconds.empty() ? "pause" : "pause " + seconds + "s";
    } else if (step.is_object() && step.contains("gate") && step["gate"].is_object()) {
      const auto& gate = step["gate"];
      std::string waits = gate.value("continue", false) ? "continue" : "";
      if (gate.contains("webhook") && gate["webhook"].is_object()) {
        waits += (waits.empty() ? "" : " + ") + textOf(gate["webhook"], "url");
      }
      std::string onDeadline = textOf(gate, "onDeadline");
      std::string deadline = textOf(gate, "deadlineSeconds");
      shown = "gate (" + waits + ", " + (onDeadline.empty() ? "stop" : onDeadline) + " after " +
              (deadline.empty() ? "3600" : deadline) + "s)";
    } else {
      shown = step.dump();
    }
    text += (text.empty() ? "" : ", ") + shown;
  }
  return text.empty() ? "none" : text;
}

std::string renderConfigs(const nlohmann::json& answer) {
  Table table({"NAME", "PLATFORM", "RULE", "KIND"});
  for (const auto& config : listIn(answer, "deploymentConfigs")) {
    table.addRow({textOf(config, "name"), textOf(config, "computePlatform"), describeConfig(config),
                  flagOf(config, "predefined") ? "predefined" : "custom"});
  }
  return table.render();
}

std::string renderConfig(const nlohmann::json& config) {
  return fieldLine("Deployment config", textOf(config, "name")) +
         fieldLine("Compute platform", textOf(config, "computePlatform")) +
         fieldLine("Rule", describeConfig(config)) +
         fieldLine("Kind", flagOf(config, "predefined") ? "predefined" : "custom");
}

std::string renderGroups(const nlohmann::json& answer) {
  const auto& groups = listIn(answer, "groups");
  if (groups.empty()) return "No deployment groups. Create one with `greenlight group create APP NAME`.\n";
  Table table({"NAME", "ID", "FLEET", "STYLE", "LOAD BALANCER", "CONFIG", "AUTO ROLLBACK"});
  for (const auto& group : groups) {
    const auto& fleet = group.is_object() && group.contains("fleet") ? group["fleet"] : nlohmann::json();
    const auto& rollback =
        group.is_object() && group.contains("autoRollback") ? group["autoRollback"] : nlohmann::json();
    table.addRow({textOf(group, "name"), textOf(group, "id"), describeFleet(fleet), styleOf(group),
                  loadBalancerAddress(group), textOf(group, "deploymentConfig"),
                  flagOf(rollback, "enabled") ? "on" : "off"});
  }
  return table.render();
}

std::string renderGroup(const nlohmann::json& group, const nlohmann::json& instances) {
  const auto& fleet = group.is_object() && group.contains("fleet") ? group["fleet"] : nlohmann::json();
  const auto& rollback =
      group.is_object() && group.contains("autoRollback") ? group["autoRollback"] : nlohmann::json();
  std::string rollbackText = "off";
  if (flagOf(rollback, "enabled")) {
    std::string events;
    for (const auto& event : arrayOf(rollback, "events")) {
      events += (events.empty() ? "" : ", ") + (event.is_string() ? event.get<std::string>() : event.dump());
    }
    rollbackText = "on" + (events.empty() ? std::string() : " (" + events + ")");
  }
  std::string out = fieldLine("Deployment group", textOf(group, "application") + "/" + textOf(group, "name")) +
                    fieldLine("Id", textOf(group, "id")) + fieldLine("Fleet", describeFleet(fleet)) +
                    fieldLine("Deployment config", textOf(group, "deploymentConfig")) +
                    fieldLine("Style", styleOf(group)) +
                    fieldLine("Load balancer", describeLoadBalancer(group)) +
                    (styleOf(group) == "blue-green" ? fieldLine("Blue/green", describeBlueGreenOptions(group))
                                                    : std::string()) +
                    fieldLine("Automatic rollback", rollbackText) +
                    fieldLine("File exists", orDash(textOf(group, "fileExistsBehavior"))) +
                    fieldLine("Revisions kept", orDash(textOf(group, "revisionsToKeep")));
  if (group.is_object() && group.contains("environment") && group["environment"].is_object()) {
    for (const auto& [key, value] : group["environment"].items()) {
      out += fieldLine("Environment", key + "=" + (value.is_string() ? value.get<std::string>() : value.dump()));
    }
  }
  out += fieldLine("Created", shortTime(textOf(group, "createdAt")));
  if (!instances.is_null()) {
    out += "\n";
    out += renderInstances(instances);
  }
  return out;
}

std::string renderEnrolmentToken(const nlohmann::json& answer, const std::string& groupLabel,
                                 const std::string& serverAddress) {
  return "Enrolment token for " + groupLabel + " (shown once, keep it secret):\n\n  " +
         textOf(answer, "token") + "\n\nOn each host, give it to the agent (GREENLIGHT_ENROLMENT_TOKEN or a token file) and point it at " +
         serverAddress + "; see `greenlight agent --help`.\n";
}

std::string renderRevisions(const nlohmann::json& answer) {
  const auto& revisions = listIn(answer, "revisions");
  if (revisions.empty()) return "No revisions yet. Push one with `greenlight revision push APP PATH`.\n";
  Table table({"SHA256", "TYPE", "SIZE", "PUSHED", "DESCRIPTION"});
  for (const auto& revision : revisions) {
    table.addRow({shortSha(textOf(revision, "sha256")), textOf(revision, "bundleType"),
                  textOf(revision, "sizeBytes"), shortTime(textOf(revision, "createdAt")),
                  textOf(revision, "description")});
  }
  return table.render();
}

std::string renderRevision(const nlohmann::json& revision) {
  return fieldLine("Revision", textOf(revision, "sha256")) +
         fieldLine("Application", textOf(revision, "application")) +
         fieldLine("Bundle", textOf(revision, "bundleType") + ", " + textOf(revision, "sizeBytes") + " bytes") +
         fieldLine("AppSpec", orDash(textOf(revision, "appspecFilename"))) +
         fieldLine("Description", orDash(textOf(revision, "description"))) +
         fieldLine("Pushed", shortTime(textOf(revision, "createdAt")));
}

std::string instanceHealth(const nlohmann::json& instance) {
  std::string health = textOf(instance, "health");
  if (!health.empty()) return health;
  std::string lifecycle = textOf(instance, "lifecycle");
  if (flagOf(instance, "lastDeploymentFailed") || lifecycle == "Lost") return "Unhealthy";
  return "Healthy";
}

std::string renderInstances(const nlohmann::json& answer) {
  const auto& instances = listIn(answer, "instances");
  if (instances.empty()) return "No instances.\n";
  // The fleet version only matters, and is only shown, once a blue/green group has made fleets.
  bool fleets = std::any_of(instances.begin(), instances.end(),
                            [](const nlohmann::json& instance) { return !textOf(instance, "fleetVersion").empty(); });
  std::vector<std::string> headers = {"ID", "HOST", "PORT", "LIFECYCLE", "ONLINE", "REVISION", "HEALTH"};
  if (fleets) headers.insert(headers.begin() + 1, "FLEET");
  Table table(headers);
  for (const auto& instance : instances) {
    std::string lifecycle = textOf(instance, "lifecycle");
    std::string reason = textOf(instance, "lifecycleReason");
    if (!reason.empty() && lifecycle != "Running") lifecycle += " (" + reason + ")";
    auto port = numberOf(instance, "port");
    std::vector<std::string> row = {textOf(instance, "id"), textOf(instance, "hostName"),
                                    port && *port > 0 ? std::to_string(*port) : "-", lifecycle,
                                    flagOf(instance, "online") ? "yes" : "no",
                                    orDash(shortSha(textOf(instance, "currentRevision"))), instanceHealth(instance)};
    if (fleets) row.insert(row.begin() + 1, orDash(textOf(instance, "fleetVersion")));
    table.addRow(std::move(row));
  }
  return table.render();
}

std::string renderTokens(const nlohmann::json& answer) {
  Table table({"ID", "NAME", "ROLE", "SCOPE", "CREATED", "EXPIRES", "REVOKED", "LAST USED"});
  for (const auto& token : listIn(answer, "tokens")) {
    table.addRow({textOf(token, "id"), textOf(token, "name"), textOf(token, "role"),
                  orDash(textOf(token, "scope")), shortTime(textOf(token, "createdAt")),
                  orDash(shortTime(textOf(token, "expiresAt"))), orDash(shortTime(textOf(token, "revokedAt"))),
                  orDash(shortTime(textOf(token, "lastUsedAt")))});
  }
  return table.render();
}

std::string renderCreatedToken(const nlohmann::json& answer) {
  return "Token " + textOf(answer, "id") + " \"" + textOf(answer, "name") + "\" (" + textOf(answer, "role") +
         "), shown once, keep it secret:\n\n  " + textOf(answer, "token") +
         "\n\nUse it with: export GREENLIGHT_TOKEN=<token>\n";
}

std::string renderAudit(const nlohmann::json& answer) {
  Table table({"ID", "AT", "PRINCIPAL", "ROLE", "ACTION", "TARGET", "DETAILS"});
  for (const auto& entry : listIn(answer, "entries")) {
    std::string principal = textOf(entry, "principalName");
    if (principal.empty()) principal = textOf(entry, "principal");
    std::string role = textOf(entry, "principalRole");
    if (role.empty()) role = textOf(entry, "role");
    std::string details;
    if (entry.is_object() && entry.contains("details") && entry["details"].is_object() &&
        !entry["details"].empty()) {
      details = entry["details"].dump();
      // Whole details stay one `--output json` away; a table row keeps to one screen line.
      if (details.size() > 80) details = details.substr(0, 77) + "...";
    }
    table.addRow({textOf(entry, "id"), shortTime(textOf(entry, "at")), principal, role,
                  textOf(entry, "action"), textOf(entry, "target"), details});
  }
  return table.render();
}

}  // namespace greenlight::cli
