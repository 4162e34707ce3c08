// The aws-elbv2 traffic provider against moto: a new fleet joins the target group the listener
// sends nothing to, the split is the listener's weighted forward action (exact over unequal
// fleets), each member's weight reads back from the load balancer, and a stopped instance is
// unhealthy in its target group.
#include "aws_provider_fixture.h"
#include "common/error_codes.h"
#include "provider_aws/moto_resources.h"
#include "providers/aws/elbv2_traffic.h"
#include "traffic/traffic_split.h"

namespace greenlight::testing {
namespace {

using providers::aws::Elbv2TrafficProvider;

class Elbv2Integration : public AwsProviderFixture {
 protected:
  void SetUp() override {
    AwsProviderFixture::SetUp();
    if (HasFatalFailure()) return;
    blue_ = createTargetGroup(client(), "blue", vpc_);
    green_ = createTargetGroup(client(), "green", vpc_);
    listener_ = createListener(client(), "front", subnets_,
                               {{"ForwardConfig.TargetGroups.member.1.TargetGroupArn", blue_},
                                {"ForwardConfig.TargetGroups.member.1.Weight", "1"},
                                {"ForwardConfig.TargetGroups.member.2.TargetGroupArn", green_},
                                {"ForwardConfig.TargetGroups.member.2.Weight", "0"}});
    spec_ = {"us-east-1", {blue_, green_}, listener_, ""};
    provider_ = std::make_unique<Elbv2TrafficProvider>(
        *clients_, [this](const std::string& pool) -> Result<catalog::Elbv2Spec> {
          if (pool != "web") return Error{codes::kNotFound, "no pool " + pool};
          return spec_;
        });
  }

  std::vector<std::string> runInstances(int count) {
    aws::QueryParams params;
    params.add("ImageId", "ami-12c6146b");
    params.add("InstanceType", "t3.micro");
    params.add("MinCount", std::to_string(count));
    params.add("MaxCount", std::to_string(count));
    params.add("SubnetId", subnets_[0]);
    std::vector<std::string> ids;
    for (const aws::Xml& instance : ec2("RunInstances", params).list("instancesSet")) ids.push_back(instance.text("instanceId"));
    return ids;
  }

  // The listener's forward weights by target group.
  std::map<std::string, int> forwardWeights() {
    aws::QueryParams params;
    params.addMembers("ListenerArns", {listener_});
    std::map<std::string, int> weights;
    for (const aws::Xml& action : elb("DescribeListeners", params).list("Listeners").at(0).list("DefaultActions")) {
      for (const aws::Xml& entry : action.at("ForwardConfig").list("TargetGroups")) {
        weights[entry.text("TargetGroupArn") == blue_ ? "blue" : "green"] = std::stoi(entry.text("Weight"));
      }
    }
    return weights;
  }

  std::vector<std::string> registered(const std::string& arn) {
    aws::QueryParams params;
    params.add("TargetGroupArn", arn);
    std::vector<std::string> ids;
    for (const aws::Xml& d : elb("DescribeTargetHealth", params).list("TargetHealthDescriptions")) ids.push_back(d.text("Target/Id"));
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  std::map<std::string, traffic::MemberStatus> status() {
    auto seen = provider_->status("web");
    EXPECT_TRUE(seen.ok()) << seen.error().message;
    std::map<std::string, traffic::MemberStatus> byId;
    if (seen.ok()) {
      for (auto& member : *seen) byId[member.instanceId] = member;
    }
    return byId;
  }

  static traffic::Pool pool() {
    traffic::Pool made;
    made.id = "web";
    made.name = "hello/web";
    return made;
  }

  std::string blue_, green_, listener_;
  catalog::Elbv2Spec spec_;
  std::unique_ptr<Elbv2TrafficProvider> provider_;
};

TEST_F(Elbv2Integration, AFleetIsHeldInTheIdleTargetGroupThenTheListenerShiftsToItExactly) {
  ASSERT_TRUE(provider_->ensurePool(pool()).ok());
  std::vector<std::string> first = runInstances(2);
  for (const auto& id : first) ASSERT_TRUE(provider_->addMember("web", {id, "", 0, "hello-web-v001"}).ok());
  std::sort(first.begin(), first.end());
  EXPECT_EQ(registered(green_), first) << "green had weight 0: the new fleet waits there";
  EXPECT_TRUE(registered(blue_).empty());
  for (const auto& [id, member] : status()) {
    EXPECT_EQ(member.weight, 0) << id;
    EXPECT_TRUE(member.healthy) << id;
    EXPECT_EQ(member.adminState, "drain");
  }
  ASSERT_TRUE(provider_->setWeights("web", traffic::weightsForSplit({}, first, 100)).ok());
  EXPECT_EQ(forwardWeights(), (std::map<std::string, int>{{"blue", 0}, {"green", 2}}));
  for (const auto& [id, member] : status()) EXPECT_EQ(member.weight, 1) << id;

  // The next fleet (one instance) goes to blue, now idle; 10% of requests to it is 10% exactly.
  std::vector<std::string> second = runInstances(1);
  ASSERT_TRUE(provider_->addMember("web", {second[0], "", 0, "hello-web-v002"}).ok());
  EXPECT_EQ(registered(blue_), second);
  auto weights = traffic::weightsForSplit(first, second, 10);
  ASSERT_TRUE(provider_->setWeights("web", weights).ok());
  std::map<std::string, int> forward = forwardWeights();
  ASSERT_GT(forward["green"], 0);
  EXPECT_DOUBLE_EQ(100.0 * forward["blue"] / (forward["blue"] + forward["green"]), 10.0);
  auto seen = status();
  for (const auto& [id, weight] : weights) EXPECT_EQ(seen[id].weight, weight) << id << " reads back";
  auto shares = traffic::shareBySide(provider_->status("web").value(),
                                     {{first[0], "old"}, {first[1], "old"}, {second[0], "new"}});
  EXPECT_DOUBLE_EQ(shares["new"], 10.0);

  // A later batch of the fleet being shifted to joins its target group although it serves.
  std::vector<std::string> batch = runInstances(1);
  ASSERT_TRUE(provider_->addMember("web", {batch[0], "", 0, "hello-web-v002"}).ok());
  std::vector<std::string> blueMembers = {second[0], batch[0]};
  std::sort(blueMembers.begin(), blueMembers.end());
  EXPECT_EQ(registered(blue_), blueMembers);
  // While both serve there is no idle target group for a third fleet.
  std::vector<std::string> third = runInstances(1);
  Status refused = provider_->addMember("web", {third[0], "", 0, "hello-web-v003"});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, codes::kConflict);
  // A member at 0 beside others above 0 (a rolling replace draining the old fleet a batch at a
  // time) leaves its target group; the others keep its weight.
  ASSERT_TRUE(provider_->setWeights("web", {{first[0], 0}, {first[1], 9}, {second[0], 1}, {batch[0], 1}}).ok());
  EXPECT_EQ(registered(green_), std::vector<std::string>{first[1]});
  auto drainedView = status();
  EXPECT_EQ(drainedView.count(first[0]), 0u) << "deregistered";
  EXPECT_EQ(drainedView[first[1]].weight, 9);
  std::map<std::string, int> afterDrain = forwardWeights();
  EXPECT_EQ(afterDrain["green"], 9) << "9 for its one member left";
  EXPECT_EQ(afterDrain["blue"], 2);
  // One weight per target group.
  Status mixed = provider_->setWeights("web", {{first[1], 3}, {second[0], 4}, {batch[0], 5}});
  ASSERT_FALSE(mixed.ok());
  EXPECT_EQ(mixed.error().code, codes::kInvalidArgument);
  EXPECT_NE(mixed.error().message.find("ELB weights whole target groups"), std::string::npos);
}

TEST_F(Elbv2Integration, RetiredMembersAreDeregisteredAndAStoppedInstanceIsUnhealthy) {
  std::vector<std::string> ids = runInstances(2);
  for (const auto& id : ids) ASSERT_TRUE(provider_->addMember("web", {id, "", 0, "hello-web-v001"}).ok());
  aws::QueryParams stop;
  stop.add("InstanceId.1", ids[0]);
  ec2("StopInstances", stop);
  auto seen = status();
  EXPECT_FALSE(seen[ids[0]].healthy);
  EXPECT_EQ(seen[ids[0]].checkStatus, "unused");
  EXPECT_NE(seen[ids[0]].checkDetail.find("Target.InvalidState"), std::string::npos) << seen[ids[0]].checkDetail;
  EXPECT_TRUE(seen[ids[1]].healthy);
  auto gone = provider_->removeMember("web", ids[1]);
  ASSERT_TRUE(gone.ok()) << gone.error().message;
  EXPECT_TRUE(*gone);
  EXPECT_EQ(registered(green_), std::vector<std::string>{ids[0]});
  auto again = provider_->removeMember("web", ids[1]);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(*again) << "never there is gone";
  EXPECT_EQ(provider_->setWeights("web", {{ids[1], 1}}).error().code, codes::kNotFound);
}

TEST_F(Elbv2Integration, WithoutAListenerEveryMemberIsRegisteredInEveryTargetGroup) {
  spec_ = {"us-east-1", {"blue", "green"}, "", ""};  // by name, as group files may give them
  std::vector<std::string> ids = runInstances(1);
  ASSERT_TRUE(provider_->addMember("web", {ids[0], "", 0, "hello-web-v001"}).ok());
  EXPECT_EQ(registered(blue_), ids);
  EXPECT_EQ(registered(green_), ids);
  ASSERT_TRUE(provider_->setWeights("web", {{ids[0], 1}}).ok());
  EXPECT_EQ(status()[ids[0]].weight, 1);
  auto gone = provider_->removeMember("web", ids[0]);
  ASSERT_TRUE(gone.ok());
  EXPECT_TRUE(*gone);
  EXPECT_TRUE(registered(blue_).empty());
  EXPECT_TRUE(registered(green_).empty());
}

TEST_F(Elbv2Integration, AMissingTargetGroupIsNamed) {
  spec_ = {"us-east-1", {blue_, "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/gone/0123456789abcdef"}, "", ""};
  Status ensured = provider_->ensurePool(pool());
  ASSERT_FALSE(ensured.ok());
  EXPECT_NE(ensured.error().message.find("cannot read target group gone"), std::string::npos) << ensured.error().message;
}

}  // namespace
}  // namespace greenlight::testing
