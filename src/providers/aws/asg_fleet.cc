// The aws compute provider: launch template + Auto Scaling group per fleet version.
#include "providers/aws/asg_fleet.h"

#include <openssl/evp.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "aws/aws_error.h"
#include "aws/query_params.h"
#include "aws/xml.h"
#include "catalog/catalog.h"
#include "providers/aws/elbv2_traffic.h"
#include "common/error_codes.h"
#include "store/sqlite_transaction.h"

namespace greenlight::providers::aws {

using greenlight::aws::AwsClient;
using greenlight::aws::QueryParams;
using greenlight::aws::Xml;

namespace {

constexpr const char* kAutoScalingVersion = "2011-01-01";
constexpr const char* kEc2Version = "2016-11-15";
constexpr const char* kMonitoringVersion = "2010-08-01";

std::string base64(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(std::max(written, 0)));
  return out;
}

std::string shellQuote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

Result<std::string> readToken(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string token;
  if (!in || !std::getline(in, token) || token.empty()) {
    return Error{codes::kInternal, "cannot read the group's enrolment token from " + file.string()};
  }
  return token;
}

Error withContext(const Error& error, const std::string& what) {
  return Error{error.code, what + ": " + error.message};
}

// Fleet versions "<app>-<group>-vNNN" of one group by number: v1000 is newer than v999.
bool newerVersion(const std::string& a, const std::string& b) {
  return a.size() != b.size() ? a.size() > b.size() : a > b;
}

bool notFound(const Error& error) {
  const std::string code = greenlight::aws::awsErrorCode(error);
  return code == "InvalidLaunchTemplateName.NotFoundException" ||
         code == "InvalidLaunchTemplateId.NotFound" || code == "ResourceNotFound";
}

// The group's fleet versions: Auto Scaling groups tagged greenlight:group=<groupId>.
Result<std::vector<Xml>> versionGroups(AwsClient& client, const std::string& groupId) {
  std::vector<Xml> found;
  std::string next;
  do {
    QueryParams params;
    params.add("Filters.member.1.Name", std::string("tag:") + kTagGroup);
    params.add("Filters.member.1.Values.member.1", groupId);
    if (!next.empty()) params.add("NextToken", next);
    auto page = client.query("autoscaling", kAutoScalingVersion, "DescribeAutoScalingGroups", params);
    if (!page.ok()) return withContext(page.error(), "cannot list the group's Auto Scaling groups");
    for (const Xml& group : page->list("AutoScalingGroups")) found.push_back(group);
    next = page->text("NextToken");
  } while (!next.empty());
  return found;
}

Result<std::optional<Xml>> describeGroup(AwsClient& client, const std::string& name) {
  QueryParams params;
  params.addMembers("AutoScalingGroupNames", {name});
  auto page = client.query("autoscaling", kAutoScalingVersion, "DescribeAutoScalingGroups", params);
  if (!page.ok()) return withContext(page.error(), "cannot describe Auto Scaling group " + name);
  for (const Xml& group : page->list("AutoScalingGroups")) {
    if (group.text("AutoScalingGroupName") == name) return std::optional<Xml>(group);
  }
  return std::optional<Xml>();
}

std::string tagValue(const Xml& group, const std::string& key) {
  for (const Xml& tag : group.list("Tags")) {
    if (tag.text("Key") == key) return tag.text("Value");
  }
  return {};
}

void addTags(QueryParams& params, const std::string& prefix,
             const std::map<std::string, std::string>& tags) {
  int n = 0;
  for (const auto& [key, value] : tags) {
    ++n;
    params.add(prefix + "." + std::to_string(n) + ".Key", key);
    params.add(prefix + "." + std::to_string(n) + ".Value", value);
  }
}

std::map<std::string, std::string> ownTags(const std::string& groupId, const std::string& fleetVersion) {
  return {{kTagManaged, "true"}, {kTagGroup, groupId}, {kTagFleetVersion, fleetVersion}};
}

Status createLaunchTemplate(AwsClient& client, const catalog::AwsFleetSpec& spec,
                            const std::string& groupId, const std::string& fleetVersion,
                            const std::string& userData) {
  const catalog::AwsLaunchTemplateSpec& lt = spec.launchTemplate;
  QueryParams params;
  const std::string d = "LaunchTemplateData.";
  params.add("LaunchTemplateName", fleetVersion);
  params.add(d + "ImageId", lt.ami);
  params.add(d + "InstanceType", lt.instanceType);
  if (!lt.keyName.empty()) params.add(d + "KeyName", lt.keyName);
  if (!lt.iamInstanceProfile.empty()) {
    params.add(d + (lt.iamInstanceProfile.rfind("arn:", 0) == 0 ? "IamInstanceProfile.Arn"
                                                                 : "IamInstanceProfile.Name"),
               lt.iamInstanceProfile);
  }
  int ids = 0;
  int names = 0;
  for (const auto& group : lt.securityGroups) {
    if (group.rfind("sg-", 0) == 0) {
      params.add(d + "SecurityGroupId." + std::to_string(++ids), group);
    } else {
      params.add(d + "SecurityGroup." + std::to_string(++names), group);
    }
  }
  if (lt.ebsOptimized) params.add(d + "EbsOptimized", "true");
  if (lt.detailedMonitoring) params.add(d + "Monitoring.Enabled", "true");
  params.add(d + "UserData", base64(userData));
  int n = 0;
  for (const auto& device : lt.blockDevices) {
    const std::string b = d + "BlockDeviceMapping." + std::to_string(++n) + ".";
    params.add(b + "DeviceName", device.deviceName);
    params.add(b + "Ebs.VolumeSize", std::to_string(device.volumeSize));
    params.add(b + "Ebs.VolumeType", device.volumeType);
    if (device.iops) params.add(b + "Ebs.Iops", std::to_string(*device.iops));
    if (device.throughput) params.add(b + "Ebs.Throughput", std::to_string(*device.throughput));
    params.add(b + "Ebs.Encrypted", device.encrypted ? "true" : "false");
    params.add(b + "Ebs.DeleteOnTermination", "true");
  }
  params.add(d + "MetadataOptions.HttpTokens", lt.metadataOptions.httpTokens);
  params.add(d + "MetadataOptions.HttpPutResponseHopLimit", std::to_string(lt.metadataOptions.hopLimit));
  params.add(d + "MetadataOptions.HttpEndpoint", lt.metadataOptions.httpEndpoint);
  // A mixed-instances policy decides spot itself (AWS refuses market options beside it).
  if (lt.spotOptions && !spec.autoScaling.mixedInstancesPolicy) {
    const auto& spot = *lt.spotOptions;
    params.add(d + "InstanceMarketOptions.MarketType", "spot");
    const std::string s = d + "InstanceMarketOptions.SpotOptions.";
    if (!spot.maxPrice.empty()) params.add(s + "MaxPrice", spot.maxPrice);
    params.add(s + "SpotInstanceType", spot.spotInstanceType);
    params.add(s + "InstanceInterruptionBehavior", spot.instanceInterruptionBehavior);
    if (spot.blockDurationMinutes) params.add(s + "BlockDurationMinutes", std::to_string(*spot.blockDurationMinutes));
  }
  std::map<std::string, std::string> instanceTags = lt.tags;
  for (const auto& [key, value] : ownTags(groupId, fleetVersion)) instanceTags[key] = value;
  params.add(d + "TagSpecification.1.ResourceType", "instance");
  addTags(params, d + "TagSpecification.1.Tag", instanceTags);
  params.add(d + "TagSpecification.2.ResourceType", "volume");
  addTags(params, d + "TagSpecification.2.Tag", instanceTags);
  params.add("TagSpecification.1.ResourceType", "launch-template");
  addTags(params, "TagSpecification.1.Tag", ownTags(groupId, fleetVersion));
  auto made = client.query("ec2", kEc2Version, "CreateLaunchTemplate", params);
  if (!made.ok() &&
      greenlight::aws::awsErrorCode(made.error()) != "InvalidLaunchTemplateName.AlreadyExistsException") {
    return withContext(made.error(), "cannot create launch template " + fleetVersion);
  }
  return Status::success();
}

// The subnets of `vpc` of the wanted kind: by their Name tag ("...private...") when they have
// one, else public means MapPublicIpOnLaunch.
Result<std::vector<std::string>> subnetsOf(AwsClient& client, const catalog::AwsAutoScalingSpec& spec) {
  if (!spec.subnets.empty()) return spec.subnets;
  if (spec.vpc.empty()) return std::vector<std::string>{};
  QueryParams params;
  params.addFilter("vpc-id", {spec.vpc});
  auto answer = client.query("ec2", kEc2Version, "DescribeSubnets", params);
  if (!answer.ok()) return withContext(answer.error(), "cannot list the subnets of " + spec.vpc);
  std::vector<std::string> byName;
  std::vector<std::string> byPublicIp;
  for (const Xml& subnet : answer->list("subnetSet")) {
    std::string name;
    for (const Xml& tag : subnet.list("tagSet")) {
      if (tag.text("key") == "Name") name = tag.text("value");
    }
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    if (name.find(spec.subnetKind) != std::string::npos) byName.push_back(subnet.text("subnetId"));
    const bool isPublic = subnet.text("mapPublicIpOnLaunch") == "true";
    if (isPublic == (spec.subnetKind == "public")) byPublicIp.push_back(subnet.text("subnetId"));
  }
  std::vector<std::string> chosen = byName.empty() ? byPublicIp : byName;
  if (chosen.empty()) {
    return Error{codes::kInvalidGroupSpec, "VPC " + spec.vpc + " has no " + spec.subnetKind +
                                               " subnet (by Name tag or public-IP setting); list "
                                               "fleet.aws.autoScaling.subnets instead"};
  }
  return chosen;
}

Status createAutoScalingGroup(AwsClient& client, const catalog::AwsFleetSpec& spec,
                              const std::string& groupId, const std::string& fleetVersion,
                              const catalog::AwsCapacity& capacity) {
  const catalog::AwsAutoScalingSpec& as = spec.autoScaling;
  QueryParams params;
  params.add("AutoScalingGroupName", fleetVersion);
  if (const auto& mixed = as.mixedInstancesPolicy) {
    const std::string m = "MixedInstancesPolicy.";
    params.add(m + "LaunchTemplate.LaunchTemplateSpecification.LaunchTemplateName", fleetVersion);
    params.add(m + "LaunchTemplate.LaunchTemplateSpecification.Version", "$Latest");
    int n = 0;
    for (const auto& type : mixed->instanceTypes) {
      params.add(m + "LaunchTemplate.Overrides.member." + std::to_string(++n) + ".InstanceType", type);
    }
    const std::string i = m + "InstancesDistribution.";
    params.add(i + "OnDemandBaseCapacity", std::to_string(mixed->onDemandBaseCapacity));
    params.add(i + "OnDemandPercentageAboveBaseCapacity",
               std::to_string(mixed->onDemandPercentageAboveBaseCapacity));
    params.add(i + "SpotAllocationStrategy", mixed->spotAllocationStrategy);
    if (mixed->spotInstancePools) params.add(i + "SpotInstancePools", std::to_string(*mixed->spotInstancePools));
    if (!mixed->spotMaxPrice.empty()) params.add(i + "SpotMaxPrice", mixed->spotMaxPrice);
  } else {
    params.add("LaunchTemplate.LaunchTemplateName", fleetVersion);
    params.add("LaunchTemplate.Version", "$Latest");
  }
  params.add("MinSize", std::to_string(capacity.min));
  params.add("MaxSize", std::to_string(capacity.max));
  params.add("DesiredCapacity", std::to_string(capacity.desired));
  auto subnets = subnetsOf(client, as);
  if (!subnets.ok()) return subnets.error();
  if (!subnets->empty()) {
    std::string joined;
    for (const auto& subnet : *subnets) joined += (joined.empty() ? "" : ",") + subnet;
    params.add("VPCZoneIdentifier", joined);
  }
  if (!as.availabilityZones.empty()) params.addMembers("AvailabilityZones", as.availabilityZones);
  if (!as.targetGroups.empty()) {
    auto arns = targetGroupArns(client, as.targetGroups);
    if (!arns.ok()) return arns.error();
    params.addMembers("TargetGroupARNs", *arns);
  }
  params.add("HealthCheckType", as.healthCheckType);
  params.add("HealthCheckGracePeriod", std::to_string(as.healthCheckGracePeriodSeconds));
  if (!as.terminationPolicies.empty()) params.addMembers("TerminationPolicies", as.terminationPolicies);
  int n = 0;
  for (const auto& hook : as.lifecycleHooks) {
    const std::string h = "LifecycleHookSpecificationList.member." + std::to_string(++n) + ".";
    params.add(h + "LifecycleHookName", hook.name);
    params.add(h + "LifecycleTransition", hook.transition == "terminate"
                                              ? "autoscaling:EC2_INSTANCE_TERMINATING"
                                              : "autoscaling:EC2_INSTANCE_LAUNCHING");
    params.add(h + "HeartbeatTimeout", std::to_string(hook.heartbeatTimeoutSeconds));
    params.add(h + "DefaultResult", hook.defaultResult);
    if (!hook.notificationMetadata.empty()) params.add(h + "NotificationMetadata", hook.notificationMetadata);
    if (!hook.notificationTargetArn.empty()) params.add(h + "NotificationTargetARN", hook.notificationTargetArn);
    if (!hook.roleArn.empty()) params.add(h + "RoleARN", hook.roleArn);
  }
  std::map<std::string, std::string> tags = as.tags;
  for (const auto& [key, value] : ownTags(groupId, fleetVersion)) tags[key] = value;
  tags.try_emplace("Name", fleetVersion);
  n = 0;
  for (const auto& [key, value] : tags) {
    const std::string t = "Tags.member." + std::to_string(++n) + ".";
    params.add(t + "Key", key);
    params.add(t + "Value", value);
    params.add(t + "PropagateAtLaunch", "true");
    params.add(t + "ResourceId", fleetVersion);
    params.add(t + "ResourceType", "auto-scaling-group");
  }
  auto made = client.query("autoscaling", kAutoScalingVersion, "CreateAutoScalingGroup", params);
  if (!made.ok() && greenlight::aws::awsErrorCode(made.error()) != "AlreadyExists") {
    return withContext(made.error(), "cannot create Auto Scaling group " + fleetVersion);
  }
  return Status::success();
}

struct Ec2Address {
  std::string privateIp;
  std::string privateDns;
};

Result<std::map<std::string, Ec2Address>> addressesOf(AwsClient& client, const std::vector<std::string>& ids) {
  std::map<std::string, Ec2Address> found;
  if (ids.empty()) return found;
  QueryParams params;
  params.addIndexed("InstanceId", ids);
  auto answer = client.query("ec2", kEc2Version, "DescribeInstances", params);
  if (!answer.ok()) return withContext(answer.error(), "cannot describe the new instances");
  for (const Xml& reservation : answer->list("reservationSet")) {
    for (const Xml& instance : reservation.list("instancesSet")) {
      found[instance.text("instanceId")] = {instance.text("privateIpAddress"), instance.text("privateDnsName")};
    }
  }
  return found;
}

}  // namespace

std::string agentUserData(const catalog::AwsFleetSpec& spec, const AwsFleetOptions& options,
                          const std::string& enrolmentToken) {
  std::ostringstream script;
  script << "#!/bin/bash\n"
            "# greenlight fleet version user data: the operator's script, then the greenlight agent.\n"
            "set -euo pipefail\n"
            "install -d -m 0700 /var/lib/greenlight /var/lib/greenlight/agent\n";
  if (!spec.launchTemplate.userData.empty()) {
    script << "cat > /var/lib/greenlight/user-data <<'GREENLIGHT_USER_DATA_END'\n"
           << spec.launchTemplate.userData
           << (spec.launchTemplate.userData.back() == '\n' ? "" : "\n")
           << "GREENLIGHT_USER_DATA_END\n"
              "chmod 0700 /var/lib/greenlight/user-data\n"
              "if head -c2 /var/lib/greenlight/user-data | grep -q '#!'; then "
              "/var/lib/greenlight/user-data; else bash /var/lib/greenlight/user-data; fi\n";
  }
  script << "(umask 077; printf '%s\\n' " << shellQuote(enrolmentToken)
         << " > /var/lib/greenlight/enrolment.token)\n";
  if (!options.agentUrl.empty()) {
    script << "curl -fsSL --retry 5 " << shellQuote(options.agentUrl)
           << " -o /usr/local/bin/greenlight.new && chmod 0755 /usr/local/bin/greenlight.new && "
              "mv /usr/local/bin/greenlight.new /usr/local/bin/greenlight\n";
  }
  script << "imds=$(curl -fsS -X PUT http://169.254.169.254/latest/api/token "
            "-H 'X-aws-ec2-metadata-token-ttl-seconds: 60')\n"
            "instance_id=$(curl -fsS -H \"X-aws-ec2-metadata-token: $imds\" "
            "http://169.254.169.254/latest/meta-data/instance-id)\n"
            "cat > /etc/systemd/system/greenlight-agent.service <<GREENLIGHT_UNIT_END\n"
            "[Unit]\n"
            "Description=greenlight agent\n"
            "After=network-online.target\n"
            "Wants=network-online.target\n"
            "[Service]\n"
            "ExecStart=/usr/local/bin/greenlight agent --server "
         << options.serverUrl
         << " --enrolment-token-file /var/lib/greenlight/enrolment.token"
            " --root /var/lib/greenlight/agent --instance-id ${instance_id}\n"
            "Restart=always\n"
            "RestartSec=2\n"
            "[Install]\n"
            "WantedBy=multi-user.target\n"
            "GREENLIGHT_UNIT_END\n"
            "systemctl daemon-reload\n"
            "systemctl enable --now greenlight-agent.service\n";
  return script.str();
}

struct AwsComputeProvider::Context {
  catalog::DeploymentGroup group;
  catalog::AwsFleetSpec spec;
  AwsClient* client = nullptr;
};

AwsComputeProvider::AwsComputeProvider(store::SerializedSqliteDatabase& database, const Clock& clock,
                                       AwsClients& clients, EnrolmentTokenFile tokenFile,
                                       AwsFleetOptions options)
    : database_(database), clock_(clock), clients_(clients), tokenFile_(std::move(tokenFile)),
      options_(std::move(options)) {}

Result<AwsComputeProvider::Context> AwsComputeProvider::contextFor(const std::string& groupId) {
  auto group = database_.withConnection([&](store::SqliteDatabase& db) {
    return catalog::Catalog(db, clock_).getGroupById(groupId);
  });
  if (!group.ok()) return group.error();
  if (group->spec.fleet.provider != catalog::FleetProvider::Aws) {
    return Error{codes::kConflict, "group " + group->spec.application + "/" + group->spec.name +
                                       " does not have an aws fleet"};
  }
  auto spec = catalog::awsFleetOf(*group);
  if (!spec.ok()) return spec.error();
  auto client = clients_.forRegion(spec->region);
  if (!client.ok()) return client.error();
  return Context{std::move(*group), std::move(*spec), *client};
}

void AwsComputeProvider::record(const Context& context, const std::string& fleetVersion,
                                Status (DynamoDbFleetHistory::*write)(const FleetVersionRecord&)) {
  if (!options_.history) return;
  FleetVersionRecord record{fleetVersion, context.group.spec.application, context.group.spec.name,
                            context.spec.region};
  if (Status written = ((*options_.history).*write)(record); !written.ok() && options_.log) {
    options_.log("fleet history: cannot record " + fleetVersion + " in DynamoDB table " +
                 options_.history->table() + ": " + written.error().message);
  }
}

Result<std::vector<std::string>> AwsComputeProvider::listFleetVersions(const std::string& groupId) {
  auto context = contextFor(groupId);
  if (!context.ok()) return context.error();
  auto groups = versionGroups(*context->client, groupId);
  if (!groups.ok()) return groups.error();
  std::vector<std::string> names;
  for (const Xml& group : *groups) names.push_back(group.text("AutoScalingGroupName"));
  std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) { return newerVersion(b, a); });
  return names;
}

Status AwsComputeProvider::retireGroup(const std::string& groupId, const std::string& reason) {
  auto versions = listFleetVersions(groupId);
  if (!versions.ok()) return versions.error();
  std::lock_guard lock(mutex_);
  for (const auto& version : *versions) {
    // A terminationDelayRate applies to a deployment's old version, not to a deleted group.
    if (Status retired = retire(groupId, version, reason, /*gradually=*/false); !retired.ok()) return retired;
  }
  return Status::success();
}

Result<std::vector<catalog::Instance>> AwsComputeProvider::provisionFleetVersion(
    const std::string& groupId, const std::string& fleetVersion, int count) {
  if (fleetVersion.empty()) return Error{codes::kInvalidArgument, "no fleet version to provision"};
  std::lock_guard lock(mutex_);
  auto context = contextFor(groupId);
  if (!context.ok()) return context.error();
  AwsClient& client = *context->client;
  const catalog::AwsFleetSpec& spec = context->spec;

  auto existing = describeGroup(client, fleetVersion);
  if (!existing.ok()) return existing.error();
  if (*existing && tagValue(**existing, kTagGroup) != groupId) {
    return Error{codes::kConflict, "Auto Scaling group " + fleetVersion + " exists but is not " +
                                       "tagged " + kTagGroup + "=" + groupId +
                                       "; greenlight will not take over a group it did not make"};
  }
  if (!*existing) {
    auto others = versionGroups(client, groupId);
    if (!others.ok()) return others.error();
    // A newer version of this group in AWS than the one asked for: another server (or a store
    // that lost its history) deploys the same group. Nothing is made; it is the operator's call.
    for (const Xml& other : *others) {
      const std::string name = other.text("AutoScalingGroupName");
      if (newerVersion(name, fleetVersion)) {
        return Error{codes::kConflict,
                     "Auto Scaling group " + name + " of this group is newer than " + fleetVersion +
                         ": another greenlight server is deploying the same group (or this server's "
                         "store lost its history); nothing was made. Find who owns " + name +
                         " before deploying again."};
      }
    }
    // The capacity: the serving version's (the newest other version found by tag) unless forced.
    catalog::AwsCapacity capacity = spec.autoScaling.capacity;
    if (!spec.autoScaling.forceCapacity) {
      std::optional<Xml> newest;
      for (const Xml& other : *others) {
        const std::string name = other.text("AutoScalingGroupName");
        if (name == fleetVersion) continue;
        if (!newest || newerVersion(name, newest->text("AutoScalingGroupName"))) newest = other;
      }
      if (newest) {
        capacity.min = std::stoi("0" + newest->text("MinSize"));
        capacity.max = std::stoi("0" + newest->text("MaxSize"));
        capacity.desired = std::stoi("0" + newest->text("DesiredCapacity"));
      }
    }
    if (count > 0) {
      capacity.desired = count;
      capacity.min = std::min(capacity.min, count);
      capacity.max = std::max(capacity.max, count);
    }
    auto tokenFile = tokenFile_(groupId);
    if (!tokenFile.ok()) return tokenFile.error();
    auto token = readToken(*tokenFile);
    if (!token.ok()) return token.error();
    if (Status made = createLaunchTemplate(client, spec, groupId, fleetVersion,
                                           agentUserData(spec, options_, *token));
        !made.ok()) {
      return made.error();
    }
    if (Status made = createAutoScalingGroup(client, spec, groupId, fleetVersion, capacity); !made.ok()) {
      return made.error();
    }
    record(*context, fleetVersion, &DynamoDbFleetHistory::creating);
    existing = describeGroup(client, fleetVersion);
    if (!existing.ok()) return existing.error();
    if (!*existing) {
      return Error{codes::kUnavailable, "Auto Scaling group " + fleetVersion + " is not visible yet"};
    }
  }
  // A rolling replace's next batch: the same group, grown to the count asked for.
  if (count > 0 && std::stoi("0" + (*existing)->text("DesiredCapacity")) != count) {
    QueryParams grow;
    grow.add("AutoScalingGroupName", fleetVersion);
    grow.add("DesiredCapacity", std::to_string(count));
    grow.add("MaxSize", std::to_string(std::max(count, std::stoi("0" + (*existing)->text("MaxSize")))));
    auto grown = client.query("autoscaling", kAutoScalingVersion, "UpdateAutoScalingGroup", grow);
    if (!grown.ok()) return withContext(grown.error(), "cannot set the capacity of " + fleetVersion);
    existing = describeGroup(client, fleetVersion);
    if (!existing.ok()) return existing.error();
    if (!*existing) return Error{codes::kUnavailable, "Auto Scaling group " + fleetVersion + " is not visible"};
  }
  const Xml& asg = **existing;
  const int desired = std::stoi("0" + asg.text("DesiredCapacity"));
  std::vector<std::string> ids;
  for (const Xml& instance : asg.list("Instances")) {
    const std::string state = instance.text("LifecycleState");
    if (state.rfind("Terminat", 0) == 0 || state.rfind("Detach", 0) == 0) continue;
    ids.push_back(instance.text("InstanceId"));
  }
  std::sort(ids.begin(), ids.end());
  const std::string key = groupId + "/" + fleetVersion;
  if (static_cast<int>(ids.size()) < desired) {
    const WallTime since = launchStartedAt_.try_emplace(key, clock_.now()).first->second;
    if (clock_.now() - since > std::chrono::seconds(spec.healthyTimeoutSeconds)) {
      return Error{"AwsLaunchTimeout",
                   "only " + std::to_string(ids.size()) + " of " + std::to_string(desired) + " instances of " +
                       fleetVersion + " launched within healthyTimeoutSeconds (" +
                       std::to_string(spec.healthyTimeoutSeconds) + "s); see why with `aws autoscaling "
                       "describe-scaling-activities --auto-scaling-group-name " + fleetVersion + "`"};
    }
    return Error{codes::kUnavailable, std::to_string(ids.size()) + " of " + std::to_string(desired) +
                                          " instances of " + fleetVersion + " launched so far"};
  }
  launchStartedAt_.erase(key);
  auto addresses = addressesOf(client, ids);
  if (!addresses.ok()) return addresses.error();

  return database_.withConnection([&](store::SqliteDatabase& db) -> Result<std::vector<catalog::Instance>> {
    catalog::Catalog catalog(db, clock_);
    auto transaction = store::Transaction::begin(db);
    if (!transaction.ok()) return transaction.error();
    auto known = catalog.listFleetVersion(groupId, fleetVersion, /*includeTerminated=*/true);
    if (!known.ok()) return known.error();
    int ordinal = 0;
    for (const auto& instance : *known) ordinal = std::max(ordinal, instance.ordinal + 1);
    for (const auto& id : ids) {
      if (std::any_of(known->begin(), known->end(), [&](const catalog::Instance& i) { return i.id == id; })) {
        continue;
      }
      catalog::Instance instance;
      instance.id = id;
      instance.groupId = groupId;
      instance.provider = catalog::FleetProvider::Aws;
      instance.fleetVersion = fleetVersion;
      const Ec2Address& address = (*addresses)[id];
      instance.hostName = !address.privateDns.empty() ? address.privateDns
                          : !address.privateIp.empty() ? address.privateIp
                                                       : id;
      instance.ordinal = ordinal++;
      instance.tags = {{"privateIp", address.privateIp}};
      instance.lifecycle = catalog::InstanceLifecycle::Launching;
      auto created = catalog.createInstance(instance);
      if (!created.ok()) return created.error();
    }
    if (Status committed = transaction->commit(); !committed.ok()) return committed.error();
    return catalog.listFleetVersion(groupId, fleetVersion);
  });
}

Result<std::string> AwsComputeProvider::unhealthyInstances(const std::string& groupId,
                                                           const std::string& fleetVersion) {
  std::lock_guard lock(mutex_);
  auto context = contextFor(groupId);
  if (!context.ok()) return context.error();
  auto asg = describeGroup(*context->client, fleetVersion);
  if (!asg.ok()) return asg.error();
  if (!*asg) return fleetVersion + ": its Auto Scaling group is gone";
  std::string list;
  for (const Xml& instance : (*asg)->list("Instances")) {
    const std::string state = instance.text("LifecycleState");
    const std::string health = instance.text("HealthStatus");
    if (state == "InService" && health == "Healthy") continue;
    list += (list.empty() ? "" : "; ") + instance.text("InstanceId") + " is " + state + " and " +
            health + " in Auto Scaling group " + fleetVersion;
  }
  return list;
}

Status AwsComputeProvider::fleetVersionServing(const std::string& groupId, const std::string& fleetVersion) {
  std::lock_guard lock(mutex_);
  auto context = contextFor(groupId);
  if (!context.ok()) return context.error();
  AwsClient& client = *context->client;
  const catalog::AwsFleetSpec& spec = context->spec;
  std::map<std::string, std::string> policyArns;
  for (const auto& policy : spec.scalingPolicies) {
    QueryParams params;
    params.add("AutoScalingGroupName", fleetVersion);
    params.add("PolicyName", policy.name);
    params.add("PolicyType", "SimpleScaling");
    params.add("AdjustmentType", policy.adjustmentType);
    params.add("ScalingAdjustment", std::to_string(policy.scalingAdjustment));
    params.add("Cooldown", std::to_string(policy.cooldownSeconds));
    auto put = client.query("autoscaling", kAutoScalingVersion, "PutScalingPolicy", params);
    if (!put.ok()) return withContext(put.error(), "cannot add scaling policy " + policy.name + " to " + fleetVersion);
    policyArns[policy.name] = put->text("PolicyARN");
  }
  // An answer without the ARN (some endpoints leave it out): read the policies back.
  if (std::any_of(policyArns.begin(), policyArns.end(), [](const auto& entry) { return entry.second.empty(); })) {
    QueryParams params;
    params.add("AutoScalingGroupName", fleetVersion);
    auto described = client.query("autoscaling", kAutoScalingVersion, "DescribePolicies", params);
    if (!described.ok()) return withContext(described.error(), "cannot read the scaling policies of " + fleetVersion);
    for (const Xml& policy : described->list("ScalingPolicies")) {
      auto found = policyArns.find(policy.text("PolicyName"));
      if (found != policyArns.end() && found->second.empty()) found->second = policy.text("PolicyARN");
    }
  }
  for (const auto& alarm : spec.scalingAlarms) {
    QueryParams params;
    params.add("AlarmName", fleetVersion + "-" + alarm.name);
    params.add("Namespace", alarm.namespace_);
    params.add("MetricName", alarm.metric);
    params.add("Statistic", alarm.statistic);
    params.add("ComparisonOperator", alarm.comparison);
    std::ostringstream threshold;
    threshold << alarm.threshold;
    params.add("Threshold", threshold.str());
    params.add("Period", std::to_string(alarm.periodSeconds));
    params.add("EvaluationPeriods", std::to_string(alarm.evaluationPeriods));
    params.add("Dimensions.member.1.Name", "AutoScalingGroupName");
    params.add("Dimensions.member.1.Value", fleetVersion);
    std::vector<std::string> actions;
    for (const auto& name : alarm.actions) {
      auto arn = policyArns.find(name);
      if (arn != policyArns.end() && !arn->second.empty()) actions.push_back(arn->second);
    }
    if (!actions.empty()) params.addMembers("AlarmActions", actions);
    auto put = client.query("monitoring", kMonitoringVersion, "PutMetricAlarm", params);
    if (!put.ok()) return withContext(put.error(), "cannot add alarm " + fleetVersion + "-" + alarm.name);
  }
  for (const auto& action : spec.scheduledActions) {
    QueryParams params;
    params.add("AutoScalingGroupName", fleetVersion);
    params.add("ScheduledActionName", action.name);
    params.add("Recurrence", action.recurrence);
    if (action.min) params.add("MinSize", std::to_string(*action.min));
    if (action.max) params.add("MaxSize", std::to_string(*action.max));
    if (action.desired) params.add("DesiredCapacity", std::to_string(*action.desired));
    auto put = client.query("autoscaling", kAutoScalingVersion, "PutScheduledUpdateGroupAction", params);
    if (!put.ok()) return withContext(put.error(), "cannot add scheduled action " + action.name + " to " + fleetVersion);
  }
  record(*context, fleetVersion, &DynamoDbFleetHistory::deployed);
  return Status::success();
}

Status AwsComputeProvider::retireFleetVersion(const std::string& groupId, const std::string& fleetVersion,
                                              const std::string& reason) {
  if (fleetVersion.empty()) return Error{codes::kInvalidArgument, "no fleet version to retire"};
  std::lock_guard lock(mutex_);
  return retire(groupId, fleetVersion, reason, /*gradually=*/true);
}

Status AwsComputeProvider::retire(const std::string& groupId, const std::string& fleetVersion,
                                  const std::string& reason, bool gradually) {
  auto context = contextFor(groupId);
  if (!context.ok()) return context.error();
  AwsClient& client = *context->client;
  // The rows first: the instances stop being deployment targets whatever AWS says next.
  Status marked = database_.withConnection([&](store::SqliteDatabase& db) -> Status {
    catalog::Catalog catalog(db, clock_);
    auto instances = catalog.listFleetVersion(groupId, fleetVersion);
    if (!instances.ok()) return instances.error();
    for (const auto& instance : *instances) {
      if (Status set = catalog.setInstanceLifecycle(instance.id, catalog::InstanceLifecycle::Terminated, reason);
          !set.ok()) {
        return set;
      }
    }
    return Status::success();
  });
  if (!marked.ok()) return marked;

  auto asg = describeGroup(client, fleetVersion);
  if (!asg.ok()) return asg.error();
  if (*asg && tagValue(**asg, kTagGroup) != groupId) {
    return Error{codes::kConflict, "Auto Scaling group " + fleetVersion + " is not tagged " +
                                       kTagGroup + "=" + groupId + "; greenlight leaves it alone"};
  }
  // terminationDelayRate: the version shrinks by that share of its instances once per
  // terminationDelayIntervalSeconds before it is deleted (the engine asks again while this is
  // Unavailable).
  const int rate = gradually ? context->spec.terminationDelayRate : 0;
  const int current = *asg ? std::stoi("0" + (**asg).text("DesiredCapacity")) : 0;
  if (rate > 0 && current > 0) {
    ScaleDown& progress = scaleDowns_.try_emplace(groupId + "/" + fleetVersion, ScaleDown{current, {}}).first->second;
    const WallTime now = clock_.now();
    const auto interval = std::chrono::seconds(context->spec.terminationDelayIntervalSeconds);
    if (progress.lastStepAt && now - *progress.lastStepAt < interval) {
      return Error{codes::kUnavailable, "scaling " + fleetVersion + " down gradually (terminationDelayRate " +
                                            std::to_string(rate) + "%): " + std::to_string(current) +
                                            " instances left"};
    }
    const int step = std::max(1, (progress.original * rate + 99) / 100);
    const int left = std::max(0, current - step);
    QueryParams shrink;
    shrink.add("AutoScalingGroupName", fleetVersion);
    shrink.add("MinSize", "0");
    shrink.add("DesiredCapacity", std::to_string(left));
    auto shrunk = client.query("autoscaling", kAutoScalingVersion, "UpdateAutoScalingGroup", shrink);
    if (!shrunk.ok()) return withContext(shrunk.error(), "cannot scale " + fleetVersion + " down");
    progress.lastStepAt = now;
    if (left > 0) {
      return Error{codes::kUnavailable, "scaling " + fleetVersion + " down gradually (terminationDelayRate " +
                                            std::to_string(rate) + "%): " + std::to_string(left) +
                                            " instances left"};
    }
  }
  scaleDowns_.erase(groupId + "/" + fleetVersion);
  // The version's alarms (named "<fleet version>-<name>"): greenlight's own, never left behind.
  QueryParams describe;
  describe.add("AlarmNamePrefix", fleetVersion + "-");
  auto alarms = client.query("monitoring", kMonitoringVersion, "DescribeAlarms", describe);
  if (!alarms.ok()) return withContext(alarms.error(), "cannot list the alarms of " + fleetVersion);
  std::vector<std::string> names;
  for (const Xml& alarm : alarms->list("MetricAlarms")) names.push_back(alarm.text("AlarmName"));
  if (!names.empty()) {
    QueryParams remove;
    remove.addMembers("AlarmNames", names);
    auto removed = client.query("monitoring", kMonitoringVersion, "DeleteAlarms", remove);
    if (!removed.ok()) return withContext(removed.error(), "cannot delete the alarms of " + fleetVersion);
  }
  if (*asg) {
    QueryParams remove;
    remove.add("AutoScalingGroupName", fleetVersion);
    remove.add("ForceDelete", "true");
    auto removed = client.query("autoscaling", kAutoScalingVersion, "DeleteAutoScalingGroup", remove);
    if (!removed.ok() && !greenlight::aws::isAwsError(removed.error(), "ValidationError")) {
      return withContext(removed.error(), "cannot delete Auto Scaling group " + fleetVersion);
    }
  }
  // The launch template, found by its tags (one greenlight made for this version, never another
  // of the same name).
  QueryParams templates;
  templates.addFilter(std::string("tag:") + kTagGroup, {groupId});
  templates.addFilter(std::string("tag:") + kTagFleetVersion, {fleetVersion});
  auto found = client.query("ec2", kEc2Version, "DescribeLaunchTemplates", templates);
  if (!found.ok()) return withContext(found.error(), "cannot find the launch template of " + fleetVersion);
  for (const Xml& launchTemplate : found->list("launchTemplates")) {
    QueryParams remove;
    remove.add("LaunchTemplateId", launchTemplate.text("launchTemplateId"));
    auto removed = client.query("ec2", kEc2Version, "DeleteLaunchTemplate", remove);
    if (!removed.ok() && !notFound(removed.error())) {
      return withContext(removed.error(), "cannot delete launch template " + fleetVersion);
    }
  }
  record(*context, fleetVersion, &DynamoDbFleetHistory::terminated);
  return Status::success();
}

}  // namespace greenlight::providers::aws
