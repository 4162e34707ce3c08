// Goployer manifest -> deployment groups (see goployer_import.h): top-level settings, each stack's
// launch and scaling settings, then one group per region of each stack.
#include "importer/goployer_import.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include "catalog/group_spec.h"
#include "importer/manifest_fields.h"

namespace greenlight::importer {
namespace {

using nlohmann::ordered_json;
using detail::ManifestFields;


std::string indexed(const std::string& path, std::size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

std::string withoutDashes(std::string text) {
  text.erase(std::remove(text.begin(), text.end(), '-'), text.end());
  return text;
}

// Goployer's `key=value` tags into `into`; others reported.
void readTags(const YAML::Node& list, const std::string& path, GoployerImport& report,
              ordered_json& into) {
  if (!list.IsDefined() || list.IsNull()) return;
  if (!list.IsSequence()) {
    report.unhonoured.push_back({path, list.Mark().line + 1, list.Mark().column + 1,
                                 detail::shortValue(list), "must be a list of key=value; left out"});
    return;
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    std::string tag = list[i].IsScalar() ? list[i].Scalar() : "";
    auto equals = tag.find('=');
    if (equals == std::string::npos || equals == 0) {
      report.unhonoured.push_back({indexed(path, i), list[i].Mark().line + 1, list[i].Mark().column + 1,
                                   detail::shortValue(list[i]), "is not key=value; left out"});
      continue;
    }
    into[tag.substr(0, equals)] = tag.substr(equals + 1);
  }
}

std::vector<std::string> textList(const YAML::Node& list) {
  std::vector<std::string> items;
  if (!list.IsSequence()) return items;
  for (const auto& item : list) {
    if (item.IsScalar() && !item.Scalar().empty()) items.push_back(item.Scalar());
  }
  return items;
}

ordered_json capacityOf(ManifestFields& fields) {
  ordered_json capacity = ordered_json::object();
  for (const char* key : {"min", "max", "desired"}) {
    if (auto value = fields.whole(key)) capacity[key] = *value;
  }
  return capacity;
}

// What every region of a stack shares.
struct StackPlan {
  std::string stack;
  std::string env;
  std::string replacementType = "BlueGreen";
  std::optional<long long> rollingCount;
  ordered_json launchTemplate = ordered_json::object();
  ordered_json autoScaling = ordered_json::object();
  ordered_json fleetExtras = ordered_json::object();  // scalingPolicies, scalingAlarms, ...
  std::optional<long long> desired;
  std::string path;  // "stacks[2]"
  int replacementLine = 0;  // where replacement_type is written, for the report
  int replacementColumn = 0;
};

class ManifestImport {
 public:
  ManifestImport(const YAML::Node& root, std::string source, const ImportOptions& options)
      : root_(root), source_(std::move(source)), options_(options) {}

  Result<GoployerImport> run() {
    report_.kind = "manifest";
    {
      ManifestFields top(root_, "", report_);
      if (auto name = top.text("name")) report_.application = *name;
      readUserData(top, launchBase_);
      readTags(top.take("tags"), "tags", report_, tagsBase_);
      readScheduledActions(top);
      if (top.take("autoscaling").IsDefined()) {
        top.mapped("autoscaling", "a YAML anchor; its policies are imported where the stacks refer to it");
      }
      if (top.take("alarms").IsDefined()) {
        top.mapped("alarms", "a YAML anchor; its alarms are imported where the stacks refer to it");
      }
      for (const char* key : {"api_test_templates", "api_test_template"}) {
        if (top.take(key).IsDefined()) {
          top.unhonoured(key, "greenlight runs no load test; call yours from an analysis or gate "
                              "webhook (`analysis.checks[].webhook`) to judge a new fleet");
        }
      }
      YAML::Node stacks = top.take("stacks");
      std::set<std::string> stackNames;
      for (std::size_t i = 0; i < stacks.size(); ++i) {
        const YAML::Node item = stacks[i];
        const YAML::Node stackKey = item.IsMap() ? item["stack"] : YAML::Node();
        std::string name = stackKey.IsDefined() && stackKey.IsScalar() ? stackKey.Scalar() : "";
        stackNames.insert(name);
        if (!options_.stack.empty() && name != options_.stack) continue;  // not reported either
        ManifestFields stack(item, indexed("stacks", i), report_);
        StackPlan plan = readStack(stack);
        plan.path = indexed("stacks", i);
        readRegions(stack, plan);
      }
      if (!options_.stack.empty() && stackNames.count(options_.stack) == 0) {
        std::string known;
        for (const auto& name : stackNames) known += (known.empty() ? "" : ", ") + name;
        return Error{kInvalidManifest, source_ + ": has no stack named '" + options_.stack +
                                           "'; its stacks are " + known};
      }
    }
    if (report_.groups.empty() && !options_.region.empty()) {
      return Error{kInvalidManifest, source_ + ": no stack has region '" + options_.region + "'"};
    }
    std::sort(report_.unhonoured.begin(), report_.unhonoured.end(), byPlace);
    std::sort(report_.mapped.begin(), report_.mapped.end(), byPlace);
    return report_;
  }

 private:
  static bool byPlace(const ReportEntry& a, const ReportEntry& b) {
    return std::tie(a.line, a.column, a.keyPath) < std::tie(b.line, b.column, b.keyPath);
  }

  void readUserData(ManifestFields& fields, ordered_json& launch) {
    YAML::Node node = fields.take("userdata");
    if (!node.IsDefined() || node.IsNull()) return;
    ManifestFields userdata(node, fields.pathOf("userdata"), report_);
    std::string type = userdata.text("type").value_or("local");
    std::optional<std::string> path = userdata.text("path");
    if (!path) return;
    if (type != "local") {
      fields.unhonouredValue("userdata", node,
                             "user data from " + type + " is not fetched at import; write a "
                             "`fleet.aws.launchTemplate.userData` script that fetches it");
      return;
    }
    std::optional<std::string> script = options_.readFile ? options_.readFile(*path) : std::nullopt;
    if (!script) {
      fields.unhonouredValue("userdata", node,
                             "the script " + *path + " could not be read here; paste it into "
                             "`fleet.aws.launchTemplate.userData`");
      return;
    }
    launch["userData"] = *script;
    fields.mappedValue("userdata", node, "fleet.aws.launchTemplate.userData (the script's text, "
                                         "run before the greenlight agent starts)");
  }

  void readScheduledActions(ManifestFields& top) {
    const YAML::Node list = top.take("scheduled_actions");
    if (!list.IsDefined() || list.IsNull()) return;
    if (!list.IsSequence()) {
      top.unhonouredValue("scheduled_actions", list, "must be a list of actions (name, recurrence, "
                                                     "capacity); left out");
      return;
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
      ManifestFields action(list[i], indexed("scheduled_actions", i), report_);
      ordered_json out = ordered_json::object();
      std::string name = action.text("name").value_or("");
      out["name"] = name;
      action.copyText("recurrence", out, "recurrence");
      YAML::Node capacity = action.take("capacity");
      ManifestFields sizes(capacity, action.pathOf("capacity"), report_);
      out["capacity"] = capacityOf(sizes);
      scheduledActions_[name] = out;
    }
  }

  StackPlan readStack(ManifestFields& stack) {
    StackPlan plan;
    plan.stack = stack.text("stack").value_or("");
    plan.env = stack.text("env").value_or("");
    plan.launchTemplate = launchBase_;
    if (!plan.env.empty()) {
      stack.mapped("env", "names the group `<env>_<region>`, so each fleet version is named as "
                          "Goployer names its Auto Scaling groups (<name>-<env>_<region>-vNNN)");
    }
    if (stack.take("account").IsDefined()) {
      stack.unhonoured("account", "greenlight uses the AWS credentials of the server (its profile "
                                  "or environment); choose the account there");
    }
    if (stack.text("assume_role")) {
      stack.unhonoured("assume_role", "greenlight does not assume a role per group; give the "
                                      "server a profile with `role_arn`");
    }
    YAML::Node replacement = stack.take("replacement_type");
    plan.replacementType = stack.text("replacement_type").value_or("BlueGreen");
    if (replacement.IsDefined()) {
      plan.replacementLine = replacement.Mark().line + 1;
      plan.replacementColumn = replacement.Mark().column + 1;
    }
    if (auto rate = stack.whole("termination_delay_rate")) {
      plan.fleetExtras["terminationDelayRate"] = std::clamp<long long>(*rate, 0, 100);
    }
    plan.rollingCount = stack.whole("rolling_update_instance_count");
    readUserData(stack, plan.launchTemplate);
    if (auto profile = stack.text("iam_instance_profile")) {
      plan.launchTemplate["iamInstanceProfile"] = *profile;
    } else {
      stack.take("iam_instance_profile");
    }
    ordered_json tags = tagsBase_;
    if (auto ansible = stack.text("ansible_tags")) {
      tags["ansible-tags"] = *ansible;
      stack.mapped("ansible_tags", "the Auto Scaling group's tag `ansible-tags`, as Goployer sets it");
    }
    readTags(stack.take("tags"), stack.pathOf("tags"), report_, tags);
    if (!tags.empty()) plan.autoScaling["tags"] = tags;
    if (auto interval = stack.text("polling_interval")) {
      // Goployer takes one termination_delay_rate step per poll; that pace is kept.
      auto seconds = detail::goDurationSeconds(*interval);
      const bool gradual = plan.fleetExtras.value("terminationDelayRate", 0LL) > 0;
      if (gradual && seconds && *seconds >= 1 && *seconds <= 3600) {
        plan.fleetExtras["terminationDelayIntervalSeconds"] = *seconds;
        stack.mapped("polling_interval", "fleet.aws.terminationDelayIntervalSeconds: " + std::to_string(*seconds) +
                                             " (one termination_delay_rate step per poll, as Goployer "
                                             "steps); health is watched continuously");
      } else if (gradual) {
        stack.unhonoured("polling_interval", "must be a duration from 1s to 1h to pace termination_delay_rate; "
                                             "greenlight's step of 60s applies");
      } else {
        stack.unhonoured("polling_interval", "greenlight watches health continuously (each target "
                                             "group's and each agent's own reports); no polling interval to set");
      }
    }
    if (auto timeout = stack.text("timeout")) {
      auto seconds = detail::goDurationSeconds(*timeout);
      if (seconds && *seconds >= 60 && *seconds <= 86400) {
        plan.fleetExtras["healthyTimeoutSeconds"] = *seconds;
        stack.mapped("timeout", "fleet.aws.healthyTimeoutSeconds: " + std::to_string(*seconds));
      } else {
        stack.unhonoured("timeout", "must be a duration from 1m to 24h; greenlight's default "
                                    "(fleet.aws.healthyTimeoutSeconds: 3600) applies");
      }
    }
    if (auto ebs = stack.flag("ebs_optimized")) plan.launchTemplate["ebsOptimized"] = *ebs;
    if (stack.take("api_test_enabled").IsDefined()) {
      stack.unhonoured("api_test_enabled", "greenlight runs no load test; call yours from an "
                                           "analysis webhook (`analysis.checks[].webhook`)");
    }
    if (stack.take("api_test_template").IsDefined()) {
      stack.unhonoured("api_test_template", "greenlight runs no load test; call yours from an "
                                            "analysis webhook (`analysis.checks[].webhook`)");
    }
    readMarketOptions(stack, plan);
    readMixedInstances(stack, plan);
    readBlockDevices(stack, plan);
    YAML::Node capacityNode = stack.take("capacity");
    ManifestFields capacityFields(capacityNode, stack.pathOf("capacity"), report_);
    ordered_json capacity = capacityOf(capacityFields);
    if (capacity.contains("desired")) plan.desired = capacity["desired"].get<long long>();
    plan.autoScaling["capacity"] = capacity;
    readScalingPolicies(stack, plan);
    readAlarms(stack, plan);
    if (stack.take("lifecycle_callbacks").IsDefined()) {
      stack.unhonoured("lifecycle_callbacks",
                       "greenlight runs no command on the old fleet before it is retired; put "
                       "such commands in the revision's ApplicationStop hook (appspec.yml), which "
                       "runs before an instance's revision is replaced");
    }
    readLifecycleHooks(stack, plan);
    return plan;
  }

  void readMarketOptions(ManifestFields& stack, StackPlan& plan) {
    YAML::Node node = stack.take("instance_market_options");
    if (!node.IsDefined() || node.IsNull()) return;
    ManifestFields market(node, stack.pathOf("instance_market_options"), report_);
    std::string type = market.text("market_type").value_or("spot");
    YAML::Node spotNode = market.take("spot_options");
    if (type != "spot") {
      market.unhonouredValue("market_type", node["market_type"], "only the spot market has options; left out");
      return;
    }
    ManifestFields spot(spotNode, market.pathOf("spot_options"), report_);
    ordered_json options = ordered_json::object();
    spot.copyText("max_price", options, "maxPrice");
    if (auto kind = spot.text("spot_instance_type")) {
      if (*kind == "one-time") {
        options["spotInstanceType"] = *kind;
      } else {
        spot.unhonouredValue("spot_instance_type", spotNode["spot_instance_type"],
                             "an Auto Scaling group launches one-time Spot requests only; one-time is used");
      }
    }
    if (auto behaviour = spot.text("instance_interruption_behavior")) {
      if (*behaviour == "terminate") {
        options["instanceInterruptionBehavior"] = *behaviour;
      } else {
        spot.unhonouredValue("instance_interruption_behavior", spotNode["instance_interruption_behavior"],
                             "an Auto Scaling group replaces interrupted Spot instances, so they terminate");
      }
    }
    if (auto minutes = spot.whole("block_duration_minutes")) {
      if (*minutes >= 60 && *minutes <= 360 && *minutes % 60 == 0) {
        options["blockDurationMinutes"] = *minutes;
      } else {
        spot.unhonouredValue("block_duration_minutes", spotNode["block_duration_minutes"],
                             "must be 60, 120, ... 360; left out");
      }
    }
    plan.launchTemplate["spotOptions"] = options;
    stack.mappedValue("instance_market_options", node, "fleet.aws.launchTemplate.spotOptions");
  }

  void readMixedInstances(ManifestFields& stack, StackPlan& plan) {
    YAML::Node node = stack.take("mixed_instances_policy");
    if (!node.IsDefined() || node.IsNull()) return;
    ManifestFields mixed(node, stack.pathOf("mixed_instances_policy"), report_);
    bool enabled = mixed.flag("enabled").value_or(false);
    ordered_json policy = ordered_json::object();
    std::vector<std::string> types = textList(mixed.take("override_instance_types"));
    if (!types.empty()) policy["instanceTypes"] = types;
    mixed.copyWhole("on_demand_base_capacity", policy, "onDemandBaseCapacity");
    if (auto percent = mixed.whole("on_demand_percentage")) {
      policy["onDemandPercentageAboveBaseCapacity"] = std::clamp<long long>(*percent, 0, 100);
    }
    mixed.copyText("spot_allocation_strategy", policy, "spotAllocationStrategy");
    mixed.copyWhole("spot_instance_pools", policy, "spotInstancePools");
    mixed.copyText("spot_max_price", policy, "spotMaxPrice");
    if (!enabled) {
      stack.mappedValue("mixed_instances_policy", node,
                        "not written: `enabled: false`, so Goployer does not apply it either");
      return;
    }
    plan.autoScaling["mixedInstancesPolicy"] = policy;
    stack.mappedValue("mixed_instances_policy", node, "fleet.aws.autoScaling.mixedInstancesPolicy "
                                                      "(on_demand_percentage is onDemandPercentageAboveBaseCapacity)");
  }

  // The list at `key` (taken), each mapping made JSON by `each(fields, index, node)`; none when
  // there is no list.
  template <typename Each>
  std::optional<ordered_json> mapList(ManifestFields& parent, const std::string& key, Each each) {
    YAML::Node list = parent.take(key);
    if (!list.IsSequence()) {
      if (list.IsDefined() && !list.IsNull()) parent.unhonouredValue(key, list, "must be a list; left out");
      return std::nullopt;
    }
    ordered_json out = ordered_json::array();
    for (std::size_t i = 0; i < list.size(); ++i) {
      ManifestFields item(list[i], indexed(parent.pathOf(key), i), report_);
      out.push_back(each(item, i, list[i]));
    }
    return out;
  }

  void readBlockDevices(ManifestFields& stack, StackPlan& plan) {
    auto devices = mapList(stack, "block_devices", [](ManifestFields& device, std::size_t, const YAML::Node& node) {
      ordered_json out = ordered_json::object();
      device.copyText("device_name", out, "deviceName");
      device.copyWhole("volume_size", out, "volumeSize");
      std::string type = device.text("volume_type").value_or("gp2");
      out["volumeType"] = type;
      if (auto iops = device.whole("iops")) {
        if (type == "io1" || type == "io2" || type == "gp3") {
          out["iops"] = *iops;
        } else {
          device.unhonouredValue("iops", node["iops"], "applies to io1, io2 and gp3 volumes only; left out");
        }
      }
      return out;
    });
    if (devices) plan.launchTemplate["blockDevices"] = *devices;
  }

  void readScalingPolicies(ManifestFields& stack, StackPlan& plan) {
    auto policies = mapList(stack, "autoscaling", [](ManifestFields& policy, std::size_t i, const YAML::Node&) {
      ordered_json out = ordered_json::object();
      out["name"] = policy.text("name").value_or("policy-" + std::to_string(i + 1));
      policy.copyAll(out, {{"adjustment_type", "adjustmentType"},
                           {"scaling_adjustment", "scalingAdjustment", true},
                           {"cooldown", "cooldownSeconds", true}});
      return out;
    });
    if (policies) plan.fleetExtras["scalingPolicies"] = *policies;
  }

  void readAlarms(ManifestFields& stack, StackPlan& plan) {
    auto alarms = mapList(stack, "alarms", [](ManifestFields& alarm, std::size_t i, const YAML::Node&) {
      ordered_json out = ordered_json::object();
      out["name"] = alarm.text("name").value_or("alarm-" + std::to_string(i + 1));
      alarm.copyAll(out, {{"namespace", "namespace"}, {"metric", "metric"}, {"statistic", "statistic"},
                          {"comparison", "comparison"}});
      if (auto threshold = alarm.number("threshold")) {
        double whole = std::round(*threshold);
        if (whole == *threshold) out["threshold"] = static_cast<long long>(whole);
        else out["threshold"] = *threshold;
      }
      alarm.copyAll(out, {{"period", "periodSeconds", true}, {"evaluation_periods", "evaluationPeriods", true}});
      out["actions"] = textList(alarm.take("alarm_actions"));
      return out;
    });
    if (!alarms) return;
    plan.fleetExtras["scalingAlarms"] = *alarms;
    stack.mapped("alarms", "fleet.aws.scalingAlarms: CloudWatch alarms made with each fleet version, "
                           "named after it, and deleted with it");
  }

  void readLifecycleHooks(ManifestFields& stack, StackPlan& plan) {
    YAML::Node node = stack.take("lifecycle_hooks");
    if (!node.IsDefined() || node.IsNull()) return;
    ManifestFields transitions(node, stack.pathOf("lifecycle_hooks"), report_);
    ordered_json hooks = ordered_json::array();
    for (const auto& [key, kind] : {std::pair<std::string, std::string>{"launch_transition", "launch"},
                                    {"terminate_transition", "terminate"}}) {
      const std::string& transition = kind;  // a lambda may not capture a structured binding (clang 14)
      auto list = mapList(transitions, key, [&transition](ManifestFields& hook, std::size_t i, const YAML::Node& item) {
        ordered_json out = ordered_json::object();
        out["name"] = hook.text("lifecycle_hook_name").value_or(transition + "-" + std::to_string(i + 1));
        out["transition"] = transition;
        if (auto timeout = hook.whole("heartbeat_timeout")) {
          if (*timeout >= 30 && *timeout <= 7200) {
            out["heartbeatTimeoutSeconds"] = *timeout;
          } else {
            hook.unhonouredValue("heartbeat_timeout", item["heartbeat_timeout"],
                                 "must be 30 to 7200 seconds; AWS's default (3600) applies");
          }
        }
        hook.copyAll(out, {{"default_result", "defaultResult"},
                           {"notification_metadata", "notificationMetadata"},
                           {"notification_target_arn", "notificationTargetArn"},
                           {"role_arn", "roleArn"}});
        return out;
      });
      if (list) hooks.insert(hooks.end(), list->begin(), list->end());
    }
    if (!hooks.empty()) plan.autoScaling["lifecycleHooks"] = hooks;
  }

  void readRegions(ManifestFields& stack, const StackPlan& plan) {
    YAML::Node regions = stack.take("regions");
    if (!regions.IsSequence()) {
      stack.unhonouredValue("regions", regions, "must be a list of regions, each with `region:`; "
                                                "this stack makes no group");
      return;
    }
    for (std::size_t i = 0; i < regions.size(); ++i) {
      ManifestFields region(regions[i], indexed(stack.pathOf("regions"), i), report_);
      std::string name = region.text("region").value_or("");
      if (!options_.region.empty() && name != options_.region) {
        for (const auto& item : regions[i]) region.take(item.first.Scalar());
        continue;
      }
      report_.groups.push_back(makeGroup(region, plan, name));
    }
  }

  ImportedGroup makeGroup(ManifestFields& region, const StackPlan& plan, const std::string& regionName) {
    ImportedGroup group;
    group.stack = plan.stack;
    group.region = regionName;
    std::string prefix = plan.env.empty() ? plan.stack : plan.env;
    group.name = prefix + "_" + withoutDashes(regionName);
    if (!usedNames_.insert(group.name).second) {
      group.name = plan.stack + "_" + withoutDashes(regionName);
      usedNames_.insert(group.name);
    }
    group.fileName = group.name + ".yaml";

    ordered_json launch = plan.launchTemplate;
    ordered_json scaling = plan.autoScaling;
    ordered_json orderedLaunch = ordered_json::object();
    region.copyText("ami_id", orderedLaunch, "ami");
    region.copyText("instance_type", orderedLaunch, "instanceType");
    region.copyText("ssh_key", orderedLaunch, "keyName");
    std::vector<std::string> groups = textList(region.take("security_groups"));
    if (!groups.empty()) orderedLaunch["securityGroups"] = groups;
    if (auto monitoring = region.flag("detailed_monitoring_enabled")) orderedLaunch["detailedMonitoring"] = *monitoring;
    orderedLaunch.update(launch);

    ordered_json orderedScaling = ordered_json::object();
    region.copyText("vpc", orderedScaling, "vpc");
    if (auto isPublic = region.flag("use_public_subnets")) orderedScaling["subnetKind"] = *isPublic ? "public" : "private";
    std::vector<std::string> zones = textList(region.take("availability_zones"));
    if (!zones.empty()) orderedScaling["availabilityZones"] = zones;
    orderedScaling.update(scaling);
    std::vector<std::string> policies = textList(region.take("termination_policies"));
    if (!policies.empty()) orderedScaling["terminationPolicies"] = policies;

    if (region.take("healthcheck_load_balancer").IsDefined()) {
      region.unhonoured("healthcheck_load_balancer",
                        "a Classic Load Balancer; greenlight registers instances in ELBv2 target "
                        "groups only (move to an Application Load Balancer's target group)");
    }
    if (region.take("loadbalancers").IsDefined()) {
      region.unhonoured("loadbalancers", "Classic Load Balancers are not supported; use target_groups");
    }
    std::vector<std::string> targetGroups = textList(region.take("target_groups"));
    if (auto health = region.text("healthcheck_target_group")) {
      if (std::find(targetGroups.begin(), targetGroups.end(), *health) != targetGroups.end()) {
        region.mapped("healthcheck_target_group", "greenlight waits until every instance is healthy in "
                                                  "every target group, this one included");
      } else {
        region.unhonoured("healthcheck_target_group", "is not among target_groups; greenlight checks "
                                                      "health in the target groups it registers in");
      }
    }
    ordered_json actions = ordered_json::array();
    YAML::Node scheduled = region.take("scheduled_actions");
    for (std::size_t i = 0; scheduled.IsSequence() && i < scheduled.size(); ++i) {
      std::string name = scheduled[i].IsScalar() ? scheduled[i].Scalar() : "";
      auto found = scheduledActions_.find(name);
      if (found == scheduledActions_.end()) {
        report_.unhonoured.push_back({indexed(region.pathOf("scheduled_actions"), i), scheduled[i].Mark().line + 1,
                                      scheduled[i].Mark().column + 1, name,
                                      "names no top-level scheduled_actions entry; left out"});
        continue;
      }
      actions.push_back(found->second);
    }

    ordered_json aws = ordered_json::object();
    aws["region"] = regionName;
    aws["launchTemplate"] = orderedLaunch;
    const bool deployOnly = plan.replacementType == "DeployOnly";
    if (deployOnly && !targetGroups.empty()) orderedScaling["targetGroups"] = targetGroups;
    aws["autoScaling"] = orderedScaling;
    for (const char* key : {"scalingPolicies", "scalingAlarms"}) {
      if (plan.fleetExtras.contains(key)) aws[key] = plan.fleetExtras[key];
    }
    if (!actions.empty()) aws["scheduledActions"] = actions;
    for (const char* key : {"terminationDelayRate", "terminationDelayIntervalSeconds", "healthyTimeoutSeconds"}) {
      if (plan.fleetExtras.contains(key)) aws[key] = plan.fleetExtras[key];
    }

    ordered_json spec = ordered_json::object();
    spec["application"] = report_.application;
    spec["name"] = group.name;
    spec["deploymentStyle"] = "blue-green";
    spec["deploymentConfig"] = "CodeDeployDefault.AllAtOnce";
    spec["fleet"] = {{"provider", "aws"}, {"aws", aws}};
    if (!targetGroups.empty() && !deployOnly) {
      spec["loadBalancer"] = {{"provider", "aws-elbv2"}, {"targetGroups", targetGroups}};
    }
    ordered_json blueGreen = blueGreenOf(plan, group);
    if (!blueGreen.empty()) spec["blueGreen"] = blueGreen;
    spec["autoRollback"] = {{"enabled", true}, {"events", ordered_json::array({catalog::kRollbackOnFailure})}};
    group.spec = spec;
    Result<catalog::GroupSpec> parsed = catalog::groupSpecFromJson(
        nlohmann::json::parse(spec.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
    if (!parsed.ok()) group.problems = parsed.error().message;
    return group;
  }

  ordered_json blueGreenOf(const StackPlan& plan, const ImportedGroup& group) {
    ordered_json blueGreen = ordered_json::object();
    std::string where = "stack " + plan.stack + ", region " + group.region;
    if (plan.replacementType == "RollingUpdate") {
      long long desired = std::max<long long>(plan.desired.value_or(1), 1);
      long long count = std::clamp<long long>(plan.rollingCount.value_or(1), 1, desired);
      long long percent = std::clamp<long long>((count * 100 + desired - 1) / desired, 1, 100);
      blueGreen["rolling"] = {{"batchSizePercentage", percent}};
      addNote(plan, "replacement_type", "RollingUpdate",
              "blue-green with blueGreen.rolling (" + where + "): the new fleet version is made " +
                  std::to_string(percent) + "% of " + std::to_string(desired) + " instances at a time " +
                  "(rolling_update_instance_count " + std::to_string(count) +
                  "), each batch taking the traffic of as many old instances");
    } else if (plan.replacementType == "DeployOnly") {
      blueGreen["originalFleetAction"] = "keep-alive";
      blueGreen["maxRemainingFleets"] = 20;
      blueGreen["terminationWaitSeconds"] = 0;
      addNote(plan, "replacement_type", "DeployOnly",
              "blue-green without a load balancer (" + where + "): each deployment makes a new "
              "Auto Scaling group (attached to target_groups at creation, if any) with no "
              "traffic steps; earlier versions keep running (keep-alive, at most 20 kept; "
              "Goployer keeps them all)");
    } else {
      if (plan.replacementType != "BlueGreen") {
        addNote(plan, "replacement_type", plan.replacementType,
                "not a replacement type greenlight knows; imported as BlueGreen (" + where + ")",
                /*unhonoured=*/true);
      } else {
        addNote(plan, "replacement_type", "BlueGreen",
                "blue-green, all at once (" + where + "): the new version is registered in the "
                "target groups, must be healthy in all, then the old one is drained and deleted "
                "— and is kept when the new one is not healthy");
      }
    }
    if (plan.fleetExtras.contains("terminationDelayRate") && plan.replacementType == "RollingUpdate") {
      addNote(plan, "termination_delay_rate", std::to_string(plan.fleetExtras["terminationDelayRate"].get<long long>()),
              "fleet.aws.terminationDelayRate (kept, though a rolling update retires old instances batch by batch)");
    }
    return blueGreen;
  }

  void addNote(const StackPlan& plan, const std::string& key, const std::string& value,
               const std::string& why, bool unhonoured = false) {
    std::string path = plan.path + "." + key;
    bool replacement = key == "replacement_type";
    ReportEntry entry{path, replacement ? plan.replacementLine : 0,
                      replacement ? plan.replacementColumn : 0, value, why};
    auto& list = unhonoured ? report_.unhonoured : report_.mapped;
    list.push_back(entry);
  }

  YAML::Node root_;
  std::string source_;
  const ImportOptions& options_;
  GoployerImport report_;
  ordered_json launchBase_ = ordered_json::object();
  ordered_json tagsBase_ = ordered_json::object();
  std::map<std::string, ordered_json> scheduledActions_;
  std::set<std::string> usedNames_;
};

Result<GoployerImport> importMetrics(const YAML::Node& root) {
  GoployerImport report;
  report.kind = "metrics";
  {
    // Goployer's history storage is a server setting here: the server records every aws fleet
    // version in the table (identifier, status, start/deployed/terminated dates, uptime), and
    // keeps every deployment in its own store too (`greenlight history`).
    // (A missing key is an invalid node in yaml-cpp: only IsDefined() may be asked of it.)
    auto scalar = [](const YAML::Node& node) {
      return node.IsDefined() && node.IsScalar() ? node.Scalar() : std::string();
    };
    const YAML::Node storage = root["storage"];
    const bool isMap = storage.IsDefined() && storage.IsMap();
    const std::string table = isMap ? scalar(storage["name"]) : "";
    const std::string type = isMap ? scalar(storage["type"]) : "";
    const std::string region = scalar(root["region"]);
    ManifestFields top(root, "", report);
    if (type == "dynamodb" && !table.empty()) {
      top.mapped("storage", "a server setting: `greenlight server --aws-history-table " + table +
                                "` records every aws fleet version there in Goployer's shape "
                                "(greenlight history keeps every deployment as well)");
    } else {
      top.unhonoured("storage", "only `type: dynamodb` with a `name` is a history greenlight writes "
                                "(`greenlight server --aws-history-table NAME`); greenlight history "
                                "keeps every deployment in its own store");
    }
    if (!region.empty()) {
      top.mapped("region", "a server setting: `greenlight server --aws-region " + region + "`");
    }
    top.mapped("enabled", "the history is written whenever the server has --aws-history-table");
    top.unhonoured("base_timezone", "greenlight writes every time in UTC");
  }
  report.unhonoured.erase(std::remove_if(report.unhonoured.begin(), report.unhonoured.end(),
                                         [](const ReportEntry& e) { return e.value == "null"; }),
                          report.unhonoured.end());
  return report;
}

}  // namespace

Result<GoployerImport> importGoployer(std::string_view text, std::string_view sourceName,
                                      const ImportOptions& options) {
  std::string source(sourceName.empty() ? "manifest" : sourceName);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& error) {
    std::string where = error.mark.is_null() ? "" : std::to_string(error.mark.line + 1) + ":" +
                                                        std::to_string(error.mark.column + 1) + ": ";
    return Error{kInvalidManifest, source + ":" + where + "not valid YAML: " + error.msg};
  }
  if (!root.IsMap()) {
    return Error{kInvalidManifest, source + ": not a Goployer manifest: it is not a mapping with "
                                            "`name:` and `stacks:`"};
  }
  if (!root["stacks"].IsDefined() && root["storage"].IsDefined()) return importMetrics(root);
  if (!root["stacks"].IsSequence() || root["stacks"].size() == 0) {
    return Error{kInvalidManifest, source + ": not a Goployer manifest: it has no `stacks:` list "
                                            "(a manifest has `name:`, `stacks:` with `regions:`)"};
  }
  if (!root["name"].IsScalar() || root["name"].Scalar().empty()) {
    return Error{kInvalidManifest, source + ": not a Goployer manifest: it has no `name:` (the "
                                            "application's name)"};
  }
  try {
    return ManifestImport(root, source, options).run();
  } catch (const YAML::Exception& error) {
    // A value of a shape the walker did not expect; with no place in the file, the message says
    // so rather than pointing at line 0.
    std::string where = error.mark.is_null() ? "" : std::to_string(error.mark.line + 1) + ":" +
                                                        std::to_string(error.mark.column + 1) + ":";
    return Error{kInvalidManifest, source + ":" + where + " could not be imported: " + error.msg +
                                       " (a key has a value of an unexpected shape)"};
  }
}

nlohmann::ordered_json toJson(const GoployerImport& imported) {
  auto entries = [](const std::vector<ReportEntry>& list) {
    ordered_json out = ordered_json::array();
    for (const auto& e : list) {
      out.push_back({{"key", e.keyPath}, {"line", e.line}, {"column", e.column}, {"value", e.value}, {"why", e.why}});
    }
    return out;
  };
  ordered_json groups = ordered_json::array();
  for (const auto& group : imported.groups) {
    groups.push_back({{"name", group.name}, {"stack", group.stack}, {"region", group.region},
                      {"file", group.fileName}, {"spec", group.spec},
                      {"problems", group.problems.empty() ? ordered_json(nullptr) : ordered_json(group.problems)}});
  }
  ordered_json out = ordered_json::object();
  out["kind"] = imported.kind;
  out["application"] = imported.application.empty()
                           ? ordered_json(nullptr)
                           : ordered_json({{"name", imported.application}, {"platform", "server"}});
  out["groups"] = groups;
  out["unhonoured"] = entries(imported.unhonoured);
  out["mapped"] = entries(imported.mapped);
  return out;
}

}  // namespace greenlight::importer
