// The aws compute provider against moto: a fleet version is a launch template and an Auto Scaling
// group found by tag; capacity is copied from the serving version unless forced; spot and
// mixed-instances settings reach the API; a version that serves gets its policies, alarms and
// scheduled actions, and a retired one leaves nothing behind (alarms included).
#include <openssl/evp.h>

#include <fstream>

#include "aws_provider_fixture.h"
#include "catalog/catalog_test_helpers.h"
#include "common/error_codes.h"
#include "providers/aws/asg_fleet.h"

namespace greenlight::testing {
namespace {

using providers::aws::AwsComputeProvider;

std::string decodeBase64(const std::string& text) {
  std::string out(text.size(), '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  out.resize(static_cast<std::size_t>(std::max(n, 0)));
  while (!out.empty() && out.back() == '\0') out.pop_back();
  return out;
}

class AwsFleetIntegration : public AwsProviderFixture {
 protected:
  void SetUp() override {
    AwsProviderFixture::SetUp();
    if (HasFatalFailure()) return;
    writeFile(data_ / "enrolment.token", "glt_bridge-test-token\n");
    providers::aws::AwsFleetOptions options;
    options.serverUrl = "https://deploy.example.com:7070";
    provider_ = std::make_unique<AwsComputeProvider>(
        *database_, clock_, *clients_,
        [this](const std::string&) -> Result<std::filesystem::path> { return data_ / "enrolment.token"; }, options);
  }

  std::string yaml(const std::string& autoScalingExtra = "", const std::string& fleetExtra = "",
                   const std::string& launchExtra = "") {
    return "deploymentStyle: blue-green\n"
           "fleet:\n"
           "  provider: aws\n"
           "  aws:\n"
           "    region: us-east-1\n"
           "    launchTemplate:\n"
           "      ami: ami-12c6146b\n"
           "      instanceType: t3.micro\n"
           "      userData: echo hello-from-the-operator\n" + launchExtra +
           "    autoScaling:\n"
           "      vpc: " + vpc_ + "\n"
           "      subnetKind: public\n"
           "      capacity: {min: 1, max: 4, desired: 2}\n" + autoScalingExtra + fleetExtra;
  }

  std::unique_ptr<AwsComputeProvider> provider_;
};

TEST(AgentUserData, RunsTheOperatorsScriptThenStartsTheAgentWithTheTokenAndTheInstancesOwnId) {
  catalog::AwsFleetSpec spec;
  spec.launchTemplate.userData = "#!/bin/sh\necho 'prepare' > /tmp/x";
  providers::aws::AwsFleetOptions options;
  options.serverUrl = "https://deploy.example.com";
  options.agentUrl = "https://downloads.example.com/greenlight";
  std::string script = providers::aws::agentUserData(spec, options, "glt_secret'quote");
  EXPECT_EQ(script.rfind("#!/bin/bash\n", 0), 0u);
  auto operatorAt = script.find("echo 'prepare' > /tmp/x");
  auto agentAt = script.find("ExecStart=/usr/local/bin/greenlight agent --server https://deploy.example.com");
  ASSERT_NE(operatorAt, std::string::npos) << script;
  ASSERT_NE(agentAt, std::string::npos) << script;
  EXPECT_LT(operatorAt, agentAt) << "the operator's script runs first";
  EXPECT_NE(script.find("'glt_secret'\\''quote'"), std::string::npos) << "the token is shell-quoted:\n" << script;
  EXPECT_NE(script.find("latest/api/token"), std::string::npos) << "IMDSv2 (a session token) for the instance id";
  EXPECT_NE(script.find("--instance-id ${instance_id}"), std::string::npos);
  EXPECT_NE(script.find("curl -fsSL --retry 5 'https://downloads.example.com/greenlight'"), std::string::npos);
  providers::aws::AwsFleetOptions inAmi;
  inAmi.serverUrl = "https://deploy.example.com";
  EXPECT_EQ(providers::aws::agentUserData({}, inAmi, "t").find("downloads"), std::string::npos);
}

TEST_F(AwsFleetIntegration, AFirstVersionIsALaunchTemplateAndAnAutoScalingGroupTaggedForItsGroup) {
  catalog::DeploymentGroup group = createGroup("web", yaml());
  auto made = provider_->provisionFleetVersion(group.id, "hello-web-v001", 0);
  ASSERT_TRUE(made.ok()) << made.error().message;
  ASSERT_EQ(made->size(), 2u) << "the spec's desired capacity";
  for (const auto& instance : *made) {
    EXPECT_EQ(instance.id.rfind("i-", 0), 0u);
    EXPECT_EQ(instance.provider, catalog::FleetProvider::Aws);
    EXPECT_EQ(instance.fleetVersion, "hello-web-v001");
    EXPECT_EQ(instance.lifecycle, catalog::InstanceLifecycle::Launching);
  }
  aws::Xml asg = this->asg("hello-web-v001");
  ASSERT_TRUE(asg.exists());
  EXPECT_EQ(asg.text("DesiredCapacity"), "2");
  EXPECT_EQ(asg.text("LaunchTemplate/LaunchTemplateName"), "hello-web-v001");
  std::map<std::string, std::string> tags;
  for (const aws::Xml& tag : asg.list("Tags")) tags[tag.text("Key")] = tag.text("Value");
  EXPECT_EQ(tags["greenlight:group"], group.id);
  EXPECT_EQ(tags["greenlight:fleet-version"], "hello-web-v001");
  EXPECT_EQ(launchTemplates(), std::vector<std::string>{"hello-web-v001"});

  aws::QueryParams versions;
  versions.add("LaunchTemplateName", "hello-web-v001");
  aws::Xml data = ec2("DescribeLaunchTemplateVersions", versions).list("launchTemplateVersionSet").at(0).child("launchTemplateData");
  EXPECT_EQ(data.text("imageId"), "ami-12c6146b");
  EXPECT_EQ(data.text("instanceType"), "t3.micro");
  EXPECT_EQ(data.text("metadataOptions/httpTokens"), "required") << "IMDSv2 by default";
  std::string userData = decodeBase64(data.text("userData"));
  EXPECT_NE(userData.find("echo hello-from-the-operator"), std::string::npos) << userData;
  EXPECT_NE(userData.find("glt_bridge-test-token"), std::string::npos) << userData;
  EXPECT_NE(userData.find("--server https://deploy.example.com:7070"), std::string::npos) << userData;

  auto listed = provider_->listFleetVersions(group.id);
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  EXPECT_EQ(*listed, std::vector<std::string>{"hello-web-v001"});
  // Calling again (a restarted server) makes nothing twice.
  auto again = provider_->provisionFleetVersion(group.id, "hello-web-v001", 0);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->size(), 2u);
  EXPECT_EQ(fleet(group.id, "hello-web-v001").size(), 2u);
}

TEST_F(AwsFleetIntegration, VersionsAreFoundByTagNotByName) {
  catalog::DeploymentGroup web = createGroup("web", yaml());
  catalog::DeploymentGroup api = createGroup("api", yaml());
  ASSERT_TRUE(provider_->provisionFleetVersion(web.id, "hello-web-v001", 0).ok());
  ASSERT_TRUE(provider_->provisionFleetVersion(api.id, "hello-api-v001", 0).ok());
  // Someone else's group whose name looks like a version of web.
  aws::QueryParams foreign;
  foreign.add("AutoScalingGroupName", "hello-web-v007");
  foreign.add("LaunchTemplate.LaunchTemplateName", "hello-web-v001");
  foreign.add("MinSize", "0");
  foreign.add("MaxSize", "0");
  foreign.add("AvailabilityZones.member.1", "us-east-1a");
  autoScaling("CreateAutoScalingGroup", foreign);
  auto listed = provider_->listFleetVersions(web.id);
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  EXPECT_EQ(*listed, std::vector<std::string>{"hello-web-v001"});
  Status retired = provider_->retireFleetVersion(web.id, "hello-web-v007", "test");
  ASSERT_FALSE(retired.ok()) << "a group greenlight did not make is never deleted";
  EXPECT_EQ(retired.error().code, codes::kConflict);
  EXPECT_TRUE(asg("hello-web-v007").exists());
}

TEST_F(AwsFleetIntegration, ANewerVersionInAwsThanTheOneAskedForMeansAnotherServerDeploysTheGroup) {
  catalog::DeploymentGroup web = createGroup("web", yaml());
  ASSERT_TRUE(provider_->provisionFleetVersion(web.id, "hello-web-v003", 0).ok());
  auto older = provider_->provisionFleetVersion(web.id, "hello-web-v002", 0);
  ASSERT_FALSE(older.ok());
  EXPECT_EQ(older.error().code, codes::kConflict);
  EXPECT_NE(older.error().message.find("another greenlight server is deploying the same group"), std::string::npos)
      << older.error().message;
  EXPECT_FALSE(asg("hello-web-v002").exists()) << "nothing was made";
  EXPECT_EQ(launchTemplates(), std::vector<std::string>{"hello-web-v003"});
  // v1000 sorts after v999 (versions are compared by length first).
  ASSERT_TRUE(provider_->provisionFleetVersion(web.id, "hello-web-v1000", 0).ok());
}

TEST_F(AwsFleetIntegration, ALaterVersionCopiesTheServingCapacityUnlessTheSpecForcesItsOwn) {
  catalog::DeploymentGroup web = createGroup("web", yaml());
  ASSERT_TRUE(provider_->provisionFleetVersion(web.id, "hello-web-v001", 0).ok());
  aws::QueryParams scaled;
  scaled.add("AutoScalingGroupName", "hello-web-v001");
  scaled.add("MinSize", "2");
  scaled.add("MaxSize", "6");
  scaled.add("DesiredCapacity", "3");
  autoScaling("UpdateAutoScalingGroup", scaled);
  auto second = provider_->provisionFleetVersion(web.id, "hello-web-v002", 0);
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(second->size(), 3u) << "the serving version's desired capacity, not the spec's 2";
  EXPECT_EQ(asg("hello-web-v002").text("MaxSize"), "6");

  catalog::DeploymentGroup forced = createGroup("api", yaml("      forceCapacity: true\n"));
  ASSERT_TRUE(provider_->provisionFleetVersion(forced.id, "hello-api-v001", 0).ok());
  aws::QueryParams apiScaled;
  apiScaled.add("AutoScalingGroupName", "hello-api-v001");
  apiScaled.add("MaxSize", "6");
  apiScaled.add("DesiredCapacity", "3");
  autoScaling("UpdateAutoScalingGroup", apiScaled);
  auto forcedSecond = provider_->provisionFleetVersion(forced.id, "hello-api-v002", 0);
  ASSERT_TRUE(forcedSecond.ok()) << forcedSecond.error().message;
  EXPECT_EQ(forcedSecond->size(), 2u) << "forceCapacity: the spec's desired capacity";
  // A rolling batch asks for an exact count.
  auto batch = provider_->provisionFleetVersion(forced.id, "hello-api-v003", 1);
  ASSERT_TRUE(batch.ok()) << batch.error().message;
  EXPECT_EQ(batch->size(), 1u);
}

TEST_F(AwsFleetIntegration, SpotMarketOptionsReachTheLaunchTemplate) {
  catalog::DeploymentGroup web = createGroup(
      "web", yaml("", "", "      spotOptions: {maxPrice: \"0.3\", instanceInterruptionBehavior: terminate}\n"
                          "      blockDevices: [{deviceName: /dev/xvda, volumeSize: 20, volumeType: gp3}]\n"));
  ASSERT_TRUE(provider_->provisionFleetVersion(web.id, "hello-web-v001", 0).ok());
  aws::QueryParams versions;
  versions.add("LaunchTemplateName", "hello-web-v001");
  aws::Xml data = ec2("DescribeLaunchTemplateVersions", versions).list("launchTemplateVersionSet").at(0).child("launchTemplateData");
  EXPECT_EQ(data.text("instanceMarketOptions/marketType"), "spot");
  EXPECT_EQ(data.text("instanceMarketOptions/spotOptions/maxPrice"), "0.3");
  EXPECT_EQ(data.text("instanceMarketOptions/spotOptions/instanceInterruptionBehavior"), "terminate");
  auto devices = data.list("blockDeviceMappingSet");
  ASSERT_EQ(devices.size(), 1u);
  EXPECT_EQ(devices[0].text("deviceName"), "/dev/xvda");
  EXPECT_EQ(devices[0].text("ebs/volumeSize"), "20");
}

TEST_F(AwsFleetIntegration, AMixedInstancesPolicyReachesTheAutoScalingGroup) {
  catalog::DeploymentGroup web = createGroup(
      "web", yaml("      mixedInstancesPolicy:\n"
                  "        instanceTypes: [c5.large, c5.xlarge]\n"
                  "        onDemandBaseCapacity: 1\n"
                  "        onDemandPercentageAboveBaseCapacity: 20\n"
                  "        spotAllocationStrategy: lowest-price\n"
                  "        spotInstancePools: 2\n"
                  "        spotMaxPrice: \"0.25\"\n"));
  auto made = provider_->provisionFleetVersion(web.id, "hello-web-v001", 0);
  // moto launches fewer instances than asked for a mixed policy: the version then waits.
  ASSERT_TRUE(made.ok() || made.error().code == codes::kUnavailable) << made.error().message;
  aws::Xml policy = asg("hello-web-v001").child("MixedInstancesPolicy");
  ASSERT_TRUE(policy.exists());
  EXPECT_EQ(policy.text("LaunchTemplate/LaunchTemplateSpecification/LaunchTemplateName"), "hello-web-v001");
  std::vector<std::string> types;
  for (const aws::Xml& item : policy.at("LaunchTemplate").list("Overrides")) types.push_back(item.text("InstanceType"));
  EXPECT_EQ(types, (std::vector<std::string>{"c5.large", "c5.xlarge"}));
  aws::Xml distribution = policy.child("InstancesDistribution");
  EXPECT_EQ(distribution.text("OnDemandBaseCapacity"), "1");
  EXPECT_EQ(distribution.text("OnDemandPercentageAboveBaseCapacity"), "20");
  EXPECT_EQ(distribution.text("SpotAllocationStrategy"), "lowest-price");
  EXPECT_EQ(distribution.text("SpotInstancePools"), "2");
  EXPECT_EQ(distribution.text("SpotMaxPrice"), "0.25");
}

const char* kServing =
    "    scalingPolicies:\n"
    "      - {name: scale-out, adjustmentType: ChangeInCapacity, scalingAdjustment: 1, cooldownSeconds: 60}\n"
    "    scalingAlarms:\n"
    "      - {name: cpu-high, namespace: AWS/EC2, metric: CPUUtilization, statistic: Average,\n"
    "         comparison: GreaterThanOrEqualToThreshold, threshold: 50, periodSeconds: 120,\n"
    "         evaluationPeriods: 2, actions: [scale-out]}\n"
    "    scheduledActions:\n"
    "      - {name: weekend, recurrence: \"0 9 * * SAT\", capacity: {min: 0, max: 0, desired: 0}}\n";

TEST_F(AwsFleetIntegration, AServingVersionGetsItsPoliciesAlarmsAndScheduleAndARetiredOneLeavesNothing) {
  catalog::DeploymentGroup web = createGroup("web", yaml("", kServing));
  ASSERT_TRUE(provider_->provisionFleetVersion(web.id, "hello-web-v001", 0).ok());
  EXPECT_TRUE(alarms().empty()) << "nothing before the version serves";
  ASSERT_TRUE(provider_->fleetVersionServing(web.id, "hello-web-v001").ok());
  ASSERT_TRUE(provider_->fleetVersionServing(web.id, "hello-web-v001").ok()) << "idempotent";
  aws::QueryParams byGroup;
  byGroup.add("AutoScalingGroupName", "hello-web-v001");
  auto policies = autoScaling("DescribePolicies", byGroup).list("ScalingPolicies");
  ASSERT_EQ(policies.size(), 1u);
  EXPECT_EQ(policies[0].text("PolicyName"), "scale-out");
  EXPECT_EQ(alarms(), std::vector<std::string>{"hello-web-v001-cpu-high"});
  auto alarm = cloudWatch("DescribeAlarms").list("MetricAlarms").at(0);
  EXPECT_EQ(alarm.list("AlarmActions").at(0).text(), policies[0].text("PolicyARN"));
  auto scheduled = autoScaling("DescribeScheduledActions", byGroup).list("ScheduledUpdateGroupActions");
  ASSERT_EQ(scheduled.size(), 1u);
  EXPECT_EQ(scheduled[0].text("Recurrence"), "0 9 * * SAT");

  ASSERT_TRUE(provider_->provisionFleetVersion(web.id, "hello-web-v002", 0).ok());
  ASSERT_TRUE(provider_->fleetVersionServing(web.id, "hello-web-v002").ok());
  Status retired = provider_->retireFleetVersion(web.id, "hello-web-v001", "v002 serves");
  ASSERT_TRUE(retired.ok()) << retired.error().message;
  EXPECT_FALSE(asg("hello-web-v001").exists());
  EXPECT_TRUE(asg("hello-web-v002").exists());
  EXPECT_EQ(launchTemplates(), std::vector<std::string>{"hello-web-v002"});
  EXPECT_EQ(alarms(), std::vector<std::string>{"hello-web-v002-cpu-high"}) << "v001's alarm went with it";
  EXPECT_TRUE(fleet(web.id, "hello-web-v001").empty()) << "its instances are Terminated";
  Status again = provider_->retireFleetVersion(web.id, "hello-web-v001", "again");
  ASSERT_TRUE(again.ok()) << "idempotent: " << again.error().message;
}

TEST_F(AwsFleetIntegration, ARollingReplaceGrowsTheSameGroupBatchByBatch) {
  catalog::DeploymentGroup web = createGroup("web", yaml());
  auto firstBatch = provider_->provisionFleetVersion(web.id, "hello-web-v001", 1);
  ASSERT_TRUE(firstBatch.ok()) << firstBatch.error().message;
  ASSERT_EQ(firstBatch->size(), 1u);
  auto secondBatch = provider_->provisionFleetVersion(web.id, "hello-web-v001", 3);
  ASSERT_TRUE(secondBatch.ok()) << secondBatch.error().message;
  ASSERT_EQ(secondBatch->size(), 3u);
  EXPECT_EQ(secondBatch->at(0).id, firstBatch->at(0).id) << "the first batch's instance keeps ordinal 0";
  EXPECT_EQ(asg("hello-web-v001").text("DesiredCapacity"), "3");
  EXPECT_EQ(launchTemplates(), std::vector<std::string>{"hello-web-v001"});
}

TEST_F(AwsFleetIntegration, ATerminationDelayRateScalesTheOldVersionDownStepByStepBeforeDeletingIt) {
  providers::aws::AwsFleetOptions options;
  options.serverUrl = "https://deploy.example.com";
  catalog::ManualClock clock("2026-12-07T10:00:00Z");
  AwsComputeProvider gradual(*database_, clock, *clients_,
                             [this](const std::string&) -> Result<std::filesystem::path> { return data_ / "enrolment.token"; },
                             options);
  catalog::DeploymentGroup web = createGroup(
      "web", yaml("", "    terminationDelayRate: 50\n    terminationDelayIntervalSeconds: 30\n"));
  ASSERT_TRUE(gradual.provisionFleetVersion(web.id, "hello-web-v001", 4).ok());
  Status first = gradual.retireFleetVersion(web.id, "hello-web-v001", "replaced");
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.error().code, codes::kUnavailable);
  EXPECT_NE(first.error().message.find("2 instances left"), std::string::npos) << first.error().message;
  EXPECT_EQ(asg("hello-web-v001").text("DesiredCapacity"), "2");

  // Within the interval, the next step waits (and asking again changes nothing).
  clock.advance(std::chrono::seconds(29));
  EXPECT_EQ(gradual.retireFleetVersion(web.id, "hello-web-v001", "replaced").error().code, codes::kUnavailable);
  EXPECT_EQ(gradual.retireFleetVersion(web.id, "hello-web-v001", "replaced").error().code, codes::kUnavailable);
  EXPECT_EQ(asg("hello-web-v001").text("DesiredCapacity"), "2") << "one step within the interval";

  // Once it has passed: the last step, and the version is deleted.
  clock.advance(std::chrono::seconds(1));
  Status second = gradual.retireFleetVersion(web.id, "hello-web-v001", "replaced");
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_FALSE(asg("hello-web-v001").exists());
  EXPECT_TRUE(launchTemplates().empty());
}

TEST_F(AwsFleetIntegration, AnInstanceNotInServiceAndHealthyInItsGroupIsNamed) {
  catalog::DeploymentGroup web = createGroup("web", yaml());
  auto made = provider_->provisionFleetVersion(web.id, "hello-web-v001", 0);
  ASSERT_TRUE(made.ok()) << made.error().message;
  auto healthy = provider_->unhealthyInstances(web.id, "hello-web-v001");
  ASSERT_TRUE(healthy.ok()) << healthy.error().message;
  EXPECT_EQ(*healthy, "");
  aws::QueryParams sick;
  sick.add("InstanceId", made->at(0).id);
  sick.add("HealthStatus", "Unhealthy");
  autoScaling("SetInstanceHealth", sick);
  auto unhealthy = provider_->unhealthyInstances(web.id, "hello-web-v001");
  ASSERT_TRUE(unhealthy.ok());
  EXPECT_NE(unhealthy->find(made->at(0).id + " is InService and Unhealthy"), std::string::npos) << *unhealthy;
  EXPECT_EQ(unhealthy->find(made->at(1).id), std::string::npos) << *unhealthy;
}

TEST_F(AwsFleetIntegration, TheHistoryRecordsEachVersionCreatingDeployedAndTerminated) {
  auto history = std::make_shared<providers::aws::DynamoDbFleetHistory>(*clients_, "greenlight-history", clock_);
  providers::aws::AwsFleetOptions options;
  options.serverUrl = "https://deploy.example.com";
  options.history = history;
  AwsComputeProvider recorded(*database_, clock_, *clients_,
                              [this](const std::string&) -> Result<std::filesystem::path> { return data_ / "enrolment.token"; },
                              options);
  catalog::DeploymentGroup web = createGroup("web", yaml());
  auto item = [&](const std::string& id) {
    auto answer = client().json("dynamodb", "DynamoDB_20120810", "GetItem",
                                {{"TableName", "greenlight-history"}, {"Key", {{"identifier", {{"S", id}}}}}});
    EXPECT_TRUE(answer.ok()) << answer.error().message;
    return answer.ok() ? answer->value("Item", nlohmann::json::object()) : nlohmann::json::object();
  };
  ASSERT_TRUE(recorded.provisionFleetVersion(web.id, "hello-web-v001", 0).ok());
  nlohmann::json creating = item("hello-web-v001");
  EXPECT_EQ(creating["status"]["S"], "creating") << creating.dump();
  EXPECT_TRUE(creating.contains("start_date"));
  EXPECT_EQ(creating["application"]["S"], "hello");
  EXPECT_EQ(creating["group"]["S"], "web");
  ASSERT_TRUE(recorded.fleetVersionServing(web.id, "hello-web-v001").ok());
  nlohmann::json deployed = item("hello-web-v001");
  EXPECT_EQ(deployed["status"]["S"], "deployed") << deployed.dump();
  EXPECT_TRUE(deployed.contains("deployed_date"));
  ASSERT_TRUE(recorded.retireFleetVersion(web.id, "hello-web-v001", "test").ok());
  nlohmann::json terminated = item("hello-web-v001");
  EXPECT_EQ(terminated["status"]["S"], "terminated") << terminated.dump();
  EXPECT_TRUE(terminated.contains("terminated_date"));
  ASSERT_TRUE(terminated.contains("uptime"));
  EXPECT_GE(std::stoll(terminated["uptime"]["N"].get<std::string>()), 0);
  EXPECT_EQ(terminated["start_date"], creating["start_date"]) << "a later write keeps the start";
}

}  // namespace
}  // namespace greenlight::testing
