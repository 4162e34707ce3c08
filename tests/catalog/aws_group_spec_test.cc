// AWS groups: the `aws` fleet, the `aws-elbv2` load balancer and `cloudwatch` alarms, read from
// YAML and JSON, each problem named with its key path and line:column, and round trips.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "catalog/analysis_spec.h"
#include "catalog/aws_fleet_spec.h"
#include "catalog/catalog.h"
#include "catalog/group_spec.h"
#include "catalog/traffic_spec.h"
#include "common/error_codes.h"

namespace greenlight::catalog {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string exampleFile() {
  std::ifstream in(std::string(GREENLIGHT_SOURCE_DIR) + "/tests/catalog/group-aws.yaml");
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A small valid aws group whose `fleet.aws` block ends with `extra` (indented 4).
std::string awsGroup(const std::string& extra = "", const std::string& tail = "") {
  return "name: web\n"
         "deploymentStyle: blue-green\n"
         "fleet:\n"
         "  provider: aws\n"
         "  aws:\n"
         "    region: ap-northeast-2\n"
         "    launchTemplate: {ami: ami-01288945bd24ed49a, instanceType: t3.medium}\n"
         "    autoScaling: {subnets: [subnet-0a1b2c3d], capacity: {min: 1, max: 2, desired: 1}}\n" +
         extra + tail;
}

std::string yamlError(const std::string& yaml) {
  Result<GroupSpec> spec = parseGroupYaml(yaml, "web.yaml", "shop");
  EXPECT_FALSE(spec.ok()) << yaml;
  if (spec.ok()) return "";
  EXPECT_EQ(spec.error().code, codes::kInvalidGroupSpec);
  return spec.error().message;
}

DeploymentGroup groupOf(const GroupSpec& spec) {
  DeploymentGroup group;
  group.id = "g-1";
  group.spec = spec;
  return group;
}

TEST(AwsGroupSpec, TheFullExampleReadsIntoTypedSpecs) {
  Result<GroupSpec> spec = parseGroupYaml(exampleFile(), "group-aws.yaml");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_EQ(spec->fleet.provider, FleetProvider::Aws);
  Result<AwsFleetSpec> aws = awsFleetOf(groupOf(*spec));
  ASSERT_TRUE(aws.ok()) << aws.error().message;
  EXPECT_EQ(aws->region, "ap-northeast-2");
  EXPECT_EQ(aws->launchTemplate.ami, "ami-01288945bd24ed49a");
  EXPECT_EQ(aws->launchTemplate.securityGroups, (std::vector<std::string>{"sg-0a1b2c3d", "default"}));
  EXPECT_EQ(aws->launchTemplate.userData, "#!/bin/bash\necho hello > /etc/motd\n");
  ASSERT_EQ(aws->launchTemplate.blockDevices.size(), 2u);
  EXPECT_EQ(aws->launchTemplate.blockDevices[0].iops, 3000);
  EXPECT_EQ(aws->launchTemplate.blockDevices[0].throughput, 125);
  EXPECT_TRUE(aws->launchTemplate.blockDevices[0].encrypted);
  EXPECT_EQ(aws->launchTemplate.blockDevices[1].volumeType, "st1");
  EXPECT_EQ(aws->launchTemplate.metadataOptions.hopLimit, 2);
  ASSERT_TRUE(aws->launchTemplate.spotOptions);
  EXPECT_EQ(aws->launchTemplate.spotOptions->maxPrice, "0.3");
  EXPECT_EQ(aws->launchTemplate.spotOptions->blockDurationMinutes, 180);
  EXPECT_EQ(aws->autoScaling.capacity, (AwsCapacity{1, 4, 2}));
  EXPECT_TRUE(aws->autoScaling.forceCapacity);
  EXPECT_EQ(aws->autoScaling.healthCheckType, "ELB");
  ASSERT_EQ(aws->autoScaling.lifecycleHooks.size(), 1u);
  EXPECT_EQ(aws->autoScaling.lifecycleHooks[0].defaultResult, "CONTINUE");
  ASSERT_EQ(aws->scalingPolicies.size(), 2u);
  EXPECT_EQ(aws->scalingPolicies[1].scalingAdjustment, -1);
  ASSERT_EQ(aws->scalingAlarms.size(), 1u);
  EXPECT_EQ(aws->scalingAlarms[0].namespace_, "AWS/EC2");
  EXPECT_EQ(aws->scalingAlarms[0].actions, std::vector<std::string>{"scale-out"});
  ASSERT_EQ(aws->scheduledActions.size(), 1u);
  EXPECT_EQ(aws->scheduledActions[0].desired, 0);
  EXPECT_EQ(aws->terminationDelayRate, 50);
  EXPECT_EQ(aws->terminationDelayIntervalSeconds, 20);
  EXPECT_EQ(aws->healthyTimeoutSeconds, 1800);

  Result<std::optional<LoadBalancerSpec>> balancer = loadBalancerOf(groupOf(*spec));
  ASSERT_TRUE(balancer.ok() && *balancer && (*balancer)->isElbv2());
  EXPECT_EQ((*balancer)->elbv2->targetGroups, (std::vector<std::string>{"hello-blue", "hello-green"}));
  EXPECT_EQ((*balancer)->drainTimeoutSeconds, 60);
  Result<AlarmsSpec> alarms = alarmsOf(groupOf(*spec));
  ASSERT_TRUE(alarms.ok());
  ASSERT_TRUE(alarms->checks[0].cloudwatch);
  EXPECT_STREQ(alarms->checks[0].kind(), "cloudwatch");
  EXPECT_EQ(alarms->checks[0].cloudwatch->alarmNames, (std::vector<std::string>{"hello-5xx", "hello-latency"}));
}

TEST(AwsGroupSpec, RoundTripsAndYamlAndJsonReadTheSame) {
  Result<GroupSpec> spec = parseGroupYaml(exampleFile(), "group-aws.yaml");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  nlohmann::json json = toJson(*spec);
  Result<GroupSpec> again = groupSpecFromJson(json);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(*again, *spec);
  EXPECT_EQ(toJson(*again), json);
  // The sections are kept as written: the JSON form of the file holds the same values.
  EXPECT_EQ(json["fleet"]["aws"]["launchTemplate"]["spotOptions"]["maxPrice"], "0.3");
  EXPECT_EQ(json["fleet"]["aws"]["autoScaling"]["capacity"]["desired"], 2);
  EXPECT_EQ(json["loadBalancer"]["provider"], "aws-elbv2");
  EXPECT_EQ(awsFleetOf(groupOf(*again)).value(), awsFleetOf(groupOf(*spec)).value());
}

TEST(AwsGroupSpec, DefaultsAreImdsV2AndOnDemand) {
  Result<GroupSpec> spec = parseGroupYaml(awsGroup(), "web.yaml", "shop");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  AwsFleetSpec aws = awsFleetOf(groupOf(*spec)).value();
  EXPECT_EQ(aws.launchTemplate.metadataOptions.httpTokens, "required");
  EXPECT_EQ(aws.launchTemplate.metadataOptions.hopLimit, 1);
  EXPECT_FALSE(aws.launchTemplate.spotOptions);
  EXPECT_FALSE(aws.autoScaling.mixedInstancesPolicy);
  EXPECT_FALSE(aws.autoScaling.forceCapacity);
  EXPECT_EQ(aws.healthyTimeoutSeconds, 3600);
}

TEST(AwsGroupSpec, MixedInstancesPolicyIsRead) {
  Result<GroupSpec> spec = parseGroupYaml(
      "name: web\ndeploymentStyle: blue-green\nfleet:\n  provider: aws\n  aws:\n"
      "    region: us-east-1\n"
      "    launchTemplate: {ami: ami-12c6146b, instanceType: t3.medium}\n"
      "    autoScaling:\n"
      "      vpc: vpc-main\n      subnetKind: public\n"
      "      capacity: {min: 1, max: 2, desired: 1}\n"
      "      mixedInstancesPolicy: {instanceTypes: [c5.large, c5.xlarge], onDemandBaseCapacity: 1,\n"
      "        onDemandPercentageAboveBaseCapacity: 20, spotAllocationStrategy: lowest-price,\n"
      "        spotInstancePools: 3, spotMaxPrice: 0.3}\n",
      "web.yaml", "shop");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  AwsFleetSpec aws = awsFleetOf(groupOf(*spec)).value();
  ASSERT_TRUE(aws.autoScaling.mixedInstancesPolicy);
  EXPECT_EQ(aws.autoScaling.mixedInstancesPolicy->instanceTypes.size(), 2u);
  EXPECT_EQ(aws.autoScaling.mixedInstancesPolicy->onDemandPercentageAboveBaseCapacity, 20);
  EXPECT_EQ(aws.autoScaling.mixedInstancesPolicy->spotInstancePools, 3);
  EXPECT_EQ(aws.autoScaling.mixedInstancesPolicy->spotMaxPrice, "0.3");
  EXPECT_EQ(aws.autoScaling.subnetKind, "public");
}

struct BadCase {
  std::string extra;   // appended inside fleet.aws
  std::string expected;  // "line:col: key: message part"
};

TEST(AwsGroupSpec, EachProblemNamesItsKeyAndLine) {
  const std::vector<BadCase> cases = {
      {"    terminationDelayRate: 150\n", "web.yaml:9:27: fleet.aws.terminationDelayRate: must be a whole number from 0 to 100, not 150"},
      {"    terminationDelayIntervalSeconds: 0\n", "web.yaml:9:38: fleet.aws.terminationDelayIntervalSeconds: must be a whole number from 1 to 3600, not 0"},
      {"    healthyTimeoutSeconds: 5\n", "web.yaml:9:28: fleet.aws.healthyTimeoutSeconds: must be a whole number from 60 to 86400"},
      {"    scalingPolicies: [{name: up, adjustmentType: ChangeCapacity, scalingAdjustment: 1}]\n",
       "web.yaml:9:50: fleet.aws.scalingPolicies[0].adjustmentType: must be one of 'ChangeInCapacity', "
       "'ExactCapacity' or 'PercentChangeInCapacity', not \"ChangeCapacity\" (did you mean 'ChangeInCapacity'?)"},
      {"    scalingAlarms: [{name: hot, metric: CPUUtilization, comparison: GreaterThanThreshold, threshold: 1, actions: [up]}]\n",
       "fleet.aws.scalingAlarms[0].actions[0]: 'up' is not one of the fleet's scalingPolicies"},
      {"    scalingAlarms: [{name: hot, metric: CPUUtilization, comparison: GreaterThanThreshold, threshold: 1, periodSeconds: 90}]\n",
       "fleet.aws.scalingAlarms[0].periodSeconds: must be 10, 30 or a multiple of 60, not 90"},
      {"    scheduledActions: [{name: weekend, recurrence: '0 9 SAT', capacity: {desired: 0}}]\n",
       "fleet.aws.scheduledActions[0].recurrence: must be a cron expression of five fields"},
      {"    regoin: us-east-1\n", "web.yaml:9:13: fleet.aws.regoin: unknown key (did you mean 'region'?)"},
  };
  for (const BadCase& bad : cases) {
    std::string message = yamlError(awsGroup(bad.extra));
    EXPECT_TRUE(contains(message, bad.expected)) << "expected: " << bad.expected << "\ngot: " << message;
  }
}

TEST(AwsGroupSpec, LaunchTemplateProblems) {
  auto withLaunch = [](const std::string& launch) {
    return "name: web\ndeploymentStyle: blue-green\nfleet:\n  provider: aws\n  aws:\n"
           "    region: ap-northeast-2\n"
           "    autoScaling: {subnets: [subnet-0a1b2c3d], capacity: {min: 1, max: 2, desired: 1}}\n"
           "    launchTemplate:\n" + launch;
  };
  std::string message = yamlError(withLaunch("      ami: ubuntu\n      instanceType: large\n"));
  EXPECT_TRUE(contains(message, "web.yaml:9:12: fleet.aws.launchTemplate.ami: must be an image id")) << message;
  EXPECT_TRUE(contains(message, "web.yaml:10:21: fleet.aws.launchTemplate.instanceType: must be FAMILY.SIZE")) << message;
  message = yamlError(withLaunch(
      "      ami: ami-12c6146b\n      instanceType: t3.small\n"
      "      blockDevices: [{deviceName: /dev/xvda, volumeSize: 8, volumeType: gp2, iops: 300},\n"
      "                     {deviceName: /dev/xvdb, volumeSize: 8, volumeType: io2}]\n"
      "      metadataOptions: {httpTokens: maybe, hopLimit: 99}\n"
      "      spotOptions: {maxPrice: free, spotInstanceType: persistent}\n"));
  EXPECT_TRUE(contains(message, "fleet.aws.launchTemplate.blockDevices[0].iops: applies to io1, io2 and gp3 volumes, not gp2")) << message;
  EXPECT_TRUE(contains(message, "fleet.aws.launchTemplate.blockDevices[1].iops: missing; an io2 volume needs its provisioned IOPS")) << message;
  EXPECT_TRUE(contains(message, "fleet.aws.launchTemplate.metadataOptions.httpTokens: must be one of 'required' or 'optional', not \"maybe\"")) << message;
  EXPECT_TRUE(contains(message, "fleet.aws.launchTemplate.metadataOptions.hopLimit: must be a whole number from 1 to 64, not 99")) << message;
  EXPECT_TRUE(contains(message, "fleet.aws.launchTemplate.spotOptions.maxPrice: must be a price in dollars")) << message;
  EXPECT_TRUE(contains(message, "fleet.aws.launchTemplate.spotOptions.spotInstanceType: an Auto Scaling group launches one-time Spot requests only")) << message;
  message = yamlError(withLaunch("      instanceType: t3.small\n"));
  EXPECT_TRUE(contains(message, "fleet.aws.launchTemplate.ami: missing; give the image id")) << message;
}

TEST(AwsGroupSpec, AutoScalingProblems) {
  std::string message = yamlError(
      "name: web\ndeploymentStyle: blue-green\nfleet:\n  provider: aws\n  aws:\n"
      "    region: ap-northeast-2\n"
      "    launchTemplate: {ami: ami-12c6146b, instanceType: t3.small, spotOptions: {maxPrice: '0.1'}}\n"
      "    autoScaling:\n"
      "      availabilityZones: [us-east-1a]\n"
      "      capacity: {min: 3, max: 5, desired: 1}\n"
      "      healthCheckType: HTTP\n"
      "      terminationPolicies: [Oldest]\n"
      "      mixedInstancesPolicy: {spotAllocationStrategy: capacity-optimized, spotInstancePools: 2}\n"
      "      lifecycleHooks: [{name: a, heartbeatTimeoutSeconds: 10, roleArn: 'arn:aws:iam::1:role/x'}]\n");
  EXPECT_TRUE(contains(message, "web.yaml:10:43: fleet.aws.autoScaling.capacity.desired: must lie from min 3 to max 5, not 1")) << message;
  EXPECT_TRUE(contains(message, "fleet.aws.autoScaling.healthCheckType: must be one of 'EC2' or 'ELB', not \"HTTP\"")) << message;
  EXPECT_TRUE(contains(message, "fleet.aws.autoScaling.terminationPolicies[0]: 'Oldest' is not a termination policy")) << message;
  EXPECT_TRUE(contains(message, "fleet.aws.autoScaling.mixedInstancesPolicy.spotInstancePools: applies to `spotAllocationStrategy: lowest-price` only")) << message;
  EXPECT_TRUE(contains(message, "fleet.aws.autoScaling.lifecycleHooks[0].heartbeatTimeoutSeconds: must be a whole number from 30 to 7200")) << message;
  EXPECT_TRUE(contains(message, "fleet.aws.autoScaling.lifecycleHooks[0].notificationTargetArn: give notificationTargetArn and roleArn together")) << message;
  EXPECT_TRUE(contains(message, "fleet.aws.launchTemplate.spotOptions: cannot be used with autoScaling.mixedInstancesPolicy")) << message;
  EXPECT_TRUE(contains(message, "fleet.aws.autoScaling.availabilityZones: 'us-east-1a' is not a zone of region ap-northeast-2")) << message;
  message = yamlError(
      "name: web\ndeploymentStyle: blue-green\nfleet:\n  provider: aws\n  aws:\n"
      "    region: ap-northeast-2\n"
      "    launchTemplate: {ami: ami-12c6146b, instanceType: t3.small}\n"
      "    autoScaling: {capacity: {min: 1, max: 1, desired: 1}}\n");
  EXPECT_TRUE(contains(message, "fleet.aws.autoScaling.subnets: missing; say where instances start")) << message;
}

TEST(AwsGroupSpec, StyleAndProviderRules) {
  std::string inPlace = awsGroup();
  inPlace.replace(inPlace.find("deploymentStyle: blue-green"), 27, "deploymentStyle: in-place");
  EXPECT_TRUE(contains(yamlError(inPlace), "web.yaml:2:18: deploymentStyle: an aws fleet is deployed by making a new "
                                          "Auto Scaling group for each revision; write `deploymentStyle: blue-green`"));
  EXPECT_TRUE(contains(yamlError(awsGroup("", "loadBalancer: {provider: haproxy, listen: 127.0.0.1:8080}\n")),
                       "loadBalancer.provider: an aws fleet's instances cannot be served by greenlight's HAProxy"));
  EXPECT_TRUE(contains(yamlError("name: web\nfleet: {provider: aws, instances: 2}\ndeploymentStyle: blue-green\n"),
                       "fleet.instances: does not apply to an aws fleet"));
  EXPECT_TRUE(contains(yamlError("name: web\nfleet: {provider: aws}\ndeploymentStyle: blue-green\n"),
                       "fleet.aws: missing; an aws fleet needs"));
  EXPECT_TRUE(contains(yamlError("name: web\nfleet: {provider: local, instances: 1, aws: {region: us-east-1}}\n"),
                       "fleet.aws: describes an aws fleet; add `provider: aws` or remove it"));
  // Blue-green on an aws fleet without any load balancer is Goployer's deploy-only flow.
  Result<GroupSpec> bare = parseGroupYaml(awsGroup(), "web.yaml", "shop");
  EXPECT_TRUE(bare.ok()) << bare.error().message;
}

TEST(AwsGroupSpec, Elbv2LoadBalancerRules) {
  Result<GroupSpec> simple = parseGroupYaml(
      awsGroup("", "loadBalancer: {provider: aws-elbv2, targetGroups: [hello-ext]}\n"), "web.yaml", "shop");
  ASSERT_TRUE(simple.ok()) << simple.error().message;
  LoadBalancerSpec balancer = *loadBalancerOf(groupOf(*simple)).value();
  EXPECT_EQ(balancer.drainTimeoutSeconds, 300) << "the ELB's own default deregistration delay";
  EXPECT_TRUE(balancer.elbv2->listenerArn.empty());

  std::string message = yamlError(awsGroup("", "loadBalancer:\n  provider: aws-elbv2\n  targetGroups: [a]\n"
                                                "  listenerArn: arn:aws:elasticloadbalancing:x\n  healthCheck: {path: /}\n"));
  EXPECT_TRUE(contains(message, "web.yaml:11:17: loadBalancer.targetGroups: must be exactly two with listenerArn")) << message;
  EXPECT_TRUE(contains(message, "web.yaml:13:16: loadBalancer.healthCheck: unknown key")) << message;
  EXPECT_TRUE(contains(yamlError(awsGroup("", "loadBalancer: {provider: aws-elbv2}\n")),
                       "loadBalancer.targetGroups: missing; list the target groups"));
  EXPECT_TRUE(contains(yamlError(awsGroup("", "loadBalancer: {provider: aws-elbv2, targetGroups: [a], listenerArn: listener-1}\n")),
                       "loadBalancer.listenerArn: must be the listener's ARN"));
  EXPECT_TRUE(contains(yamlError("name: web\nfleet: {instances: 2}\nloadBalancer: {provider: aws-elbv2, targetGroups: [a]}\n"),
                       "loadBalancer.provider: aws-elbv2 registers EC2 instances of an aws fleet"));
  EXPECT_TRUE(contains(yamlError(awsGroup("", "loadBalancer: {provider: aws-elbv2, targetGroups: [a]}\n"
                                              "analysis: {checks: [{name: e, loadBalancer: {maxErrorRatePercent: 1}}]}\n")),
                       "analysis.checks[0].loadBalancer: reads HAProxy's per-server counters"));
  std::string both =
      "name: web\ndeploymentStyle: blue-green\nfleet:\n  provider: aws\n  aws:\n"
      "    region: ap-northeast-2\n"
      "    launchTemplate: {ami: ami-01288945bd24ed49a, instanceType: t3.medium}\n"
      "    autoScaling: {subnets: [subnet-0a1b2c3d], targetGroups: [a], capacity: {min: 1, max: 2, desired: 1}}\n"
      "loadBalancer: {provider: aws-elbv2, targetGroups: [a]}\n";
  EXPECT_TRUE(contains(yamlError(both), "fleet.aws.autoScaling.targetGroups: the aws-elbv2 load balancer's targetGroups say where"));
}

TEST(AwsGroupSpec, CloudWatchAlarms) {
  Result<GroupSpec> spec = parseGroupYaml(
      awsGroup("", "alarms: {checks: [{name: errors, cloudwatch: {alarmNames: [hello-5xx], region: us-east-1}}]}\n"),
      "web.yaml", "shop");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_EQ(alarmsOf(groupOf(*spec))->checks[0].cloudwatch->region, "us-east-1");
  EXPECT_TRUE(contains(yamlError(awsGroup("", "alarms: {checks: [{name: errors, cloudwatch: {}}]}\n")),
                       "alarms.checks[0].cloudwatch.alarmNames: missing; list the CloudWatch alarms"));
  EXPECT_TRUE(contains(yamlError(awsGroup("", "analysis: {checks: [{name: errors, cloudwatch: {alarmNames: [a]}}]}\n")),
                       "analysis.checks[0].cloudwatch: is an alarm"));
  EXPECT_TRUE(contains(yamlError("name: web\nfleet: {instances: 1}\n"
                                 "alarms: {checks: [{name: errors, cloudwatch: {alarmNames: [a]}}]}\n"),
                       "alarms.checks[0].cloudwatch.region: missing; name the alarms' AWS region"));
}

TEST(AwsGroupSpec, RegionNames) {
  EXPECT_TRUE(isAwsRegionName("ap-northeast-2"));
  EXPECT_TRUE(isAwsRegionName("us-gov-west-1"));
  EXPECT_FALSE(isAwsRegionName("apnortheast2"));
  EXPECT_FALSE(isAwsRegionName("ap-northeast-"));
  EXPECT_FALSE(isAwsRegionName("AP-NORTHEAST-2"));
}

}  // namespace
}  // namespace greenlight::catalog
