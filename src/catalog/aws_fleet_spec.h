// The `aws` fleet of a deployment group: each fleet version is a launch template and an Auto
// Scaling group (Goployer's flow). Kept verbatim in the group spec (`fleet.aws`) and read through
// these functions, which name the key path of every problem and what to write instead.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog/traffic_spec.h"
#include "common/result.h"

namespace greenlight::catalog {

//   fleet:
//     provider: aws
//     aws:
//       region: ap-northeast-2                 # required
//       launchTemplate:
//         ami: ami-01288945bd24ed49a           # required
//         instanceType: t3.medium              # required
//         keyName: ops-key
//         iamInstanceProfile: app-hello-profile
//         securityGroups: [sg-0a1b2c3d]        # ids or names
//         ebsOptimized: true
//         detailedMonitoring: false
//         userData: |                          # run before the greenlight agent is installed
//           echo hello
//         blockDevices:
//           - {deviceName: /dev/xvda, volumeSize: 10, volumeType: gp3, iops: 3000,
//              throughput: 125, encrypted: true}
//         metadataOptions: {httpTokens: required, hopLimit: 1, httpEndpoint: enabled}  # IMDSv2
//         spotOptions: {maxPrice: "0.3", spotInstanceType: one-time,
//                       instanceInterruptionBehavior: terminate, blockDurationMinutes: 180}
//         tags: {team: web}                    # on the instances and their volumes
//       autoScaling:
//         subnets: [subnet-0a1b2c3d]           # one of subnets, vpc or availabilityZones
//         vpc: vpc-0a1b2c3d                    # without subnets: the VPC's subnets of subnetKind
//         subnetKind: private                  # public | private
//         availabilityZones: [ap-northeast-2a, ap-northeast-2b]
//         capacity: {min: 1, max: 4, desired: 2}   # the first version's; later ones copy the
//         forceCapacity: false                 #   serving group's unless forceCapacity is true
//         mixedInstancesPolicy:
//           instanceTypes: [c5.large, c5.xlarge]
//           onDemandBaseCapacity: 0
//           onDemandPercentageAboveBaseCapacity: 20
//           spotAllocationStrategy: lowest-price
//           spotInstancePools: 2               # lowest-price only
//           spotMaxPrice: "0.3"
//         targetGroups: [arn:aws:elasticloadbalancing:...]  # attached at creation (no traffic
//                                              #   control; with an aws-elbv2 loadBalancer use its
//                                              #   targetGroups instead)
//         healthCheckType: ELB                 # EC2 | ELB
//         healthCheckGracePeriodSeconds: 300
//         terminationPolicies: [OldestInstance, Default]
//         lifecycleHooks:
//           - {name: drain, transition: terminate, heartbeatTimeoutSeconds: 300,
//              defaultResult: CONTINUE, notificationMetadata: "...",
//              notificationTargetArn: arn:aws:sns:..., roleArn: arn:aws:iam::...}
//         tags: {team: web}                    # on the Auto Scaling group (propagated at launch)
//       scalingPolicies:                       # added once the new version is healthy
//         - {name: scale-out, adjustmentType: ChangeInCapacity, scalingAdjustment: 1,
//            cooldownSeconds: 60}
//       scalingAlarms:                         # CloudWatch alarms named after the version
//         - {name: cpu-high, namespace: AWS/EC2, metric: CPUUtilization, statistic: Average,
//            comparison: GreaterThanOrEqualToThreshold, threshold: 50, periodSeconds: 120,
//            evaluationPeriods: 2, actions: [scale-out]}
//       scheduledActions:
//         - {name: weekend, recurrence: "0 9 * * SAT", capacity: {min: 0, max: 0, desired: 0}}
//       terminationDelayRate: 0                # the old version is scaled down this percentage
//                                              #   of its instances at a time (0: all at once)
//       terminationDelayIntervalSeconds: 60    #   one step per this many seconds
//       healthyTimeoutSeconds: 3600            # every new instance launched within this, or the
//                                              #   new version is removed and the old one kept

struct AwsBlockDevice {
  std::string deviceName;  // /dev/xvda
  int volumeSize = 0;      // GiB, 1..16384
  std::string volumeType = "gp3";  // gp2 | gp3 | io1 | io2 | st1 | sc1 | standard
  std::optional<int> iops;         // io1, io2, gp3
  std::optional<int> throughput;   // MiB/s, gp3
  bool encrypted = false;
  bool operator==(const AwsBlockDevice&) const = default;
};

struct AwsMetadataOptions {
  std::string httpTokens = "required";  // required (IMDSv2) | optional
  int hopLimit = 1;                     // 1..64
  std::string httpEndpoint = "enabled";  // enabled | disabled
  bool operator==(const AwsMetadataOptions&) const = default;
};

// The launch template's InstanceMarketOptions (MarketType spot) when present.
struct AwsSpotOptions {
  std::string maxPrice;                     // "" = on-demand price cap; else dollars per hour
  std::string spotInstanceType = "one-time";  // an Auto Scaling group launches one-time only
  std::string instanceInterruptionBehavior = "terminate";
  std::optional<int> blockDurationMinutes;  // 60..360, a multiple of 60
  bool operator==(const AwsSpotOptions&) const = default;
};

struct AwsLaunchTemplateSpec {
  std::string ami;
  std::string instanceType;
  std::string keyName;
  std::string iamInstanceProfile;
  std::vector<std::string> securityGroups;
  bool ebsOptimized = false;
  bool detailedMonitoring = false;
  std::string userData;  // the operator's script; the agent's own start is added after it
  std::vector<AwsBlockDevice> blockDevices;
  AwsMetadataOptions metadataOptions;
  std::optional<AwsSpotOptions> spotOptions;
  std::map<std::string, std::string> tags;
  bool operator==(const AwsLaunchTemplateSpec&) const = default;
};

struct AwsCapacity {
  int min = 0;
  int max = 0;
  int desired = 0;
  bool operator==(const AwsCapacity&) const = default;
};

struct AwsMixedInstancesPolicy {
  std::vector<std::string> instanceTypes;  // overrides; the launch template's type when empty
  int onDemandBaseCapacity = 0;
  int onDemandPercentageAboveBaseCapacity = 100;
  std::string spotAllocationStrategy = "lowest-price";
  std::optional<int> spotInstancePools;  // 1..20, lowest-price only
  std::string spotMaxPrice;
  bool operator==(const AwsMixedInstancesPolicy&) const = default;
};

struct AwsLifecycleHook {
  std::string name;
  std::string transition = "launch";  // launch | terminate
  int heartbeatTimeoutSeconds = 3600;  // 30..7200
  std::string defaultResult = "ABANDON";  // CONTINUE | ABANDON
  std::string notificationMetadata;
  std::string notificationTargetArn;  // with roleArn, or neither
  std::string roleArn;
  bool operator==(const AwsLifecycleHook&) const = default;
};

struct AwsAutoScalingSpec {
  std::vector<std::string> subnets;
  std::string vpc;
  std::string subnetKind = "private";  // public | private, with vpc
  std::vector<std::string> availabilityZones;
  AwsCapacity capacity;
  bool forceCapacity = false;
  std::optional<AwsMixedInstancesPolicy> mixedInstancesPolicy;
  std::vector<std::string> targetGroups;
  std::string healthCheckType = "EC2";  // EC2 | ELB
  int healthCheckGracePeriodSeconds = 300;
  std::vector<std::string> terminationPolicies;
  std::vector<AwsLifecycleHook> lifecycleHooks;
  std::map<std::string, std::string> tags;
  bool operator==(const AwsAutoScalingSpec&) const = default;
};

struct AwsScalingPolicy {
  std::string name;
  std::string adjustmentType = "ChangeInCapacity";  // | ExactCapacity | PercentChangeInCapacity
  int scalingAdjustment = 0;
  int cooldownSeconds = 300;
  bool operator==(const AwsScalingPolicy&) const = default;
};

struct AwsScalingAlarm {
  std::string name;  // the alarm made is named "<fleet version>-<name>"
  std::string namespace_ = "AWS/EC2";  // key `namespace`
  std::string metric;
  std::string statistic = "Average";  // Average | Sum | Minimum | Maximum | SampleCount
  std::string comparison;  // GreaterThanOrEqualToThreshold | GreaterThanThreshold | ...
  double threshold = 0;
  int periodSeconds = 60;  // 10, 30 or a multiple of 60
  int evaluationPeriods = 1;
  std::vector<std::string> actions;  // names of scalingPolicies
  bool operator==(const AwsScalingAlarm&) const = default;
};

struct AwsScheduledAction {
  std::string name;
  std::string recurrence;  // cron: "0 9 * * SAT" (UTC)
  std::optional<int> min;
  std::optional<int> max;
  std::optional<int> desired;
  bool operator==(const AwsScheduledAction&) const = default;
};

struct AwsFleetSpec {
  std::string region;
  AwsLaunchTemplateSpec launchTemplate;
  AwsAutoScalingSpec autoScaling;
  std::vector<AwsScalingPolicy> scalingPolicies;
  std::vector<AwsScalingAlarm> scalingAlarms;
  std::vector<AwsScheduledAction> scheduledActions;
  int terminationDelayRate = 0;       // 0..100
  int terminationDelayIntervalSeconds = 60;  // 1..3600, between two steps of terminationDelayRate
  int healthyTimeoutSeconds = 3600;   // 60..86400
  bool operator==(const AwsFleetSpec&) const = default;
};

// Reads `fleet.aws`; problems are appended with key paths ("fleet.aws.launchTemplate.ami").
AwsFleetSpec readAwsFleetSpec(const nlohmann::json& section, std::vector<TrafficSpecProblem>& problems);
// The same, for a stored group: problems become an error.
Result<AwsFleetSpec> awsFleetOf(const DeploymentGroup& group);

// True for an AWS region name such as "ap-northeast-2" or "us-gov-west-1".
bool isAwsRegionName(const std::string& region);

}  // namespace greenlight::catalog
