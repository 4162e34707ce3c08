// Minimum healthy hosts, in-flight limit and needed successes against CodeDeploy's documented cases.
#include <gtest/gtest.h>

#include "domain/in_place_policy.h"
#include "in_place_test_helpers.h"

namespace greenlight::domain {
namespace {

using namespace testing;

struct NumbersCase {
  const char* label;
  InPlacePolicy policy;
  int instances;
  int minimumHealthyHosts;
  int maxInFlight;
  int neededSuccesses;
};

void PrintTo(const NumbersCase& c, std::ostream* out) { *out << c.label; }

class InPlaceNumbersTest : public ::testing::TestWithParam<NumbersCase> {};

TEST_P(InPlaceNumbersTest, MatchesCodeDeploy) {
  const auto& c = GetParam();
  auto numbers = inPlaceNumbers(c.policy, c.instances);
  EXPECT_EQ(numbers.instanceCount, c.instances);
  EXPECT_EQ(numbers.minimumHealthyHosts, c.minimumHealthyHosts) << c.label;
  EXPECT_EQ(numbers.maxInFlight, c.maxInFlight) << c.label;
  EXPECT_EQ(numbers.neededSuccesses, c.neededSuccesses) << c.label;
}

INSTANTIATE_TEST_SUITE_P(
    Documented, InPlaceNumbersTest,
    ::testing::Values(
        NumbersCase{"9 hosts HOST_COUNT 6: 3 at a time, 6 successes", hostCount(6), 9, 6, 3, 6},
        NumbersCase{"9 hosts FLEET_PERCENT 40: MHH 4, 5 at a time", fleetPercent(40), 9, 4, 5, 4},
        NumbersCase{"10 hosts FLEET_PERCENT 95 rounds up to 10", fleetPercent(95), 10, 10, 0, 10},
        NumbersCase{"10 hosts FLEET_PERCENT 85 rounds up to 9", fleetPercent(85), 10, 9, 1, 9},
        NumbersCase{"10 hosts FLEET_PERCENT 90 is exactly 9", fleetPercent(90), 10, 9, 1, 9},
        NumbersCase{"1 host HOST_COUNT 0 still needs one success", hostCount(0), 1, 0, 1, 1},
        NumbersCase{"HOST_COUNT above N leaves no room", hostCount(12), 9, 12, 0, 12},
        NumbersCase{"OneAtATime 5 hosts: all but one", predefined("CodeDeployDefault.OneAtATime"), 5, 4, 1, 4},
        NumbersCase{"OneAtATime 1 host", predefined("CodeDeployDefault.OneAtATime"), 1, 0, 1, 1},
        NumbersCase{"HalfAtATime 4 hosts", predefined("CodeDeployDefault.HalfAtATime"), 4, 2, 2, 2},
        NumbersCase{"HalfAtATime 5 hosts: 2 at a time, 3 needed", predefined("CodeDeployDefault.HalfAtATime"), 5, 3, 2, 3},
        NumbersCase{"HalfAtATime 9 hosts: 4 at a time, 5 needed", predefined("CodeDeployDefault.HalfAtATime"), 9, 5, 4, 5},
        NumbersCase{"AllAtOnce 9 hosts: all at once, one success", predefined("CodeDeployDefault.AllAtOnce"), 9, 0, 9, 1},
        NumbersCase{"AllAtOnce no hosts", predefined("CodeDeployDefault.AllAtOnce"), 0, 0, 0, 1}));

TEST(InPlacePolicyTest, RefusesTrafficRoutingConfigurations) {
  auto result = InPlacePolicy::fromConfig(*findPredefinedConfig("CodeDeployDefault.LambdaAllAtOnce"));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "InvalidDeploymentConfig");
  EXPECT_NE(result.error().message.find("CodeDeployDefault.LambdaAllAtOnce"), std::string::npos);
}

TEST(InPlacePolicyTest, LabelNamesTheConfigurationAndItsRule) {
  EXPECT_EQ(predefined("CodeDeployDefault.HalfAtATime").label(),
            "'CodeDeployDefault.HalfAtATime' (FLEET_PERCENT 50)");
}

}  // namespace
}  // namespace greenlight::domain
