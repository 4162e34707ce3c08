// Reading a group's `fleet.aws` section (see aws_fleet_spec.h), with key paths in every problem.
#include "catalog/aws_fleet_spec.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <set>
#include <sstream>

#include "catalog/catalog.h"
#include "catalog/section_reader.h"

namespace greenlight::catalog {
namespace {

using nlohmann::json;
using detail::SectionReader;

// User data is sent base64-encoded and AWS caps it at 16 KiB before encoding; the agent's own
// start script needs the rest.
constexpr std::size_t kMaxUserDataBytes = 12 * 1024;

bool startsWith(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

bool isHexId(const std::string& text, const std::string& prefix) {
  if (!startsWith(text, prefix)) return false;
  std::string rest = text.substr(prefix.size());
  return (rest.size() == 8 || rest.size() == 17) &&
         std::all_of(rest.begin(), rest.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
}

// "0.3", "1", "0.0125": a price in dollars.
bool isPrice(const std::string& text) {
  if (text.empty() || text.size() > 20) return false;
  bool point = false;
  int digits = 0;
  for (char c : text) {
    if (c == '.' && !point) {
      point = true;
    } else if (c >= '0' && c <= '9') {
      ++digits;
    } else {
      return false;
    }
  }
  return digits > 0 && std::strtod(text.c_str(), nullptr) > 0;
}

// A price may be written as a number (0.3) or text ("0.3"); it is kept as text, as AWS takes it.
void readPrice(SectionReader& reader, const std::string& key, std::string& into) {
  const json* value = reader.member(key);
  if (value == nullptr) return;
  std::string text;
  if (value->is_string()) {
    text = value->get<std::string>();
  } else if (value->is_number()) {
    std::ostringstream out;
    out << value->get<double>();
    text = out.str();
  }
  if (!isPrice(text)) {
    reader.problem(key, "must be a price in dollars per hour above 0, e.g. \"0.3\", not " + value->dump());
    return;
  }
  into = text;
}

void readOptionalWhole(SectionReader& reader, const std::string& key, std::optional<int>& into,
                       int low, int high) {
  if (reader.member(key) == nullptr) return;
  int value = low - 1;
  reader.whole(key, value, low, high);
  if (value >= low) into = value;
}

// Calls `each` with a reader over every mapping of the list at `key`.
void readList(SectionReader& reader, const std::string& key, std::vector<TrafficSpecProblem>& problems,
              const std::vector<std::string>& known,
              const std::function<void(SectionReader&, std::size_t)>& each) {
  const json* list = reader.member(key);
  if (list == nullptr) return;
  if (!list->is_array()) {
    reader.problem(key, std::string("must be a list, not ") + list->type_name());
    return;
  }
  for (std::size_t i = 0; i < list->size(); ++i) {
    SectionReader item((*list)[i], reader.path() + "." + key + "[" + std::to_string(i) + "]",
                       problems, known);
    if (item.ok()) each(item, i);
  }
}

void requireText(SectionReader& reader, const std::string& key, const std::string& value,
                 const std::string& example) {
  if (value.empty()) reader.problem(key, "missing; " + example);
}

// The item's `name`: required, and unique among `names` (the list's other items).
std::string readName(SectionReader& item, std::set<std::string>& names, const std::string& what,
                     const std::string& example) {
  std::string name;
  item.text("name", name);
  if (name.empty()) {
    item.problem("name", "missing; " + example);
  } else if (!names.insert(name).second) {
    item.problem("name", "'" + name + "' names another " + what + " too; give each its own name");
  }
  return name;
}

void checkTags(SectionReader& reader, const std::string& key,
               const std::map<std::string, std::string>& tags) {
  for (const auto& [name, value] : tags) {
    if (name.empty() || name.size() > 128 || value.size() > 256) {
      reader.problem(key + "." + name, "tag keys must be 1 to 128 characters and values at most 256");
    } else if (startsWith(name, "aws:") || startsWith(name, "greenlight:")) {
      reader.problem(key + "." + name, "tags starting with 'aws:' or 'greenlight:' are set by AWS "
                                       "and greenlight themselves; choose another key");
    }
  }
}

void readBlockDevices(SectionReader& launch, std::vector<TrafficSpecProblem>& problems,
                      std::vector<AwsBlockDevice>& into) {
  std::set<std::string> names;
  readList(launch, "blockDevices", problems,
           {"deviceName", "volumeSize", "volumeType", "iops", "throughput", "encrypted"},
           [&](SectionReader& item, std::size_t) {
             AwsBlockDevice device;
             item.text("deviceName", device.deviceName);
             requireText(item, "deviceName", device.deviceName, "name the device, e.g. `deviceName: /dev/xvda`");
             if (!device.deviceName.empty() && !names.insert(device.deviceName).second) {
               item.problem("deviceName", "'" + device.deviceName + "' is given twice; keep one");
             }
             item.whole("volumeSize", device.volumeSize, 1, 16384);
             if (item.member("volumeSize") == nullptr) {
               item.problem("volumeSize", "missing; give the size in GiB, e.g. `volumeSize: 10`");
             }
             item.oneOf("volumeType", device.volumeType, {"gp2", "gp3", "io1", "io2", "st1", "sc1", "standard"});
             readOptionalWhole(item, "iops", device.iops, 100, 256000);
             readOptionalWhole(item, "throughput", device.throughput, 125, 1000);
             item.flag("encrypted", device.encrypted);
             const std::string& type = device.volumeType;
             if (device.iops && type != "io1" && type != "io2" && type != "gp3") {
               item.problem("iops", "applies to io1, io2 and gp3 volumes, not " + type + "; remove it");
             } else if (!device.iops && (type == "io1" || type == "io2") && item.member("iops") == nullptr) {
               item.problem("iops", "missing; an " + type + " volume needs its provisioned IOPS, e.g. `iops: 3000`");
             }
             if (device.throughput && type != "gp3") {
               item.problem("throughput", "applies to gp3 volumes only, not " + type + "; remove it");
             }
             if ((type == "st1" || type == "sc1") && device.volumeSize > 0 && device.volumeSize < 125) {
               item.problem("volumeSize", "an " + type + " volume is at least 125 GiB, not " +
                                              std::to_string(device.volumeSize));
             }
             into.push_back(std::move(device));
           });
}

void readSpotOptions(SectionReader& launch, std::vector<TrafficSpecProblem>& problems,
                     std::optional<AwsSpotOptions>& into) {
  const json* section = launch.member("spotOptions");
  if (section == nullptr) return;
  SectionReader spot(*section, launch.path() + ".spotOptions", problems,
                     {"maxPrice", "spotInstanceType", "instanceInterruptionBehavior", "blockDurationMinutes"});
  if (!spot.ok()) return;
  AwsSpotOptions options;
  readPrice(spot, "maxPrice", options.maxPrice);
  spot.oneOf("spotInstanceType", options.spotInstanceType, {"one-time", "persistent"});
  spot.oneOf("instanceInterruptionBehavior", options.instanceInterruptionBehavior,
             {"terminate", "stop", "hibernate"});
  readOptionalWhole(spot, "blockDurationMinutes", options.blockDurationMinutes, 60, 360);
  if (options.blockDurationMinutes && *options.blockDurationMinutes % 60 != 0) {
    spot.problem("blockDurationMinutes", "must be 60, 120, 180, 240, 300 or 360, not " +
                                             std::to_string(*options.blockDurationMinutes));
  }
  if (options.spotInstanceType == "persistent") {
    spot.problem("spotInstanceType", "an Auto Scaling group launches one-time Spot requests only; "
                                     "write `spotInstanceType: one-time` or remove it");
  }
  if (options.instanceInterruptionBehavior != "terminate") {
    spot.problem("instanceInterruptionBehavior",
                 "an Auto Scaling group replaces interrupted Spot instances, so they must "
                 "terminate; write `instanceInterruptionBehavior: terminate` or remove it");
  }
  into = options;
}

void readLaunchTemplate(SectionReader& aws, std::vector<TrafficSpecProblem>& problems,
                        AwsLaunchTemplateSpec& spec) {
  const json* section = aws.member("launchTemplate");
  if (section == nullptr) {
    aws.problem("launchTemplate", "missing; give at least `launchTemplate: {ami: ami-..., instanceType: t3.medium}`");
    return;
  }
  SectionReader launch(*section, aws.path() + ".launchTemplate", problems,
                       {"ami", "instanceType", "keyName", "iamInstanceProfile", "securityGroups",
                        "ebsOptimized", "detailedMonitoring", "userData", "blockDevices",
                        "metadataOptions", "spotOptions", "tags"});
  if (!launch.ok()) return;
  launch.text("ami", spec.ami);
  if (spec.ami.empty()) {
    launch.problem("ami", "missing; give the image id, e.g. `ami: ami-01288945bd24ed49a`");
  } else if (!isHexId(spec.ami, "ami-")) {
    launch.problem("ami", "must be an image id, 'ami-' and 8 or 17 hexadecimal digits, not '" + spec.ami + "'");
  }
  launch.text("instanceType", spec.instanceType);
  if (spec.instanceType.empty()) {
    launch.problem("instanceType", "missing; give the instance type, e.g. `instanceType: t3.medium`");
  } else if (spec.instanceType.find('.') == std::string::npos) {
    launch.problem("instanceType", "must be FAMILY.SIZE such as t3.medium, not '" + spec.instanceType + "'");
  }
  launch.text("keyName", spec.keyName);
  launch.text("iamInstanceProfile", spec.iamInstanceProfile);
  launch.textList("securityGroups", spec.securityGroups);
  launch.flag("ebsOptimized", spec.ebsOptimized);
  launch.flag("detailedMonitoring", spec.detailedMonitoring);
  launch.text("userData", spec.userData);
  if (spec.userData.size() > kMaxUserDataBytes) {
    launch.problem("userData", "is " + std::to_string(spec.userData.size()) + " bytes; at most " +
                                   std::to_string(kMaxUserDataBytes) + " fit beside the agent's start "
                                   "script in AWS's 16 KiB; fetch the rest from S3 in the script");
  }
  readBlockDevices(launch, problems, spec.blockDevices);
  if (const json* metadata = launch.member("metadataOptions")) {
    SectionReader options(*metadata, launch.path() + ".metadataOptions", problems,
                          {"httpTokens", "hopLimit", "httpEndpoint"});
    if (options.ok()) {
      options.oneOf("httpTokens", spec.metadataOptions.httpTokens, {"required", "optional"});
      options.whole("hopLimit", spec.metadataOptions.hopLimit, 1, 64);
      options.oneOf("httpEndpoint", spec.metadataOptions.httpEndpoint, {"enabled", "disabled"});
    }
  }
  readSpotOptions(launch, problems, spec.spotOptions);
  launch.textMap("tags", spec.tags);
  checkTags(launch, "tags", spec.tags);
}

void readCapacity(SectionReader& group, std::vector<TrafficSpecProblem>& problems, AwsCapacity& capacity) {
  const json* section = group.member("capacity");
  if (section == nullptr) {
    group.problem("capacity", "missing; give the first version's size, e.g. `capacity: {min: 1, max: 2, desired: 1}`");
    return;
  }
  SectionReader reader(*section, group.path() + ".capacity", problems, {"min", "max", "desired"});
  if (!reader.ok()) return;
  for (const char* key : {"min", "max", "desired"}) {
    if (reader.member(key) == nullptr) reader.problem(key, "missing; capacity needs min, max and desired");
  }
  reader.whole("min", capacity.min, 0, 10000);
  reader.whole("max", capacity.max, 0, 10000);
  reader.whole("desired", capacity.desired, 0, 10000);
  if (capacity.max < capacity.min) {
    reader.problem("max", "is " + std::to_string(capacity.max) + ", below min " + std::to_string(capacity.min));
  } else if (capacity.desired < capacity.min || capacity.desired > capacity.max) {
    reader.problem("desired", "must lie from min " + std::to_string(capacity.min) + " to max " +
                                  std::to_string(capacity.max) + ", not " + std::to_string(capacity.desired));
  }
}

void readMixedInstances(SectionReader& group, std::vector<TrafficSpecProblem>& problems,
                        std::optional<AwsMixedInstancesPolicy>& into) {
  const json* section = group.member("mixedInstancesPolicy");
  if (section == nullptr) return;
  SectionReader reader(*section, group.path() + ".mixedInstancesPolicy", problems,
                       {"instanceTypes", "onDemandBaseCapacity", "onDemandPercentageAboveBaseCapacity",
                        "spotAllocationStrategy", "spotInstancePools", "spotMaxPrice"});
  if (!reader.ok()) return;
  AwsMixedInstancesPolicy policy;
  reader.textList("instanceTypes", policy.instanceTypes);
  reader.whole("onDemandBaseCapacity", policy.onDemandBaseCapacity, 0, 10000);
  reader.whole("onDemandPercentageAboveBaseCapacity", policy.onDemandPercentageAboveBaseCapacity, 0, 100);
  reader.oneOf("spotAllocationStrategy", policy.spotAllocationStrategy,
               {"lowest-price", "capacity-optimized", "capacity-optimized-prioritized",
                "price-capacity-optimized"});
  readOptionalWhole(reader, "spotInstancePools", policy.spotInstancePools, 1, 20);
  if (policy.spotInstancePools && policy.spotAllocationStrategy != "lowest-price") {
    reader.problem("spotInstancePools", "applies to `spotAllocationStrategy: lowest-price` only; remove it");
  }
  readPrice(reader, "spotMaxPrice", policy.spotMaxPrice);
  into = policy;
}

void readLifecycleHooks(SectionReader& group, std::vector<TrafficSpecProblem>& problems,
                        std::vector<AwsLifecycleHook>& into) {
  std::set<std::string> names;
  readList(group, "lifecycleHooks", problems,
           {"name", "transition", "heartbeatTimeoutSeconds", "defaultResult", "notificationMetadata",
            "notificationTargetArn", "roleArn"},
           [&](SectionReader& item, std::size_t) {
             AwsLifecycleHook hook;
             hook.name = readName(item, names, "hook", "name the hook, e.g. `name: drain`");
             item.oneOf("transition", hook.transition, {"launch", "terminate"});
             item.whole("heartbeatTimeoutSeconds", hook.heartbeatTimeoutSeconds, 30, 7200);
             item.oneOf("defaultResult", hook.defaultResult, {"CONTINUE", "ABANDON"});
             item.text("notificationMetadata", hook.notificationMetadata);
             if (hook.notificationMetadata.size() > 1023) {
               item.problem("notificationMetadata", "is at most 1023 characters");
             }
             item.text("notificationTargetArn", hook.notificationTargetArn);
             item.text("roleArn", hook.roleArn);
             if (hook.notificationTargetArn.empty() != hook.roleArn.empty()) {
               item.problem(hook.roleArn.empty() ? "roleArn" : "notificationTargetArn",
                            "give notificationTargetArn and roleArn together (the role lets Auto "
                            "Scaling publish to the target), or neither");
             }
             into.push_back(std::move(hook));
           });
}

void readAutoScaling(SectionReader& aws, std::vector<TrafficSpecProblem>& problems, AwsAutoScalingSpec& spec) {
  const json* section = aws.member("autoScaling");
  if (section == nullptr) {
    aws.problem("autoScaling", "missing; give at least `autoScaling: {subnets: [subnet-...], "
                               "capacity: {min: 1, max: 2, desired: 1}}`");
    return;
  }
  SectionReader group(*section, aws.path() + ".autoScaling", problems,
                      {"subnets", "vpc", "subnetKind", "availabilityZones", "capacity", "forceCapacity",
                       "mixedInstancesPolicy", "targetGroups", "healthCheckType",
                       "healthCheckGracePeriodSeconds", "terminationPolicies", "lifecycleHooks", "tags"});
  if (!group.ok()) return;
  group.textList("subnets", spec.subnets);
  group.text("vpc", spec.vpc);
  group.oneOf("subnetKind", spec.subnetKind, {"public", "private"});
  group.textList("availabilityZones", spec.availabilityZones);
  if (spec.subnets.empty() && spec.vpc.empty() && spec.availabilityZones.empty()) {
    group.problem("subnets", "missing; say where instances start: `subnets: [subnet-...]`, "
                             "`vpc: vpc-...` (its subnets of `subnetKind`), or `availabilityZones:`");
  }
  if (!spec.subnets.empty() && !spec.vpc.empty()) {
    group.problem("vpc", "give either `subnets` or `vpc` (whose subnets are looked up), not both");
  }
  for (std::size_t i = 0; i < spec.subnets.size(); ++i) {
    if (!startsWith(spec.subnets[i], "subnet-")) {
      group.problem("subnets[" + std::to_string(i) + "]", "must be a subnet id 'subnet-...', not '" +
                                                             spec.subnets[i] + "'");
    }
  }
  readCapacity(group, problems, spec.capacity);
  group.flag("forceCapacity", spec.forceCapacity);
  readMixedInstances(group, problems, spec.mixedInstancesPolicy);
  group.textList("targetGroups", spec.targetGroups);
  group.oneOf("healthCheckType", spec.healthCheckType, {"EC2", "ELB"});
  group.whole("healthCheckGracePeriodSeconds", spec.healthCheckGracePeriodSeconds, 0, 7200);
  group.textList("terminationPolicies", spec.terminationPolicies);
  static const std::vector<std::string> policies = {
      "Default", "OldestInstance", "NewestInstance", "OldestLaunchConfiguration",
      "OldestLaunchTemplate", "ClosestToNextInstanceHour", "AllocationStrategy"};
  for (std::size_t i = 0; i < spec.terminationPolicies.size(); ++i) {
    if (std::find(policies.begin(), policies.end(), spec.terminationPolicies[i]) == policies.end()) {
      group.problem("terminationPolicies[" + std::to_string(i) + "]",
                    "'" + spec.terminationPolicies[i] + "' is not a termination policy; use Default, "
                    "OldestInstance, NewestInstance, OldestLaunchConfiguration, OldestLaunchTemplate, "
                    "ClosestToNextInstanceHour or AllocationStrategy");
    }
  }
  readLifecycleHooks(group, problems, spec.lifecycleHooks);
  group.textMap("tags", spec.tags);
  checkTags(group, "tags", spec.tags);
}

void readScaling(SectionReader& aws, std::vector<TrafficSpecProblem>& problems, AwsFleetSpec& spec) {
  std::set<std::string> policyNames;
  readList(aws, "scalingPolicies", problems,
           {"name", "adjustmentType", "scalingAdjustment", "cooldownSeconds"},
           [&](SectionReader& item, std::size_t) {
             AwsScalingPolicy policy;
             policy.name = readName(item, policyNames, "policy", "name the policy; alarms' actions refer to it");
             item.oneOf("adjustmentType", policy.adjustmentType,
                        {"ChangeInCapacity", "ExactCapacity", "PercentChangeInCapacity"});
             item.whole("scalingAdjustment", policy.scalingAdjustment, -10000, 10000);
             if (item.member("scalingAdjustment") == nullptr) {
               item.problem("scalingAdjustment", "missing; give how many instances to add (or remove, negative)");
             }
             item.whole("cooldownSeconds", policy.cooldownSeconds, 0, 86400);
             spec.scalingPolicies.push_back(std::move(policy));
           });
  std::set<std::string> alarmNames;
  readList(aws, "scalingAlarms", problems,
           {"name", "namespace", "metric", "statistic", "comparison", "threshold", "periodSeconds",
            "evaluationPeriods", "actions"},
           [&](SectionReader& item, std::size_t) {
             AwsScalingAlarm alarm;
             alarm.name = readName(item, alarmNames, "alarm", "name the alarm; it is made as <fleet version>-<name>");
             item.text("namespace", alarm.namespace_);
             item.text("metric", alarm.metric);
             requireText(item, "metric", alarm.metric, "name the metric, e.g. `metric: CPUUtilization`");
             item.oneOf("statistic", alarm.statistic, {"Average", "Sum", "Minimum", "Maximum", "SampleCount"});
             item.oneOf("comparison", alarm.comparison,
                        {"GreaterThanOrEqualToThreshold", "GreaterThanThreshold", "LessThanThreshold",
                         "LessThanOrEqualToThreshold"});
             requireText(item, "comparison", alarm.comparison,
                         "give the comparison, e.g. `comparison: GreaterThanOrEqualToThreshold`");
             item.decimal("threshold", alarm.threshold, -1e12, 1e12);
             if (item.member("threshold") == nullptr) item.problem("threshold", "missing; give the threshold");
             item.whole("periodSeconds", alarm.periodSeconds, 10, 86400);
             if (alarm.periodSeconds != 10 && alarm.periodSeconds != 30 && alarm.periodSeconds % 60 != 0) {
               item.problem("periodSeconds", "must be 10, 30 or a multiple of 60, not " +
                                                 std::to_string(alarm.periodSeconds));
             }
             item.whole("evaluationPeriods", alarm.evaluationPeriods, 1, 1440);
             item.textList("actions", alarm.actions);
             for (std::size_t a = 0; a < alarm.actions.size(); ++a) {
               if (policyNames.count(alarm.actions[a]) == 0) {
                 item.problem("actions[" + std::to_string(a) + "]",
                              "'" + alarm.actions[a] + "' is not one of the fleet's scalingPolicies; "
                              "name one of them");
               }
             }
             spec.scalingAlarms.push_back(std::move(alarm));
           });
  std::set<std::string> actionNames;
  readList(aws, "scheduledActions", problems, {"name", "recurrence", "capacity"},
           [&](SectionReader& item, std::size_t) {
             AwsScheduledAction action;
             action.name = readName(item, actionNames, "action", "name the action, e.g. `name: weekend`");
             item.text("recurrence", action.recurrence);
             std::istringstream fields(action.recurrence);
             int count = 0;
             for (std::string field; fields >> field;) ++count;
             if (count != 5) {
               item.problem("recurrence", "must be a cron expression of five fields (minute hour day "
                                          "month weekday, UTC), e.g. \"0 9 * * SAT\", not '" +
                                              action.recurrence + "'");
             }
             const json* capacity = item.member("capacity");
             if (capacity == nullptr) {
               item.problem("capacity", "missing; give the capacity to set, e.g. `capacity: {min: 0, max: 0, desired: 0}`");
             } else {
               SectionReader sizes(*capacity, item.path() + ".capacity", problems, {"min", "max", "desired"});
               if (sizes.ok()) {
                 readOptionalWhole(sizes, "min", action.min, 0, 10000);
                 readOptionalWhole(sizes, "max", action.max, 0, 10000);
                 readOptionalWhole(sizes, "desired", action.desired, 0, 10000);
                 if (action.min && action.max && *action.max < *action.min) {
                   sizes.problem("max", "is below min");
                 }
                 if (!action.min && !action.max && !action.desired) {
                   sizes.problem("", "sets nothing; give min, max or desired");
                 }
               }
             }
             spec.scheduledActions.push_back(std::move(action));
           });
}

}  // namespace

bool isAwsRegionName(const std::string& region) {
  // parts: letters, (letters,)* digits — "ap-northeast-2", "us-gov-west-1", "eu-central-2".
  std::vector<std::string> parts;
  std::stringstream in(region);
  for (std::string part; std::getline(in, part, '-');) parts.push_back(part);
  if (parts.size() < 3 || parts.size() > 4 || region.back() == '-') return false;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    if (parts[i].empty() || !std::all_of(parts[i].begin(), parts[i].end(), [](char c) { return c >= 'a' && c <= 'z'; })) {
      return false;
    }
  }
  const std::string& last = parts.back();
  return !last.empty() && last.size() <= 2 &&
         std::all_of(last.begin(), last.end(), [](char c) { return c >= '0' && c <= '9'; });
}

AwsFleetSpec readAwsFleetSpec(const json& section, std::vector<TrafficSpecProblem>& problems) {
  AwsFleetSpec spec;
  if (section.is_null()) {
    problems.push_back({"fleet.aws", "missing; an aws fleet needs `aws: {region: ..., launchTemplate: "
                                     "{...}, autoScaling: {...}}`"});
    return spec;
  }
  SectionReader aws(section, "fleet.aws", problems,
                    {"region", "launchTemplate", "autoScaling", "scalingPolicies", "scalingAlarms",
                     "scheduledActions", "terminationDelayRate", "terminationDelayIntervalSeconds",
                     "healthyTimeoutSeconds"});
  if (!aws.ok()) return spec;
  aws.text("region", spec.region);
  if (spec.region.empty()) {
    aws.problem("region", "missing; name the AWS region, e.g. `region: ap-northeast-2`");
  } else if (!isAwsRegionName(spec.region)) {
    aws.problem("region", "must be an AWS region name such as ap-northeast-2, not '" + spec.region + "'");
  }
  readLaunchTemplate(aws, problems, spec.launchTemplate);
  readAutoScaling(aws, problems, spec.autoScaling);
  readScaling(aws, problems, spec);
  aws.whole("terminationDelayRate", spec.terminationDelayRate, 0, 100);
  aws.whole("terminationDelayIntervalSeconds", spec.terminationDelayIntervalSeconds, 1, 3600);
  aws.whole("healthyTimeoutSeconds", spec.healthyTimeoutSeconds, 60, 86400);
  if (spec.launchTemplate.spotOptions && spec.autoScaling.mixedInstancesPolicy) {
    problems.push_back({"fleet.aws.launchTemplate.spotOptions",
                        "cannot be used with autoScaling.mixedInstancesPolicy (AWS refuses a launch "
                        "template with market options in a mixed-instances group); set the Spot "
                        "price with mixedInstancesPolicy.spotMaxPrice and remove spotOptions"});
  }
  for (const std::string& zone : spec.autoScaling.availabilityZones) {
    if (!spec.region.empty() && !startsWith(zone, spec.region)) {
      problems.push_back({"fleet.aws.autoScaling.availabilityZones",
                          "'" + zone + "' is not a zone of region " + spec.region});
      break;
    }
  }
  return spec;
}

Result<AwsFleetSpec> awsFleetOf(const DeploymentGroup& group) {
  std::vector<TrafficSpecProblem> problems;
  AwsFleetSpec spec = readAwsFleetSpec(group.spec.fleet.aws, problems);
  if (!problems.empty()) return detail::storedSectionError(problems, group);
  return spec;
}

}  // namespace greenlight::catalog
