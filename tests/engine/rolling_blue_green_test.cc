// Rolling replace (blueGreen.rolling) against an in-memory load balancer: the new fleet version is
// made a batch at a time, each batch takes its share from as many old instances, which are drained
// but kept running; a batch that fails the health check stops the deployment and gives every old
// instance its weight back. tests/e2e/rolling_test.cc runs it with real agents and HAProxy.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "engine/blue_green_fixture.h"

namespace greenlight::engine {
namespace {

class RollingBlueGreenTest : public BlueGreenTest {
 protected:
  void makeRollingGroup(nlohmann::json rolling) {
    makeBlueGreenGroup(8, "CodeDeployDefault.AllAtOnce",
                       {{"terminationWaitSeconds", 120}, {"rolling", std::move(rolling)}});
  }
  // v001 serving on 8 instances, v002 started.
  void start() {
    old_ = targetIds(firstFleet('a'));
    ASSERT_EQ(old_.size(), 8u);
    id_ = deploy(addRevision('b')).id;
    reconcile();
  }
  // The instances of the new fleet made so far, in the order they were made (by ordinal: the
  // local host name ends in it).
  std::vector<std::string> fresh() {
    std::vector<std::pair<int, std::string>> made;
    for (const auto& target : get(id_).targets) {
      const std::string& host = target.hostName;
      made.emplace_back(std::stoi(host.substr(host.rfind('-') + 1)), target.instanceId);
    }
    std::sort(made.begin(), made.end());
    std::vector<std::string> ids;
    for (const auto& [ordinal, instance] : made) ids.push_back(instance);
    return ids;
  }
  // The old instances with weight.
  int oldServing() {
    int serving = 0;
    for (const auto& instance : old_) {
      auto member = traffic_.findMember(pool(), instance);
      if (member && member->weight > 0) ++serving;
    }
    return serving;
  }

  std::vector<std::string> old_;
  std::string id_;
};

TEST_F(RollingBlueGreenTest, EightInstancesGoOverInBatchesOfTwoEachTakingTheShareOfTwoOldOnes) {
  makeRollingGroup({{"batchSizePercentage", 25}});
  start();
  BlueGreenState state = stateOf(id_);
  EXPECT_EQ(state.batchSize, 2);
  EXPECT_EQ(state.fleetSize, 8);
  EXPECT_EQ(describe(state.steps), "25%, 50%, 75%, 100%");
  EXPECT_EQ(fresh().size(), 2u) << "the first batch only";
  for (int batch = 1; batch <= 3; ++batch) {
    installAndPass(id_);
    // The batch serves; the next one is being made.
    EXPECT_EQ(oldServing(), 8 - 2 * batch) << "batch " << batch;
    EXPECT_NEAR(percentTo(fresh(), old_), 25.0 * batch, 0.01) << "batch " << batch;
    EXPECT_EQ(fresh().size(), static_cast<std::size_t>(2 * batch + 2)) << "batch " << batch;
    EXPECT_EQ(stateOf(id_).trafficPercent, 25 * batch);
    for (const auto& instance : old_) {
      EXPECT_TRUE(traffic_.findMember(pool(), instance).has_value()) << "drained, not removed: " << instance;
    }
    EXPECT_TRUE(compute_.retired().empty());
  }
  installAndPass(id_);
  EXPECT_EQ(oldServing(), 0);
  EXPECT_NEAR(percentTo(fresh(), old_), 100.0, 0.01);
  EXPECT_EQ(stateOf(id_).phase, phases::kTerminationWait);
  clock_.advance(std::chrono::seconds(121));
  reconcile();
  EXPECT_EQ(get(id_).status, domain::DeploymentStatus::Succeeded) << get(id_).errorMessage;
  EXPECT_EQ(compute_.retired(), std::vector<std::string>{"shop-web-v001"});
}

TEST_F(RollingBlueGreenTest, ABatchThatFailsTheHealthCheckStopsAndEveryOldInstanceServesAgain) {
  makeRollingGroup({{"batchSizePercentage", 25}, {"gracePeriodSeconds", 60}});
  start();
  installAndPass(id_);
  ASSERT_EQ(oldServing(), 6);
  ASSERT_EQ(fresh().size(), 4u);
  runToEnd(id_);  // the second batch installs, then fails its check
  std::vector<std::string> made = fresh();
  for (std::size_t second = 2; second < 4; ++second) {
    traffic_.setHealth(made[second], false, "L7STS", "HTTP status check returned code <503>");
  }
  reconcile();
  EXPECT_EQ(stateOf(id_).phase, phases::kRegistering);
  EXPECT_TRUE(contains(get(id_).blueGreen.value("waitingFor", ""), "(batch 2 of 4)"))
      << get(id_).blueGreen.dump();
  clock_.advance(std::chrono::seconds(59));
  reconcile();
  EXPECT_EQ(get(id_).status, domain::DeploymentStatus::InProgress) << "within the grace period";
  clock_.advance(std::chrono::seconds(2));
  reconcile();
  DeploymentView failed = get(id_);
  EXPECT_EQ(failed.status, domain::DeploymentStatus::Failed);
  EXPECT_EQ(failed.errorCode, "HealthCheckFailed");
  EXPECT_TRUE(contains(failed.errorMessage, "Batch 2 of 4 of shop-web-v002: 0 of 2 instances installed and passed"))
      << failed.errorMessage;
  EXPECT_TRUE(contains(failed.errorMessage, "below batchMinHealthyPercentage (100%)")) << failed.errorMessage;
  EXPECT_EQ(oldServing(), 8) << "the original fleet takes all traffic back";
  EXPECT_EQ(percentTo(fresh(), old_), 0.0);
  ASSERT_TRUE(failed.rolledBackBy.has_value());
  EXPECT_EQ(compute_.retired(), std::vector<std::string>{"shop-web-v002"});
}

TEST_F(RollingBlueGreenTest, ABatchHealthyEnoughGoesOnWithoutItsSickInstance) {
  makeRollingGroup({{"batchSizePercentage", 25}, {"gracePeriodSeconds", 60}, {"batchMinHealthyPercentage", 50}});
  start();
  installAndPass(id_);
  runToEnd(id_);
  std::vector<std::string> made = fresh();
  ASSERT_EQ(made.size(), 4u);
  for (const auto& instance : made) traffic_.setHealth(instance, true, "L7OK", "200");
  std::string sick = made.back();
  traffic_.setHealth(sick, false, "L7STS", "HTTP status check returned code <503>");
  reconcile();
  clock_.advance(std::chrono::seconds(61));
  reconcile();
  BlueGreenState state = stateOf(id_);
  EXPECT_EQ(get(id_).status, domain::DeploymentStatus::InProgress) << get(id_).errorMessage;
  EXPECT_EQ(state.leftOut, std::vector<std::string>{sick});
  EXPECT_EQ(traffic_.findMember(pool(), sick)->weight, 0) << "a left-out instance gets no traffic";
  EXPECT_EQ(oldServing(), 5) << "three new instances serve, so three old ones are drained";
}

TEST_F(RollingBlueGreenTest, AServingBatchFailingWhileTheNextIsMadeStopsAndTheOldFleetServesAgain) {
  makeRollingGroup({{"batchSizePercentage", 25}});
  start();
  installAndPass(id_);
  std::vector<std::string> made = fresh();
  ASSERT_EQ(made.size(), 4u) << "batch 1 serves, batch 2 is being made";
  ASSERT_EQ(oldServing(), 6);
  ASSERT_NE(stateOf(id_).phase, phases::kShifting);
  traffic_.setHealth(made[0], false, "L7STS", "HTTP status check returned code <500>");
  reconcile();
  DeploymentView failed = get(id_);
  EXPECT_EQ(failed.status, domain::DeploymentStatus::Failed);
  EXPECT_EQ(failed.errorCode, "HealthCheckFailed");
  EXPECT_TRUE(contains(failed.errorMessage, "while batch 2 was being made")) << failed.errorMessage;
  EXPECT_TRUE(contains(failed.errorMessage, made[0])) << failed.errorMessage;
  EXPECT_EQ(oldServing(), 8) << "the original fleet takes all traffic back";
  EXPECT_EQ(percentTo(fresh(), old_), 0.0);
}

TEST_F(RollingBlueGreenTest, ALaterBatchWhoseLifecycleFailsGivesEveryRequestBackToTheOldFleet) {
  makeRollingGroup({{"batchSizePercentage", 25}, {"gracePeriodSeconds", 60}});
  start();
  installAndPass(id_);
  std::vector<std::string> made = fresh();
  ASSERT_EQ(made.size(), 4u);
  ASSERT_EQ(oldServing(), 6);
  runToEnd(id_, {made[2], made[3]});  // the second batch's hooks fail
  DeploymentView failed = get(id_);
  EXPECT_EQ(failed.status, domain::DeploymentStatus::Failed) << failed.errorMessage;
  EXPECT_EQ(failed.errorCode, "HealthCheckFailed");
  EXPECT_TRUE(contains(failed.errorMessage, "Batch 2 of 4 of shop-web-v002: 0 of 2 instances installed"))
      << failed.errorMessage;
  EXPECT_TRUE(contains(failed.errorMessage, made[3] + " (shop-web-v002-3): its lifecycle failed"))
      << failed.errorMessage;
  EXPECT_EQ(oldServing(), 8);
  EXPECT_EQ(percentTo(fresh(), old_), 0.0);
  EXPECT_EQ(compute_.retired(), std::vector<std::string>{"shop-web-v002"});
}

// Each made batch's instances served `requests` of which `errors` were 5xx; each old one the same
// with none.
void serveBatches(testing::FakeTrafficProvider& traffic, const std::vector<std::string>& fresh,
                  const std::vector<std::string>& old, std::uint64_t requests, std::uint64_t errors) {
  for (const auto& instance : fresh) traffic.setCounters(instance, requests, errors, 12);
  for (const auto& instance : old) traffic.setCounters(instance, requests, 0, 10);
}

nlohmann::json errorRateAnalysis() {
  return {{"intervalSeconds", 5},
          {"batchSeconds", 30},
          {"checks", nlohmann::json::array({{{"name", "errors"},
                                             {"loadBalancer", {{"maxErrorRatePercent", 2}, {"minRequests", 50}}}}})}};
}

TEST_F(RollingBlueGreenTest, WithAnAnalysisEachBatchServesUnderItsChecksBeforeTheNextIsMade) {
  analysis_ = errorRateAnalysis();
  makeRollingGroup({{"batchSizePercentage", 25}});
  start();
  EXPECT_EQ(describe(stateOf(id_).steps), "25%, pause 30s, 50%, pause 30s, 75%, pause 30s, 100%")
      << "batchSeconds is the pause between batches when rolling has none of its own";
  installAndPass(id_);
  BlueGreenState judged = stateOf(id_);
  EXPECT_EQ(judged.trafficPercent, 25);
  ASSERT_EQ(judged.analyses.size(), 1u) << "the first batch is judged";
  EXPECT_EQ(fresh().size(), 2u) << "the next batch waits for the verdict";
  serveBatches(traffic_, fresh(), old_, 100, 1);
  clock_.advance(std::chrono::seconds(31));
  reconcile();
  BlueGreenState passed = stateOf(id_);
  EXPECT_EQ(passed.analyses[0].verdict, "Passed") << get(id_).errorMessage;
  EXPECT_EQ(fresh().size(), 4u) << "passed: the second batch is being made";
  EXPECT_EQ(get(id_).status, domain::DeploymentStatus::InProgress);
}

TEST_F(RollingBlueGreenTest, ABatchFailingItsAnalysisStopsAndTheOriginalFleetServes) {
  analysis_ = errorRateAnalysis();
  makeRollingGroup({{"batchSizePercentage", 25}});
  start();
  installAndPass(id_);
  ASSERT_EQ(oldServing(), 6);
  serveBatches(traffic_, fresh(), old_, 100, 10);  // 10% 5xx on the first batch
  clock_.advance(std::chrono::seconds(5));
  reconcile();
  DeploymentView failed = get(id_);
  EXPECT_EQ(failed.status, domain::DeploymentStatus::Failed);
  EXPECT_EQ(failed.errorCode, "AnalysisFailed");
  EXPECT_TRUE(contains(failed.errorMessage, "new fleet 10% 5xx of 200 requests")) << failed.errorMessage;
  EXPECT_EQ(oldServing(), 8) << "the original fleet takes all traffic back";
  EXPECT_EQ(percentTo(fresh(), old_), 0.0);
  EXPECT_EQ(fresh().size(), 2u) << "no later batch was made";
  EXPECT_EQ(compute_.retired(), std::vector<std::string>{"shop-web-v002"});
}

TEST_F(RollingBlueGreenTest, ARollingGroupsFirstDeploymentMakesTheWholeFleet) {
  makeRollingGroup({{"batchSizePercentage", 25}});
  std::string id = deploy(addRevision('a')).id;
  reconcile();
  EXPECT_EQ(targetIds(id).size(), 8u);
  EXPECT_EQ(stateOf(id).batchSize, 0);
}

TEST(RollingStepsTest, EveryBatchHasItsShareAndTheLastIsAll) {
  EXPECT_EQ(describe(rollingSteps(8, 2, 0)), "25%, 50%, 75%, 100%");
  EXPECT_EQ(describe(rollingSteps(10, 3, 30)), "30%, pause 30s, 60%, pause 30s, 90%, pause 30s, 100%");
  EXPECT_EQ(describe(rollingSteps(3, 5, 0)), "100%");
  std::vector<domain::TrafficStep> steps = rollingSteps(10, 3, 30);
  EXPECT_EQ(batchesFor(steps, 0), 1);
  EXPECT_EQ(batchesFor(steps, 1), 1);
  EXPECT_EQ(batchesFor(steps, 2), 2);
  EXPECT_EQ(batchesFor(steps, 6), 4);
}

}  // namespace
}  // namespace greenlight::engine
