// Reads a group spec from its located tree: types and keys here, value rules from
// group_spec_rules, every problem reported with its key path and, from YAML, line and column.
#include <algorithm>
#include <cctype>
#include <map>
#include <tuple>

#include "appspec/suggestion.h"
#include "catalog/catalog_support.h"
#include "catalog/group_spec.h"
#include "catalog/group_spec_document.h"
#include "catalog/group_spec_rules.h"
#include "common/error_codes.h"

namespace greenlight::catalog {
namespace {

using detail::SpecNode;

struct LocatedProblem {
  int line = 0;
  int column = 0;
  std::string keyPath;
  std::string message;
};

std::string childPath(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string keyList(const std::vector<std::string_view>& keys) {
  std::string text;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (i > 0) text += (i + 1 == keys.size()) ? " and " : ", ";
    text += keys[i];
  }
  return text;
}

std::string upperCase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

// True when `path` is `covered` or lies below it ("fleet.instances" below "fleet").
bool isWithin(const std::string& path, const std::string& covered) {
  if (covered.empty()) return true;
  if (path.rfind(covered, 0) != 0) return false;
  return path.size() == covered.size() || path[covered.size()] == '.' || path[covered.size()] == '[';
}

class SpecReader {
 public:
  explicit SpecReader(std::string source) : source_(std::move(source)) {}

  void problem(const SpecNode& at, std::string keyPath, std::string message) {
    problems_.push_back({at.line, at.column, std::move(keyPath), std::move(message)});
  }

  GroupSpec read(const SpecNode& root, std::string_view applicationFallback) {
    GroupSpec spec;
    root_ = &root;
    if (root.kind == SpecNode::Kind::Null) {
      problem(root, "", "the group spec is empty; write at least `name:` and `fleet:`");
      return spec;
    }
    if (root.kind != SpecNode::Kind::Mapping) {
      problem(root, "", "a group spec is a mapping of keys (" + keyList(detail::groupSpecKeys()) +
                            "), not " + root.describe());
      return spec;
    }
    auto keys = entries(root, "", detail::groupSpecKeys(), "a group spec");
    readApplication(keys, applicationFallback, spec);
    if (const SpecNode* name = keys["name"]) {
      if (auto value = text(*name, "name")) spec.name = *value;
    } else {
      problem(root, "name", "missing; every group needs a name, e.g. `name: web`");
    }
    if (const SpecNode* fleet = keys["fleet"]) {
      readFleet(*fleet, spec.fleet);
    } else {
      problem(root, "fleet", "missing; say where the group runs, e.g. "
                             "`fleet: {provider: local, instances: 2}`");
    }
    if (const SpecNode* config = keys["deploymentConfig"]) {
      if (auto value = text(*config, "deploymentConfig")) spec.deploymentConfig = *value;
    }
    if (const SpecNode* style = keys["deploymentStyle"]) readStyle(*style, spec);
    if (const SpecNode* loadBalancer = keys["loadBalancer"]) {
      locate("loadBalancer", *loadBalancer);
      spec.loadBalancer = loadBalancer->toJson();
    }
    if (const SpecNode* blueGreen = keys["blueGreen"]) {
      locate("blueGreen", *blueGreen);
      spec.blueGreen = blueGreen->toJson();
    }
    if (const SpecNode* analysis = keys["analysis"]) {
      locate("analysis", *analysis);
      spec.analysis = analysis->toJson();
    }
    if (const SpecNode* alarms = keys["alarms"]) {
      locate("alarms", *alarms);
      spec.alarms = alarms->toJson();
    }
    if (const SpecNode* notifications = keys["notifications"]) {
      locate("notifications", *notifications);
      spec.notifications = notifications->toJson();
    }
    if (const SpecNode* rollback = keys["autoRollback"]) readAutoRollback(*rollback, spec.autoRollback);
    if (const SpecNode* environment = keys["environment"]) {
      spec.environment = textMap(*environment, "environment");
    }
    if (const SpecNode* keep = keys["revisionsToKeep"]) {
      if (auto value = integer(*keep, "revisionsToKeep", "a whole number from 1 to 100")) {
        spec.revisionsToKeep = *value;
      }
    }
    if (const SpecNode* ignore = keys["ignoreApplicationStopFailures"]) {
      if (auto value = boolean(*ignore, "ignoreApplicationStopFailures")) {
        spec.ignoreApplicationStopFailures = *value;
      }
    }
    if (const SpecNode* behavior = keys["fileExistsBehavior"]) {
      if (auto value = text(*behavior, "fileExistsBehavior")) {
        spec.fileExistsBehavior = upperCase(*value);
      }
    }
    return spec;
  }

  // Adds the value rules' problems (those not already explained by a reading problem), then
  // turns the list into the error, or success.
  Status finish(const GroupSpec& spec, bool applyRules = true) {
    std::vector<LocatedProblem> reading = problems_;
    std::vector<detail::SpecProblem> rules;
    if (applyRules) rules = detail::checkGroupSpec(spec);
    for (const detail::SpecProblem& rule : rules) {
      bool explained = std::any_of(reading.begin(), reading.end(), [&](const LocatedProblem& p) {
        return isWithin(rule.keyPath, p.keyPath);
      });
      if (explained) continue;
      auto [line, column] = locationOf(rule.keyPath);
      problems_.push_back({line, column, rule.keyPath, rule.message});
    }
    if (problems_.empty()) return Status::success();
    std::stable_sort(problems_.begin(), problems_.end(),
                     [](const LocatedProblem& a, const LocatedProblem& b) {
                       return std::tie(a.line, a.column) < std::tie(b.line, b.column);
                     });
    std::string message;
    for (const LocatedProblem& p : problems_) {
      if (!message.empty()) message += "\n";
      if (!source_.empty()) message += source_ + ":";
      if (p.line > 0) message += std::to_string(p.line) + ":" + std::to_string(p.column) + ":";
      if (!message.empty() && message.back() == ':') message += " ";
      if (!p.keyPath.empty()) message += p.keyPath + ": ";
      message += p.message;
    }
    return Error{codes::kInvalidGroupSpec, message};
  }

 private:
  // Records where `node` and everything under it is ("analysis.checks[1].webhook.url").
  void locate(const std::string& path, const SpecNode& node) {
    locations_[path] = {node.line, node.column};
    for (std::size_t i = 0; i < node.items.size(); ++i) {
      locate(path + "[" + std::to_string(i) + "]", node.items[i]);
    }
    for (const auto& [key, value] : node.entries) {
      if (key.kind == SpecNode::Kind::Scalar) locate(path + "." + key.text, value);
    }
  }

  std::pair<int, int> locationOf(std::string path) const {
    while (true) {
      auto found = locations_.find(path);
      if (found != locations_.end()) return found->second;
      std::size_t cut = path.find_last_of(".[");
      if (cut == std::string::npos) break;
      path.resize(cut);
    }
    return {root_ != nullptr ? root_->line : 0, root_ != nullptr ? root_->column : 0};
  }

  // The values of the known keys of `mapping`; unknown and repeated keys are reported.
  std::map<std::string_view, const SpecNode*> entries(const SpecNode& mapping,
                                                      const std::string& path,
                                                      const std::vector<std::string_view>& known,
                                                      const std::string& what) {
    std::map<std::string_view, const SpecNode*> found;
    for (std::string_view key : known) found[key] = nullptr;
    for (const auto& [keyNode, value] : mapping.entries) {
      if (keyNode.kind != SpecNode::Kind::Scalar) {
        problem(keyNode, path, "a key must be a plain name, not " + keyNode.describe());
        continue;
      }
      const std::string& key = keyNode.text;
      std::string keyPath = childPath(path, key);
      auto slot = std::find(known.begin(), known.end(), key);
      if (slot == known.end()) {
        std::optional<std::string> close = appspec::detail::closestMatch(key, known);
        problem(keyNode, keyPath,
                "unknown key" + (close ? " (did you mean '" + *close + "'?)"
                                       : "; " + what + " has " + keyList(known)));
        continue;
      }
      if (found[*slot] != nullptr) {
        problem(keyNode, keyPath, "appears twice; keep one");
        continue;
      }
      found[*slot] = &value;
      locate(keyPath, value);
    }
    return found;
  }

  std::optional<std::string> text(const SpecNode& node, const std::string& path) {
    bool textual = node.kind == SpecNode::Kind::Scalar &&
                   (node.type == SpecNode::ScalarType::Untyped ||
                    node.type == SpecNode::ScalarType::String);
    if (!textual) {
      problem(node, path, "must be text, not " + node.describe());
      return std::nullopt;
    }
    return node.text;
  }

  std::optional<int> integer(const SpecNode& node, const std::string& path,
                             const std::string& expectation) {
    std::optional<int> value;
    if (node.kind == SpecNode::Kind::Scalar && node.type != SpecNode::ScalarType::Bool) {
      const std::string& digits = node.text;
      bool whole = !digits.empty() && digits.size() <= 9;
      for (std::size_t i = 0; i < digits.size() && whole; ++i) {
        whole = (digits[i] >= '0' && digits[i] <= '9') || (i == 0 && digits[i] == '-' && digits.size() > 1);
      }
      if (whole) value = std::stoi(digits);
    }
    if (!value) problem(node, path, "must be " + expectation + ", not " + node.describe());
    return value;
  }

  std::optional<bool> boolean(const SpecNode& node, const std::string& path) {
    if (node.kind == SpecNode::Kind::Scalar && node.type != SpecNode::ScalarType::Number) {
      std::string word = upperCase(node.text);
      bool typed = node.type == SpecNode::ScalarType::Bool;
      if (word == "TRUE" || (!typed && (word == "YES" || word == "ON"))) return true;
      if (word == "FALSE" || (!typed && (word == "NO" || word == "OFF"))) return false;
    }
    problem(node, path, "must be true or false, not " + node.describe());
    return std::nullopt;
  }

  // A mapping of names to text; numbers and booleans are taken as written ("8080", "true").
  std::map<std::string, std::string> textMap(const SpecNode& node, const std::string& path) {
    std::map<std::string, std::string> result;
    if (node.kind == SpecNode::Kind::Null) return result;
    if (node.kind != SpecNode::Kind::Mapping) {
      problem(node, path, "must be a mapping of names to values, not " + node.describe());
      return result;
    }
    for (const auto& [key, value] : node.entries) {
      if (key.kind != SpecNode::Kind::Scalar) {
        problem(key, path, "a key must be a plain name, not " + key.describe());
        continue;
      }
      std::string keyPath = childPath(path, key.text);
      locate(keyPath, key);
      if (value.kind != SpecNode::Kind::Scalar) {
        problem(value, keyPath, "must be a single value, not " + value.describe());
        continue;
      }
      if (!result.emplace(key.text, value.text).second) {
        problem(key, keyPath, "appears twice; keep one");
      }
    }
    return result;
  }

  void readApplication(std::map<std::string_view, const SpecNode*>& keys,
                       std::string_view fallback, GroupSpec& spec) {
    const SpecNode* node = keys["application"];
    if (node == nullptr) {
      if (fallback.empty()) {
        problem(*root_, "application",
                "missing; name the application the group belongs to, e.g. `application: shop`");
      }
      spec.application = std::string(fallback);
      return;
    }
    std::optional<std::string> value = text(*node, "application");
    if (!value) return;
    if (!fallback.empty() && *value != fallback) {
      problem(*node, "application",
              "says '" + *value + "' but the group is being created in application '" +
                  std::string(fallback) + "'; make them agree or remove the key");
      return;
    }
    spec.application = *value;
  }

  void readFleet(const SpecNode& node, FleetSpec& fleet) {
    if (node.kind != SpecNode::Kind::Mapping) {
      problem(node, "fleet", "must be a mapping such as {provider: local, instances: 2}, not " +
                                 node.describe());
      return;
    }
    auto keys = entries(node, "fleet", detail::fleetKeys(), "fleet");
    if (const SpecNode* provider = keys["provider"]) {
      if (std::optional<std::string> value = text(*provider, "fleet.provider")) {
        if (*value == "local") {
          fleet.provider = FleetProvider::Local;
        } else if (*value == "static") {
          fleet.provider = FleetProvider::Static;
        } else if (*value == "aws") {
          fleet.provider = FleetProvider::Aws;
        } else {
          std::optional<std::string> close =
              appspec::detail::closestMatch(*value, {"local", "static", "aws"});
          problem(*provider, "fleet.provider",
                  "must be local, static or aws, not '" + *value + "'" +
                      (close ? " (did you mean '" + *close + "'?)" : ""));
        }
      }
    }
    if (const SpecNode* instances = keys["instances"]) {
      if (auto value = integer(*instances, "fleet.instances", "a whole number from 1 to 1000")) {
        fleet.instances = *value;
      }
    }
    if (const SpecNode* basePort = keys["basePort"]) {
      if (auto value = integer(*basePort, "fleet.basePort", "a TCP port from 1 to 65535")) {
        fleet.basePort = *value;
      }
    }
    if (const SpecNode* tags = keys["tags"]) fleet.tags = textMap(*tags, "fleet.tags");
    if (const SpecNode* aws = keys["aws"]) {
      locate("fleet.aws", *aws);
      fleet.aws = aws->toJson();
    }
  }

  void readStyle(const SpecNode& node, GroupSpec& spec) {
    std::optional<std::string> value = text(node, "deploymentStyle");
    if (!value) return;
    std::string word = upperCase(*value);
    std::replace(word.begin(), word.end(), '_', '-');
    if (word == "IN-PLACE") {
      spec.style = DeploymentStyle::InPlace;
    } else if (word == "BLUE-GREEN") {
      spec.style = DeploymentStyle::BlueGreen;
    } else {
      problem(node, "deploymentStyle", "must be in-place or blue-green, not '" + *value + "'");
    }
  }

  void readAutoRollback(const SpecNode& node, AutoRollbackSpec& rollback) {
    if (node.kind != SpecNode::Kind::Mapping) {
      problem(node, "autoRollback", "must be a mapping such as {enabled: true, events: "
                                    "[DEPLOYMENT_FAILURE]}, not " + node.describe());
      return;
    }
    auto keys = entries(node, "autoRollback", detail::autoRollbackKeys(), "autoRollback");
    if (const SpecNode* enabled = keys["enabled"]) {
      if (auto value = boolean(*enabled, "autoRollback.enabled")) rollback.enabled = *value;
    }
    const SpecNode* events = keys["events"];
    if (events == nullptr || events->kind == SpecNode::Kind::Null) return;
    if (events->kind != SpecNode::Kind::Sequence) {
      problem(*events, "autoRollback.events",
              "must be a list such as [DEPLOYMENT_FAILURE], not " + events->describe());
      return;
    }
    for (std::size_t i = 0; i < events->items.size(); ++i) {
      std::string path = "autoRollback.events[" + std::to_string(i) + "]";
      locate(path, events->items[i]);
      if (auto value = text(events->items[i], path)) {
        if (std::find(rollback.events.begin(), rollback.events.end(), *value) ==
            rollback.events.end()) {
          rollback.events.push_back(*value);
        }
      }
    }
  }

  std::string source_;
  const SpecNode* root_ = nullptr;
  std::vector<LocatedProblem> problems_;
  std::map<std::string, std::pair<int, int>> locations_;
};

Result<GroupSpec> readSpec(const SpecNode& root, std::string source,
                           std::string_view applicationFallback, bool applyRules = true) {
  SpecReader reader(std::move(source));
  GroupSpec spec = reader.read(root, applicationFallback);
  if (Status valid = reader.finish(spec, applyRules); !valid.ok()) return valid.error();
  return spec;
}

}  // namespace

Result<GroupSpec> parseGroupYaml(std::string_view text, std::string_view sourceName,
                                 std::string_view applicationFallback) {
  detail::SpecDocument document = detail::specFromYaml(text);
  if (!document.root) {
    // The syntax error starts with "line:column: " when yaml-cpp knew where it was.
    bool located = std::isdigit(static_cast<unsigned char>(document.syntaxError.front())) != 0;
    std::string where = sourceName.empty() ? "" : std::string(sourceName) + (located ? ":" : ": ");
    return Error{codes::kInvalidGroupSpec, where + document.syntaxError};
  }
  return readSpec(*document.root, std::string(sourceName), applicationFallback);
}

Result<GroupSpec> groupSpecFromJson(const nlohmann::json& json,
                                    std::string_view applicationFallback) {
  return readSpec(detail::specFromJson(json), "", applicationFallback);
}

namespace detail {

Result<GroupSpec> groupSpecFromStoredJson(const nlohmann::json& json) {
  return readSpec(specFromJson(json), "", "", /*applyRules=*/false);
}

}  // namespace detail
}  // namespace greenlight::catalog
