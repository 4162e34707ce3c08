// What the engine asks of a compute provider beyond making and retiring fleet versions, as the
// aws fleet uses it: its own health verdict, completing a version that serves, a fleet still
// launching, a gradual retirement; and a balancer that refuses a member.
#include "engine/blue_green_fixture.h"

namespace greenlight::engine {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST_F(BlueGreenTest, AFleetItsProviderHoldsUnhealthyNeverGetsTrafficAndIsRetired) {
  makeBlueGreenGroup(2, "CodeDeployDefault.AllAtOnce");
  std::vector<std::string> old = targetIds(firstFleet('a'));
  int oldWeight = weightOf(old);
  std::string id = deploy(addRevision('b')).id;
  reconcile();
  compute_.setUnhealthy("i-0abc is InService and Unhealthy in Auto Scaling group shop-web-v002");
  installAndPass(id);  // the balancer's check passes: the provider's verdict alone holds it back
  EXPECT_EQ(get(id).status, domain::DeploymentStatus::InProgress);
  EXPECT_EQ(stateOf(id).phase, phases::kRegistering);
  clock_.advance(std::chrono::seconds(31));
  reconcile();
  DeploymentView failed = get(id);
  EXPECT_EQ(failed.status, domain::DeploymentStatus::Failed);
  EXPECT_EQ(failed.errorCode, "HealthCheckFailed");
  EXPECT_TRUE(contains(failed.errorMessage, "i-0abc is InService and Unhealthy")) << failed.errorMessage;
  EXPECT_EQ(weightOf(old), oldWeight) << "the serving fleet is untouched";
  EXPECT_EQ(compute_.retired(), std::vector<std::string>{"shop-web-v002"});
  EXPECT_EQ(compute_.served(), std::vector<std::string>{"shop-web-v001"}) << "v002 never served";
}

TEST_F(BlueGreenTest, AMemberTheBalancerRefusesIsJudgedUnhealthyWithItsReason) {
  makeBlueGreenGroup(2, "CodeDeployDefault.AllAtOnce");
  std::vector<std::string> old = targetIds(firstFleet('a'));
  std::string id = deploy(addRevision('b')).id;
  reconcile();
  std::vector<std::string> fresh = targetIds(id);
  ASSERT_EQ(fresh.size(), 2u);
  traffic_.refuseMember(fresh[0], "The following targets are not in a running state and cannot be registered");
  installAndPass(id);
  EXPECT_EQ(get(id).status, domain::DeploymentStatus::InProgress) << "within the grace period it waits";
  EXPECT_TRUE(traffic_.findMember(pool(), fresh[1]).has_value()) << "the other member was added";
  clock_.advance(std::chrono::seconds(31));
  reconcile();
  DeploymentView failed = get(id);
  EXPECT_EQ(failed.status, domain::DeploymentStatus::Failed);
  EXPECT_EQ(failed.errorCode, "HealthCheckFailed");
  EXPECT_TRUE(contains(failed.errorMessage, fresh[0] + " (")) << failed.errorMessage;
  EXPECT_TRUE(contains(failed.errorMessage, "the load balancer would not take it: The following targets are not in a running state"))
      << failed.errorMessage;
  EXPECT_FALSE(contains(failed.errorMessage, fresh[1])) << "the healthy member is not named";
  EXPECT_GT(weightOf(old), 0);
  EXPECT_EQ(compute_.retired(), std::vector<std::string>{"shop-web-v002"});
}

TEST_F(BlueGreenTest, AVersionIsCompletedWhenItServesEveryRequestBeforeTheOldOneIsRetired) {
  makeBlueGreenGroup(2, "CodeDeployDefault.AllAtOnce", {{"terminationWaitSeconds", 0}});
  firstFleet('a');
  EXPECT_EQ(compute_.served(), std::vector<std::string>{"shop-web-v001"}) << "the first fleet, at its end";
  std::string id = deploy(addRevision('b')).id;
  reconcile();
  installAndPass(id);
  reconcile();
  EXPECT_EQ(get(id).status, domain::DeploymentStatus::Succeeded) << get(id).errorMessage;
  EXPECT_EQ(compute_.served(), (std::vector<std::string>{"shop-web-v001", "shop-web-v002"}));
  EXPECT_EQ(compute_.retired(), std::vector<std::string>{"shop-web-v001"});
}

TEST_F(BlueGreenTest, AFleetStillLaunchingIsAskedForAgainUntilTheProvisionTimeout) {
  makeBlueGreenGroup(2, "CodeDeployDefault.AllAtOnce");
  compute_.launchSlowly(2);
  std::string id = deploy(addRevision('a')).id;
  reconcile();
  EXPECT_EQ(stateOf(id).phase, phases::kProvisioning);
  EXPECT_EQ(get(id).status, domain::DeploymentStatus::InProgress);
  reconcile();
  EXPECT_EQ(stateOf(id).phase, phases::kProvisioning);
  reconcile();
  EXPECT_EQ(stateOf(id).phase, phases::kInstalling) << "launched on the third asking";
  installAndPass(id);
  EXPECT_EQ(get(id).status, domain::DeploymentStatus::Succeeded);

  compute_.launchSlowly(1000);
  std::string late = deploy(addRevision('b')).id;
  reconcile();
  EXPECT_EQ(stateOf(late).phase, phases::kProvisioning);
  clock_.advance(std::chrono::seconds(301));
  reconcile();
  DeploymentView failed = get(late);
  EXPECT_EQ(failed.status, domain::DeploymentStatus::Failed);
  EXPECT_EQ(failed.errorCode, "ProvisionFailed");
  EXPECT_TRUE(contains(failed.errorMessage, "instances launched so far")) << failed.errorMessage;
}

TEST_F(BlueGreenTest, AGradualRetirementKeepsTheDeploymentRetiringUntilItEnds) {
  makeBlueGreenGroup(2, "CodeDeployDefault.AllAtOnce", {{"terminationWaitSeconds", 0}});
  firstFleet('a');
  std::string id = deploy(addRevision('b')).id;
  reconcile();
  compute_.retireSlowly(2);
  installAndPass(id);
  for (int pass = 0; pass < 5 && stateOf(id).phase != phases::kDone; ++pass) reconcile();
  EXPECT_EQ(compute_.slowRetiresLeft(), 0) << "the retirement was asked for until it ended";
  EXPECT_EQ(get(id).status, domain::DeploymentStatus::Succeeded) << get(id).errorMessage;
  EXPECT_EQ(compute_.retired(), std::vector<std::string>{"shop-web-v001"});
  EXPECT_EQ(get(id).errorMessage, "") << "a retirement under way is not an error";
}

}  // namespace
}  // namespace greenlight::engine
