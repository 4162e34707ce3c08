// Whole in-place deployments run step by step, feeding each decision back with chosen successes
// and failures, to check the sequence of batches and the final outcome.
#include <gtest/gtest.h>

#include "in_place_test_helpers.h"

namespace greenlight::domain {
namespace {

using namespace testing;
using Batches = std::vector<std::vector<std::string>>;

const char* kOneAtATime = "CodeDeployDefault.OneAtATime";
const char* kHalfAtATime = "CodeDeployDefault.HalfAtATime";
const char* kAllAtOnce = "CodeDeployDefault.AllAtOnce";

TEST(InPlaceSimulationTest, NineHostsHostCountSixGoesThreeAtATime) {
  auto run = simulate(hostCount(6), healthyTargets(9), {});
  EXPECT_EQ(run.last.outcome, InPlaceOutcome::Succeeded);
  EXPECT_EQ(run.starts, (Batches{ids({"i-01", "i-02", "i-03"}), ids({"i-04", "i-05", "i-06"}),
                                 ids({"i-07", "i-08", "i-09"})}));
  EXPECT_EQ(run.fewestHealthyAfterStart, 6);
}

TEST(InPlaceSimulationTest, NineHostsHostCountSixSlowsDownAfterAFailureAndStillSucceeds) {
  auto run = simulate(hostCount(6), healthyTargets(9), {"i-02"});
  EXPECT_EQ(run.last.outcome, InPlaceOutcome::Succeeded);
  EXPECT_EQ(run.starts, (Batches{ids({"i-01", "i-02", "i-03"}), ids({"i-04", "i-05"}),
                                 ids({"i-06", "i-07"}), ids({"i-08", "i-09"})}));
  EXPECT_EQ(run.last.counts.succeeded, 8);
}

TEST(InPlaceSimulationTest, NineHostsHostCountSixFailsWhenFourFail) {
  auto run = simulate(hostCount(6), healthyTargets(9), {"i-01", "i-02", "i-03", "i-04"});
  EXPECT_EQ(run.last.outcome, InPlaceOutcome::Failed);
  EXPECT_EQ(run.last.errorCode, "HEALTH_CONSTRAINTS");
  EXPECT_GE(run.fewestHealthyAfterStart, 6);  // never went below the minimum on the way
}

TEST(InPlaceSimulationTest, NineHostsFleetPercentFortyGoesFiveThenFour) {
  auto run = simulate(fleetPercent(40), healthyTargets(9), {});
  EXPECT_EQ(run.last.outcome, InPlaceOutcome::Succeeded);
  ASSERT_EQ(run.starts.size(), 2u);
  EXPECT_EQ(run.starts[0].size(), 5u);
  EXPECT_EQ(run.starts[1].size(), 4u);
}

TEST(InPlaceSimulationTest, OneAtATimeRunsOneInstanceAtATime) {
  auto run = simulate(predefined(kOneAtATime), healthyTargets(5), {});
  EXPECT_EQ(run.last.outcome, InPlaceOutcome::Succeeded);
  EXPECT_EQ(run.starts, (Batches{ids({"i-01"}), ids({"i-02"}), ids({"i-03"}), ids({"i-04"}),
                                 ids({"i-05"})}));
}

TEST(InPlaceSimulationTest, OneAtATimeToleratesAFailureOnTheLastInstance) {
  auto run = simulate(predefined(kOneAtATime), healthyTargets(5), {"i-05"});
  EXPECT_EQ(run.last.outcome, InPlaceOutcome::Succeeded);
  EXPECT_EQ(run.starts.size(), 5u);
  EXPECT_NE(run.last.reason.find("tolerates a failure on the last instance"), std::string::npos)
      << run.last.reason;
}

TEST(InPlaceSimulationTest, OneAtATimeFailsOnAFailureOfAnyEarlierInstance) {
  for (const char* failing : {"i-01", "i-02", "i-03", "i-04"}) {
    auto run = simulate(predefined(kOneAtATime), healthyTargets(5), {failing});
    EXPECT_EQ(run.last.outcome, InPlaceOutcome::Failed) << failing;
    EXPECT_EQ(run.starts.back(), ids({failing})) << "stops right after " << failing;
    EXPECT_NE(run.last.reason.find(std::string(failing) + " (Failed"), std::string::npos)
        << run.last.reason;
  }
}

TEST(InPlaceSimulationTest, OneAtATimeWithOneHostNeedsThatHostToSucceed) {
  EXPECT_EQ(simulate(predefined(kOneAtATime), healthyTargets(1), {}).last.outcome,
            InPlaceOutcome::Succeeded);
  EXPECT_EQ(simulate(predefined(kOneAtATime), healthyTargets(1), {"i-01"}).last.outcome,
            InPlaceOutcome::Failed);
}

TEST(InPlaceSimulationTest, HalfAtATimeOnFourHosts) {
  auto clean = simulate(predefined(kHalfAtATime), healthyTargets(4), {});
  EXPECT_EQ(clean.starts, (Batches{ids({"i-01", "i-02"}), ids({"i-03", "i-04"})}));
  EXPECT_EQ(clean.last.outcome, InPlaceOutcome::Succeeded);

  auto oneFailure = simulate(predefined(kHalfAtATime), healthyTargets(4), {"i-01"});
  EXPECT_EQ(oneFailure.starts, (Batches{ids({"i-01", "i-02"}), ids({"i-03"}), ids({"i-04"})}));
  EXPECT_EQ(oneFailure.last.outcome, InPlaceOutcome::Succeeded);

  auto twoFailures = simulate(predefined(kHalfAtATime), healthyTargets(4), {"i-01", "i-02"});
  EXPECT_EQ(twoFailures.starts.size(), 1u);
  EXPECT_EQ(twoFailures.last.outcome, InPlaceOutcome::Failed);
}

TEST(InPlaceSimulationTest, HalfAtATimeOnFiveHostsNeedsThreeSuccesses) {
  auto clean = simulate(predefined(kHalfAtATime), healthyTargets(5), {});
  EXPECT_EQ(clean.starts,
            (Batches{ids({"i-01", "i-02"}), ids({"i-03", "i-04"}), ids({"i-05"})}));
  EXPECT_EQ(clean.last.outcome, InPlaceOutcome::Succeeded);
  // Three successes of five: enough.
  EXPECT_EQ(simulate(predefined(kHalfAtATime), healthyTargets(5), {"i-04", "i-05"}).last.outcome,
            InPlaceOutcome::Succeeded);
  // Two successes of five: not enough.
  EXPECT_EQ(
      simulate(predefined(kHalfAtATime), healthyTargets(5), {"i-03", "i-04", "i-05"}).last.outcome,
      InPlaceOutcome::Failed);
}

TEST(InPlaceSimulationTest, HalfAtATimeOnNineHosts) {
  auto clean = simulate(predefined(kHalfAtATime), healthyTargets(9), {});
  ASSERT_EQ(clean.starts.size(), 3u);
  EXPECT_EQ(clean.starts[0].size(), 4u);
  EXPECT_EQ(clean.starts[1].size(), 4u);
  EXPECT_EQ(clean.starts[2].size(), 1u);
  // Three of the first four fail: one at a time from then on, and five successes are reached.
  auto slowed = simulate(predefined(kHalfAtATime), healthyTargets(9), {"i-02", "i-03", "i-04"});
  EXPECT_EQ(slowed.last.outcome, InPlaceOutcome::Succeeded);
  EXPECT_EQ(slowed.starts.size(), 6u);
  EXPECT_EQ(slowed.starts[1], ids({"i-05"}));
  EXPECT_EQ(slowed.last.counts.succeeded, 6);
  // All four of the first batch fail: no instance can be taken down any more.
  auto failed =
      simulate(predefined(kHalfAtATime), healthyTargets(9), {"i-01", "i-02", "i-03", "i-04"});
  EXPECT_EQ(failed.last.outcome, InPlaceOutcome::Failed);
  EXPECT_EQ(failed.starts.size(), 1u);
}

TEST(InPlaceSimulationTest, AllAtOnceSucceedsWithOneSuccessAmongManyFailures) {
  std::set<std::string> allButOne;
  for (const auto& t : healthyTargets(9)) {
    if (t.instanceId != "i-07") allButOne.insert(t.instanceId);
  }
  auto run = simulate(predefined(kAllAtOnce), healthyTargets(9), allButOne);
  EXPECT_EQ(run.starts.size(), 1u);
  EXPECT_EQ(run.starts[0].size(), 9u);
  EXPECT_EQ(run.last.outcome, InPlaceOutcome::Succeeded);

  allButOne.insert("i-07");
  auto none = simulate(predefined(kAllAtOnce), healthyTargets(9), allButOne);
  EXPECT_EQ(none.last.outcome, InPlaceOutcome::Failed);
  EXPECT_NE(none.last.reason.find("Only 0 of 9 instances succeeded"), std::string::npos)
      << none.last.reason;
}

TEST(InPlaceSimulationTest, EightyFivePercentOfTenFailsOnASingleFailure) {
  // CodeDeploy's instance-health example: one failed instance plus one offline is below 85%.
  auto run = simulate(fleetPercent(85), healthyTargets(10), {"i-03"});
  EXPECT_EQ(run.last.outcome, InPlaceOutcome::Failed);
  EXPECT_EQ(run.starts.size(), 3u);
}

TEST(InPlaceSimulationTest, SlidingWindowStartsOneAsEachFinishes) {
  auto run = simulate(hostCount(6), healthyTargets(9), {}, /*inWaves=*/false);
  EXPECT_EQ(run.last.outcome, InPlaceOutcome::Succeeded);
  EXPECT_EQ(run.starts.front(), ids({"i-01", "i-02", "i-03"}));
  EXPECT_EQ(run.starts[1], ids({"i-04"}));
  EXPECT_EQ(run.mostInFlight, 3);
}

TEST(InPlaceSimulationTest, UnhealthyInstancesAreDeployedFirst) {
  auto targets = healthyTargets(5);
  target(targets, "i-05").health = InstanceHealth::Unhealthy;
  target(targets, "i-03").revisionHealth = RevisionHealth::Unknown;
  auto run = simulate(predefined(kOneAtATime), targets, {});
  EXPECT_EQ(run.last.outcome, InPlaceOutcome::Succeeded);
  EXPECT_EQ(run.starts, (Batches{ids({"i-05"}), ids({"i-03"}), ids({"i-01"}), ids({"i-02"}),
                                 ids({"i-04"})}));
}

// Every failure pattern of a small fleet, both completion styles: the limits always hold, and a
// success always has the successes it needs.
TEST(InPlaceSimulationTest, EveryFailurePatternKeepsTheLimits) {
  const int count = 6;
  const std::vector<InPlacePolicy> policies = {hostCount(0), hostCount(2), hostCount(4),
                                               fleetPercent(50), fleetPercent(34),
                                               predefined(kOneAtATime)};
  for (const auto& policy : policies) {
    auto numbers = inPlaceNumbers(policy, count);
    for (int mask = 0; mask < (1 << count); ++mask) {
      std::set<std::string> failing;
      for (int i = 0; i < count; ++i) {
        if (mask & (1 << i)) failing.insert(healthyTargets(count)[static_cast<std::size_t>(i)].instanceId);
      }
      for (bool inWaves : {true, false}) {
        auto run = simulate(policy, healthyTargets(count), failing, inWaves);
        SCOPED_TRACE(policy.label() + " mask " + std::to_string(mask));
        EXPECT_LE(run.mostInFlight, numbers.maxInFlight);
        EXPECT_GE(run.fewestHealthyAfterStart, numbers.minimumHealthyHosts);
        const int successes = count - static_cast<int>(failing.size());
        if (run.last.outcome == InPlaceOutcome::Succeeded) {
          EXPECT_GE(run.last.counts.succeeded, numbers.neededSuccesses);
        }
        if (failing.empty()) {
          EXPECT_EQ(run.last.outcome, InPlaceOutcome::Succeeded);
        }
        if (successes < numbers.neededSuccesses) {
          EXPECT_EQ(run.last.outcome, InPlaceOutcome::Failed);
        }
      }
    }
  }
}

}  // namespace
}  // namespace greenlight::domain
