// The plan shown before an in-place deployment runs.
#include <gtest/gtest.h>

#include "domain/in_place_plan.h"
#include "in_place_test_helpers.h"

namespace greenlight::domain {
namespace {

using namespace testing;
using Batches = std::vector<std::vector<std::string>>;

TEST(InPlacePlanTest, NineHostsHostCountSix) {
  auto plan = planBatches(hostCount(6), healthyTargets(9));
  EXPECT_TRUE(plan.feasible);
  EXPECT_EQ(plan.configName, "custom");
  EXPECT_EQ(plan.numbers.minimumHealthyHosts, 6);
  EXPECT_EQ(plan.numbers.maxInFlight, 3);
  EXPECT_EQ(plan.numbers.neededSuccesses, 6);
  EXPECT_EQ(plan.batches, (Batches{ids({"i-01", "i-02", "i-03"}), ids({"i-04", "i-05", "i-06"}),
                                   ids({"i-07", "i-08", "i-09"})}));
}

TEST(InPlacePlanTest, OneAtATimeWithAnUnhealthyInstanceStartsWithIt) {
  auto targets = healthyTargets(3);
  target(targets, "i-02").health = InstanceHealth::Unhealthy;
  auto plan = planBatches(predefined("CodeDeployDefault.OneAtATime"), targets);
  EXPECT_TRUE(plan.feasible);
  EXPECT_EQ(plan.batches, (Batches{ids({"i-02"}), ids({"i-01"}), ids({"i-03"})}));
}

TEST(InPlacePlanTest, ImpossibleConfigurationSaysWhy) {
  auto plan = planBatches(fleetPercent(95), healthyTargets(10));
  EXPECT_FALSE(plan.feasible);
  EXPECT_TRUE(plan.batches.empty());
  EXPECT_EQ(plan.errorCode, "HEALTH_CONSTRAINTS_INVALID");
  EXPECT_NE(plan.reason.find("requires 10 instances"), std::string::npos) << plan.reason;
}

TEST(InPlacePlanTest, ResumedDeploymentPlansOnlyWhatIsLeft) {
  auto targets = healthyTargets(5);
  target(targets, "i-01").status = InstanceStatus::Succeeded;
  target(targets, "i-02").status = InstanceStatus::InProgress;
  auto plan = planBatches(predefined("CodeDeployDefault.HalfAtATime"), targets);
  EXPECT_TRUE(plan.feasible);
  EXPECT_EQ(plan.batches, (Batches{ids({"i-03"}), ids({"i-04", "i-05"})}));
}

TEST(InPlacePlanTest, PlanMatchesASimulationWhereEverythingSucceeds) {
  for (int count = 1; count <= 12; ++count) {
    for (int percent : {0, 25, 50, 75, 99}) {
      auto plan = planBatches(fleetPercent(percent), healthyTargets(count));
      auto run = simulate(fleetPercent(percent), healthyTargets(count), {});
      EXPECT_EQ(plan.feasible, run.last.outcome == InPlaceOutcome::Succeeded);
      EXPECT_EQ(plan.batches, run.starts) << count << " hosts, " << percent << "%";
    }
  }
}

}  // namespace
}  // namespace greenlight::domain
