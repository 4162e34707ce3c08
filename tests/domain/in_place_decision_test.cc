// Single decisions of the in-place step function: what starts, when it fails at once, the order.
#include <gtest/gtest.h>

#include "in_place_test_helpers.h"

namespace greenlight::domain {
namespace {

using namespace testing;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(InPlaceDecisionTest, NineHostsHostCountSixStartsThree) {
  auto decision = decide(hostCount(6), healthyTargets(9));
  EXPECT_EQ(decision.outcome, InPlaceOutcome::Continue);
  EXPECT_EQ(decision.instancesToStart, ids({"i-01", "i-02", "i-03"}));
  EXPECT_EQ(decision.counts.healthy, 9);
  EXPECT_EQ(decision.counts.numbers.neededSuccesses, 6);
}

TEST(InPlaceDecisionTest, NineHostsFleetPercentFortyStartsFive) {
  auto decision = decide(fleetPercent(40), healthyTargets(9));
  EXPECT_EQ(decision.outcome, InPlaceOutcome::Continue);
  EXPECT_EQ(decision.instancesToStart.size(), 5u);
  EXPECT_EQ(decision.counts.numbers.minimumHealthyHosts, 4);
}

TEST(InPlaceDecisionTest, FailsAtOnceWhenInstancesDoNotExceedTheMinimum) {
  for (int minimum : {3, 5}) {
    auto decision = decide(hostCount(minimum), healthyTargets(3));
    EXPECT_EQ(decision.outcome, InPlaceOutcome::Failed) << minimum;
    EXPECT_EQ(decision.errorCode, "HEALTH_CONSTRAINTS_INVALID");
    EXPECT_TRUE(decision.instancesToStart.empty());
    EXPECT_TRUE(contains(decision.reason, "requires " + std::to_string(minimum) + " instances"))
        << decision.reason;
    EXPECT_TRUE(contains(decision.reason, "has 3 instances")) << decision.reason;
    EXPECT_TRUE(contains(decision.reason, "HOST_COUNT 2 or less")) << decision.reason;
  }
}

TEST(InPlaceDecisionTest, FleetPercentRoundsUpSoTenHostsAtNinetyFivePercentFailAtOnce) {
  auto decision = decide(fleetPercent(95), healthyTargets(10));
  EXPECT_EQ(decision.outcome, InPlaceOutcome::Failed);
  EXPECT_EQ(decision.errorCode, "HEALTH_CONSTRAINTS_INVALID");
  EXPECT_TRUE(contains(decision.reason, "requires 10 instances")) << decision.reason;
  EXPECT_TRUE(contains(decision.reason, "FLEET_PERCENT 90 or less")) << decision.reason;
}

TEST(InPlaceDecisionTest, NoInstancesFails) {
  auto decision = decide(predefined("CodeDeployDefault.AllAtOnce"), {});
  EXPECT_EQ(decision.outcome, InPlaceOutcome::Failed);
  EXPECT_EQ(decision.errorCode, "NO_INSTANCES");
}

TEST(InPlaceDecisionTest, HostCountZeroWithOneHostDeploysItAndNeedsItToSucceed) {
  auto targets = healthyTargets(1);
  auto first = decide(hostCount(0), targets);
  ASSERT_EQ(first.instancesToStart, ids({"i-01"}));
  targets[0].status = InstanceStatus::InProgress;
  EXPECT_EQ(decide(hostCount(0), targets).outcome, InPlaceOutcome::Continue);
  targets[0].status = InstanceStatus::Succeeded;
  EXPECT_EQ(decide(hostCount(0), targets).outcome, InPlaceOutcome::Succeeded);
  targets[0].status = InstanceStatus::Failed;
  auto failed = decide(hostCount(0), targets);
  EXPECT_EQ(failed.outcome, InPlaceOutcome::Failed);
  EXPECT_TRUE(contains(failed.reason, "i-01 (Failed")) << failed.reason;
}

TEST(InPlaceDecisionTest, OrdersUnhealthyFirstThenUnknownOldCurrentRevisionThenId) {
  std::vector<TargetState> targets = {
      {"a-current", InstanceStatus::Pending, InstanceHealth::Healthy, RevisionHealth::Current},
      {"b-old", InstanceStatus::Pending, InstanceHealth::Healthy, RevisionHealth::Old},
      {"z-unhealthy", InstanceStatus::Pending, InstanceHealth::Unhealthy, RevisionHealth::Current},
      {"c-unknown", InstanceStatus::Pending, InstanceHealth::Healthy, RevisionHealth::Unknown},
      {"a-old", InstanceStatus::Pending, InstanceHealth::Healthy, RevisionHealth::Old},
      {"y-unhealthy", InstanceStatus::Pending, InstanceHealth::Unhealthy, RevisionHealth::Unknown},
  };
  auto decision = decide(predefined("CodeDeployDefault.AllAtOnce"), targets);
  EXPECT_EQ(decision.instancesToStart,
            ids({"y-unhealthy", "z-unhealthy", "c-unknown", "a-old", "b-old", "a-current"}));
  // The order does not depend on the order targets are given in.
  std::reverse(targets.begin(), targets.end());
  EXPECT_EQ(decide(predefined("CodeDeployDefault.AllAtOnce"), targets).instancesToStart,
            decision.instancesToStart);
}

TEST(InPlaceDecisionTest, DeployingToAnUnhealthyInstanceDoesNotUseTheHealthBudget) {
  // OneAtATime on 5 hosts keeps 4 healthy; with one already unhealthy only 4 are healthy, yet
  // that one can still be deployed to, since taking it down lowers nothing.
  auto targets = healthyTargets(5);
  target(targets, "i-04").health = InstanceHealth::Unhealthy;
  auto decision = decide(predefined("CodeDeployDefault.OneAtATime"), targets);
  EXPECT_EQ(decision.outcome, InPlaceOutcome::Continue);
  EXPECT_EQ(decision.instancesToStart, ids({"i-04"}));
}

TEST(InPlaceDecisionTest, InstanceLostWhileOthersInFlightStopsNewStarts) {
  // 5 hosts, HOST_COUNT 3: two in flight, three serving. One serving instance is lost.
  auto policy = hostCount(3);
  auto targets = healthyTargets(5);
  target(targets, "i-01").status = InstanceStatus::InProgress;
  target(targets, "i-02").status = InstanceStatus::InProgress;
  target(targets, "i-05").status = InstanceStatus::Unknown;

  target(targets, "i-01").status = InstanceStatus::Succeeded;
  auto afterSuccess = decide(policy, targets);
  // Room for one more in flight, but only 3 healthy: starting i-03 would leave 2.
  EXPECT_EQ(afterSuccess.outcome, InPlaceOutcome::Continue);
  EXPECT_TRUE(afterSuccess.instancesToStart.empty());
  EXPECT_EQ(afterSuccess.counts.healthy, 3);
  EXPECT_TRUE(contains(afterSuccess.reason, "Waiting for 1 instance")) << afterSuccess.reason;

  target(targets, "i-02").status = InstanceStatus::Failed;
  auto stuck = decide(policy, targets);
  EXPECT_EQ(stuck.outcome, InPlaceOutcome::Failed);
  EXPECT_EQ(stuck.errorCode, "HEALTH_CONSTRAINTS");
  EXPECT_TRUE(contains(stuck.reason, "i-02 (Failed")) << stuck.reason;
  EXPECT_TRUE(contains(stuck.reason, "i-05 (Unknown")) << stuck.reason;
}

TEST(InPlaceDecisionTest, FailsAsSoonAsTheNeededSuccessesAreOutOfReach) {
  // 4 hosts, HOST_COUNT 3: one at a time, 3 successes needed.
  auto policy = hostCount(3);
  auto targets = healthyTargets(4);
  target(targets, "i-01").status = InstanceStatus::InProgress;
  target(targets, "i-04").status = InstanceStatus::Unknown;
  auto waiting = decide(policy, targets);
  EXPECT_EQ(waiting.outcome, InPlaceOutcome::Continue);
  EXPECT_TRUE(waiting.instancesToStart.empty());

  target(targets, "i-01").status = InstanceStatus::Failed;
  auto decision = decide(policy, targets);
  EXPECT_EQ(decision.outcome, InPlaceOutcome::Failed);
  EXPECT_EQ(decision.errorCode, "HEALTH_CONSTRAINTS");
  EXPECT_TRUE(contains(decision.reason, "at most 2 can still succeed")) << decision.reason;
}

TEST(InPlaceDecisionTest, FailsWhileInstancesAreStillInFlightWhenSuccessIsImpossible) {
  auto targets = healthyTargets(5);
  target(targets, "i-01").status = InstanceStatus::InProgress;
  target(targets, "i-02").status = InstanceStatus::InProgress;
  for (const char* id : {"i-03", "i-04", "i-05"}) target(targets, id).status = InstanceStatus::Unknown;
  auto decision = decide(hostCount(3), targets);
  EXPECT_EQ(decision.outcome, InPlaceOutcome::Failed);
  EXPECT_EQ(decision.counts.inFlight, 2);
}

TEST(InPlaceDecisionTest, SuccessThatTurnedUnhealthyDoesNotCount) {
  auto targets = healthyTargets(2);
  for (auto& t : targets) t.status = InstanceStatus::Succeeded;
  EXPECT_EQ(decide(hostCount(1), targets).outcome, InPlaceOutcome::Succeeded);
  targets[1].health = InstanceHealth::Unhealthy;
  targets[0].health = InstanceHealth::Unhealthy;
  EXPECT_EQ(decide(hostCount(1), targets).outcome, InPlaceOutcome::Failed);
}

TEST(InPlaceDecisionTest, SameInputGivesTheSameDecision) {
  auto targets = healthyTargets(7);
  target(targets, "i-03").health = InstanceHealth::Unhealthy;
  auto first = decide(fleetPercent(50), targets);
  auto second = decide(fleetPercent(50), targets);
  EXPECT_EQ(first.instancesToStart, second.instancesToStart);
  EXPECT_EQ(first.reason, second.reason);
  EXPECT_EQ(first.instancesToStart.front(), "i-03");
}

TEST(InPlaceOutcomeTest, Names) {
  EXPECT_STREQ(toString(InPlaceOutcome::Continue), "Continue");
  EXPECT_STREQ(toString(InPlaceOutcome::Succeeded), "Succeeded");
  EXPECT_STREQ(toString(InPlaceOutcome::Failed), "Failed");
}

}  // namespace
}  // namespace greenlight::domain
