// Goployer's flow, done safely, end to end: a real `greenlight server` with its AWS settings
// pointed at moto_server, the CLI as users type it, and a bridge that starts a real agent for each
// instance moto launches, so the sample app's hooks run on the "EC2 instances".
//
// One group, four deployments:
//   1. v001: a launch template and an Auto Scaling group, registered in the idle target group,
//      the listener shifted to it;
//   2. v002: waits for health, gets its scaling policies, alarm and schedule, and then v001, its
//      launch template and its alarm are deleted;
//   3. v003 with an instance stopped before registration: unhealthy in its target group, so v003
//      is removed and v002 keeps serving;
//   4. v004 with the group's CloudWatch alarm forced to ALARM during its termination wait: the
//      listener goes back to v002 and a rollback is recorded.
// Then the DynamoDB history and the S3 revisions are read back, and deleting the group removes
// every version from AWS.
#include <cstdlib>

#include "aws/query_params.h"
#include "aws/xml.h"
#include "e2e/control_plane.h"
#include "provider_aws/moto_resources.h"
#include "support/moto_agent_bridge.h"
#include "support/moto_server.h"

namespace greenlight::testing {
namespace {

class AwsDeployIntegration : public MotoTest {
 protected:
  void SetUp() override {
    MotoTest::SetUp();
    if (HasFatalFailure()) return;
    // The server and the bridged agents inherit these: moto's test credentials, and the folder
    // the sample app's hooks log to.
    ::setenv("AWS_ACCESS_KEY_ID", "testing", 1);
    ::setenv("AWS_SECRET_ACCESS_KEY", "testing", 1);
    ::setenv("GREENLIGHT_E2E_DIR", plane_.dir().c_str(), 1);

    auto subnets = client().query("ec2", "2016-11-15", "DescribeSubnets", {});
    ASSERT_TRUE(subnets.ok()) << subnets.error().message;
    for (const aws::Xml& subnet : subnets->list("subnetSet")) {
      subnets_.push_back(subnet.text("subnetId"));
      vpc_ = subnet.text("vpcId");
    }
    blue_ = createTargetGroup(client(), "hello-blue", vpc_);
    green_ = createTargetGroup(client(), "hello-green", vpc_);
    // A plain forward to blue, as a listener is before any weighting.
    listener_ = createListener(client(), "hello", subnets_, {{"TargetGroupArn", blue_}});
    putAlarm(client(), "hello-5xx");

    plane_.serverArguments = {"--aws-region", "us-east-1", "--aws-endpoint-url", moto().endpoint(),
                              "--aws-revision-bucket", "hello-revisions",
                              "--aws-history-table", "hello-history"};
    plane_.startServer();
    if (HasFatalFailure()) return;
    bridge_ = std::make_unique<MotoAgentBridge>(client(), plane_.data(), plane_.address(), plane_.dir() / "ec2");
    ASSERT_EQ(plane_.cli("app create hello").exitCode, 0) << plane_.serverLog();
  }

  // Group hello/web as writeGroup writes it.
  void createGroup(const std::string& blueGreen, int instances = 2) {
    writeGroup(blueGreen, instances);
    plane_.createGroup("hello", "web", readFile(plane_.dir() / "group-body.yaml"));
  }

  void TearDown() override { bridge_.reset(); }

  // The group as its file says, with its `blueGreen:` section and capacity.
  void writeGroup(const std::string& blueGreen, int instances = 2) {
    writeFile(plane_.dir() / "group-body.yaml",
              "deploymentStyle: blue-green\n"
              "deploymentConfig: CodeDeployDefault.AllAtOnce\n"
              "fleet:\n"
              "  provider: aws\n"
              "  aws:\n"
              "    region: us-east-1\n"
              "    launchTemplate: {ami: ami-12c6146b, instanceType: t3.micro}\n"
              "    autoScaling:\n"
              "      subnets: [" + subnets_.at(0) + "]\n"
              "      capacity: {min: 1, max: 4, desired: " + std::to_string(instances) + "}\n"
              "    scalingPolicies:\n"
              "      - {name: scale-out, adjustmentType: ChangeInCapacity, scalingAdjustment: 1}\n"
              "    scalingAlarms:\n"
              "      - {name: cpu-high, metric: CPUUtilization, comparison: GreaterThanOrEqualToThreshold,\n"
              "         threshold: 50, actions: [scale-out]}\n"
              "    scheduledActions:\n"
              "      - {name: weekend, recurrence: \"0 9 * * SAT\", capacity: {min: 1, max: 1, desired: 1}}\n"
              "loadBalancer:\n"
              "  provider: aws-elbv2\n"
              "  targetGroups: [hello-blue, hello-green]\n"
              "  listenerArn: " + listener_ + "\n"
              "  startGracePeriodSeconds: 3\n"
              "  drainTimeoutSeconds: 5\n"
              "blueGreen: " + blueGreen + "\n"
              "autoRollback: {enabled: true, events: [DEPLOYMENT_FAILURE, DEPLOYMENT_STOP_ON_ALARM]}\n"
              "alarms:\n"
              "  intervalSeconds: 1\n"
              "  checks:\n"
              "    - {name: errors, cloudwatch: {alarmNames: [hello-5xx]}}\n");
    writeFile(plane_.dir() / "web.yaml", "name: web\n" + readFile(plane_.dir() / "group-body.yaml"));
  }

  aws::Xml call(const char* service, const char* version, const char* action, const aws::QueryParams& params = {}) {
    return motoCall(client(), service, version, action, params);
  }

  bool asgExists(const std::string& name) {
    aws::QueryParams params;
    params.addMembers("AutoScalingGroupNames", {name});
    return !call("autoscaling", "2011-01-01", "DescribeAutoScalingGroups", params).list("AutoScalingGroups").empty();
  }
  std::set<std::string> asgInstances(const std::string& name) {
    aws::QueryParams params;
    params.addMembers("AutoScalingGroupNames", {name});
    std::set<std::string> ids;
    for (const aws::Xml& group : call("autoscaling", "2011-01-01", "DescribeAutoScalingGroups", params).list("AutoScalingGroups")) {
      for (const aws::Xml& instance : group.list("Instances")) ids.insert(instance.text("InstanceId"));
    }
    return ids;
  }
  std::set<std::string> launchTemplates() {
    std::set<std::string> names;
    for (const aws::Xml& lt : call("ec2", "2016-11-15", "DescribeLaunchTemplates").list("launchTemplates")) {
      names.insert(lt.text("launchTemplateName"));
    }
    return names;
  }
  std::set<std::string> alarms() {
    std::set<std::string> names;
    for (const aws::Xml& alarm : call("monitoring", "2010-08-01", "DescribeAlarms").list("MetricAlarms")) {
      names.insert(alarm.text("AlarmName"));
    }
    return names;
  }
  std::set<std::string> registered(const std::string& arn) {
    aws::QueryParams params;
    params.add("TargetGroupArn", arn);
    std::set<std::string> ids;
    for (const aws::Xml& d : call("elasticloadbalancing", "2015-12-01", "DescribeTargetHealth", params).list("TargetHealthDescriptions")) {
      ids.insert(d.text("Target/Id"));
    }
    return ids;
  }
  // The target group the listener sends every request to ("blue", "green", or "split").
  std::string serving() {
    aws::QueryParams params;
    params.addMembers("ListenerArns", {listener_});
    std::map<std::string, int> weights;
    for (const aws::Xml& action : call("elasticloadbalancing", "2015-12-01", "DescribeListeners", params)
                                      .list("Listeners").at(0).list("DefaultActions")) {
      for (const aws::Xml& entry : action.at("ForwardConfig").list("TargetGroups")) {
        weights[entry.text("TargetGroupArn") == blue_ ? "blue" : "green"] = std::stoi(entry.text("Weight"));
      }
    }
    if (weights["blue"] > 0 && weights["green"] == 0) return "blue";
    if (weights["green"] > 0 && weights["blue"] == 0) return "green";
    return "split";
  }
  nlohmann::json historyItem(const std::string& identifier) {
    auto answer = client().json("dynamodb", "DynamoDB_20120810", "GetItem",
                                {{"TableName", "hello-history"}, {"Key", {{"identifier", {{"S", identifier}}}}}});
    EXPECT_TRUE(answer.ok()) << answer.error().message;
    return answer.ok() ? answer->value("Item", nlohmann::json::object()) : nlohmann::json::object();
  }

  json status(const std::string& id) { return plane_.cliJson("status " + id); }
  json waitUntil(const std::string& id, const std::function<bool(const json&)>& done) {
    json last;
    bool reached = waitFor([&] {
      last = status(id);
      return done(last);
    }, std::chrono::seconds(180));
    EXPECT_TRUE(reached) << "deployment " << id << " did not get there:\n" << last.dump(2) << "\nbridge: "
                         << bridge_->problem() << "\n" << plane_.serverLog();
    return last;
  }
  json waitForEnd(const std::string& id) {
    return waitUntil(id, [](const json& d) {
      std::string s = d.value("status", "");
      const json& bg = d.value("blueGreen", json::object());
      return (s == "Succeeded" || s == "Failed" || s == "Stopped") && !bg.is_null() && bg.value("phase", "") == "Done";
    });
  }
  std::string deploy(const std::string& revision) {
    return plane_.cliJson("deploy hello web --revision " + revision).value("id", "");
  }

  ControlPlane plane_;
  std::unique_ptr<MotoAgentBridge> bridge_;
  std::vector<std::string> subnets_;
  std::string vpc_, blue_, green_, listener_;
};

TEST_F(AwsDeployIntegration, VersionedAutoScalingGroupsFromTheFirstDeployToAnAlarmRollback) {
  createGroup("{terminationWaitSeconds: 0}");
  // 1. The first version.
  std::string v1 = plane_.push("hello", plane_.sampleRevision("1"));
  json first = plane_.cliJson("deploy hello web --revision " + v1 + " --wait");
  ASSERT_EQ(first.value("status", ""), "Succeeded") << first.dump(2) << "\nbridge: " << bridge_->problem() << plane_.serverLog();
  EXPECT_EQ(first.at("blueGreen").value("fleetVersion", ""), "hello-web-v001");
  EXPECT_TRUE(asgExists("hello-web-v001"));
  EXPECT_EQ(launchTemplates(), std::set<std::string>{"hello-web-v001"});
  std::set<std::string> v001 = asgInstances("hello-web-v001");
  ASSERT_EQ(v001.size(), 2u);
  EXPECT_EQ(registered(green_), v001) << "the listener sent nothing to green: v001 waited there";
  EXPECT_EQ(serving(), "green");
  for (const auto& id : v001) {
    std::vector<std::string> events = plane_.eventsRun(first.value("id", ""))[id];
    EXPECT_NE(std::find(events.begin(), events.end(), "ValidateService"), events.end())
        << id << " ran the lifecycle's hooks on its agent";
  }
  EXPECT_EQ(alarms(), (std::set<std::string>{"hello-5xx", "hello-web-v001-cpu-high"}));

  // 2. The second: healthy, completed, and only then v001 goes with its template and alarm.
  std::string v2 = plane_.push("hello", plane_.sampleRevision("2"));
  json second = plane_.cliJson("deploy hello web --revision " + v2 + " --wait");
  ASSERT_EQ(second.value("status", ""), "Succeeded") << second.dump(2) << plane_.serverLog();
  EXPECT_EQ(second.at("blueGreen").value("fleetVersion", ""), "hello-web-v002");
  std::set<std::string> v002 = asgInstances("hello-web-v002");
  EXPECT_EQ(v002.size(), 2u);
  EXPECT_FALSE(asgExists("hello-web-v001"));
  EXPECT_EQ(launchTemplates(), std::set<std::string>{"hello-web-v002"});
  EXPECT_EQ(alarms(), (std::set<std::string>{"hello-5xx", "hello-web-v002-cpu-high"}));
  aws::QueryParams byGroup;
  byGroup.add("AutoScalingGroupName", "hello-web-v002");
  EXPECT_EQ(call("autoscaling", "2011-01-01", "DescribePolicies", byGroup).list("ScalingPolicies").size(), 1u);
  EXPECT_EQ(call("autoscaling", "2011-01-01", "DescribeScheduledActions", byGroup).list("ScheduledUpdateGroupActions").size(), 1u);
  EXPECT_EQ(registered(blue_), v002);
  EXPECT_TRUE(registered(green_).empty()) << "v001 was deregistered before it was deleted";
  EXPECT_EQ(serving(), "blue");
  EXPECT_TRUE(waitFor([&] {
    std::set<std::string> bridged = bridge_->bridged();
    return std::none_of(v001.begin(), v001.end(), [&](const std::string& id) { return bridged.count(id) != 0; });
  })) << "v001's instances were terminated, and their agents with them";

  // 3. A third with an instance stopped before it is registered: v002 keeps serving.
  std::string v3 = plane_.push("hello", plane_.sampleRevision("3"));
  writeFile(plane_.hookLogDir() / "hold-all", "");
  std::string third = deploy(v3);
  std::set<std::string> v003;
  ASSERT_TRUE(waitFor([&] {
    v003 = asgInstances("hello-web-v003");
    auto events = plane_.eventsRun(third);
    return v003.size() == 2 && std::all_of(v003.begin(), v003.end(), [&](const std::string& id) {
             return events.count(id) != 0;
           });
  }, std::chrono::seconds(120))) << status(third).dump(2) << plane_.serverLog();
  const std::string stopped = *v003.begin();
  aws::QueryParams stop;
  stop.add("InstanceId.1", stopped);
  call("ec2", "2016-11-15", "StopInstances", stop);
  fs::remove(plane_.hookLogDir() / "hold-all");
  json failed = waitForEnd(third);
  EXPECT_EQ(failed.value("status", ""), "Failed") << failed.dump(2);
  EXPECT_EQ(failed.value("errorCode", ""), "HealthCheckFailed") << failed.dump(2);
  std::string message = failed.value("errorMessage", "");
  EXPECT_NE(message.find(stopped), std::string::npos) << message;
  EXPECT_NE(message.find("the load balancer would not take it"), std::string::npos) << message;
  EXPECT_NE(message.find("not in a running state"), std::string::npos) << message;
  EXPECT_FALSE(asgExists("hello-web-v003")) << "the failed version is the one that goes";
  EXPECT_EQ(launchTemplates(), std::set<std::string>{"hello-web-v002"});
  EXPECT_EQ(asgInstances("hello-web-v002"), v002);
  EXPECT_EQ(registered(blue_), v002);
  EXPECT_EQ(serving(), "blue") << "v002 served every request throughout";
  EXPECT_EQ(alarms(), (std::set<std::string>{"hello-5xx", "hello-web-v002-cpu-high"}));

  // 4. A fourth, baking for ten minutes, when the group's CloudWatch alarm fires.
  writeGroup("{terminationWaitSeconds: 600}");
  CommandResult updated = plane_.cli("group update hello web --file " + shellQuote((plane_.dir() / "web.yaml").string()));
  ASSERT_EQ(updated.exitCode, 0) << updated.output;
  std::string v4 = plane_.push("hello", plane_.sampleRevision("4"));
  std::string fourth = deploy(v4);
  json baking = waitUntil(fourth, [](const json& d) { return d.value("status", "") == "Baking"; });
  EXPECT_EQ(serving(), "green") << "v004 took every request";
  aws::QueryParams force;
  force.add("AlarmName", "hello-5xx");
  force.add("StateValue", "ALARM");
  force.add("StateReason", "5xx above 5 for 1 minute");
  call("monitoring", "2010-08-01", "SetAlarmState", force);
  json stoppedByAlarm = waitForEnd(fourth);
  EXPECT_EQ(stoppedByAlarm.value("status", ""), "Stopped") << stoppedByAlarm.dump(2);
  EXPECT_EQ(stoppedByAlarm.value("errorCode", ""), "AlarmActivated");
  EXPECT_NE(stoppedByAlarm.value("errorMessage", "").find("hello-5xx (5xx above 5 for 1 minute)"), std::string::npos)
      << stoppedByAlarm.value("errorMessage", "");
  EXPECT_EQ(serving(), "blue") << "the listener went back to v002";
  json rollback = waitForEnd(stoppedByAlarm.value("rolledBackBy", ""));
  EXPECT_EQ(rollback.value("status", ""), "Succeeded") << rollback.dump(2);
  EXPECT_FALSE(asgExists("hello-web-v004"));
  EXPECT_TRUE(asgExists("hello-web-v002"));

  // The history, in Goployer's shape, and every revision in S3.
  json h1 = historyItem("hello-web-v001");
  EXPECT_EQ(h1["status"]["S"], "terminated") << h1.dump();
  for (const char* field : {"start_date", "deployed_date", "terminated_date", "uptime"}) {
    EXPECT_TRUE(h1.contains(field)) << field << " in " << h1.dump();
  }
  EXPECT_EQ(historyItem("hello-web-v002")["status"]["S"], "deployed");
  json h3 = historyItem("hello-web-v003");
  EXPECT_EQ(h3["status"]["S"], "terminated") << h3.dump();
  EXPECT_FALSE(h3.contains("deployed_date")) << "v003 never served";
  EXPECT_EQ(historyItem("hello-web-v004")["status"]["S"], "terminated");
  for (const auto& sha : {v1, v2, v3, v4}) {
    auto object = client().s3Head("hello-revisions", "revisions/" + sha);
    ASSERT_TRUE(object.ok()) << object.error().message;
    EXPECT_TRUE(object->has_value()) << sha << " is in S3";
  }

  // Deleting the group leaves nothing of it in AWS (the operator's own alarm stays).
  CommandResult deleted = plane_.cli("group delete hello web");
  ASSERT_EQ(deleted.exitCode, 0) << deleted.output << plane_.serverLog();
  EXPECT_FALSE(asgExists("hello-web-v002"));
  EXPECT_TRUE(launchTemplates().empty());
  EXPECT_EQ(alarms(), std::set<std::string>{"hello-5xx"});
  EXPECT_EQ(historyItem("hello-web-v002")["status"]["S"], "terminated");
}

TEST_F(AwsDeployIntegration, ARollingReplaceGrowsTheNewGroupBatchByBatchInItsOwnTargetGroup) {
  createGroup("{terminationWaitSeconds: 0, rolling: {batchSizePercentage: 50}}", 4);
  std::string v1 = plane_.push("hello", plane_.sampleRevision("1"));
  json first = plane_.cliJson("deploy hello web --revision " + v1 + " --wait");
  ASSERT_EQ(first.value("status", ""), "Succeeded") << first.dump(2) << "\nbridge: " << bridge_->problem() << plane_.serverLog();
  ASSERT_EQ(asgInstances("hello-web-v001").size(), 4u);

  std::string v2 = plane_.push("hello", plane_.sampleRevision("2"));
  writeFile(plane_.hookLogDir() / "hold-all", "");
  std::string second = deploy(v2);
  // The first batch: two of four, while v001 serves.
  ASSERT_TRUE(waitFor([&] { return asgInstances("hello-web-v002").size() == 2; }, std::chrono::seconds(120)))
      << status(second).dump(2) << plane_.serverLog();
  aws::QueryParams byName;
  byName.addMembers("AutoScalingGroupNames", {"hello-web-v002"});
  EXPECT_EQ(call("autoscaling", "2011-01-01", "DescribeAutoScalingGroups", byName).list("AutoScalingGroups").at(0).text("DesiredCapacity"), "2");
  fs::remove(plane_.hookLogDir() / "hold-all");
  json done = waitForEnd(second);
  ASSERT_EQ(done.value("status", ""), "Succeeded") << done.dump(2) << plane_.serverLog();
  std::set<std::string> v002 = asgInstances("hello-web-v002");
  EXPECT_EQ(v002.size(), 4u) << "the same group grew to the whole fleet";
  EXPECT_EQ(registered(blue_), v002) << "the second batch joined the first in its target group";
  EXPECT_FALSE(asgExists("hello-web-v001"));
  EXPECT_EQ(serving(), "blue");
  EXPECT_EQ(launchTemplates(), std::set<std::string>{"hello-web-v002"});
}

}  // namespace
}  // namespace greenlight::testing
