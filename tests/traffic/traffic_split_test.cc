// Weights for a traffic split, and the share each side really gets from the balancer's view.
#include <gtest/gtest.h>

#include "traffic/traffic_split.h"

namespace greenlight::traffic {
namespace {

const std::vector<std::string> kOld = {"o1", "o2", "o3", "o4"};
const std::vector<std::string> kNew = {"n1", "n2", "n3", "n4"};

double shareOfNew(const std::map<std::string, int>& weights) {
  double newTotal = 0, total = 0;
  for (const auto& [member, weight] : weights) {
    total += weight;
    if (member[0] == 'n') newTotal += weight;
  }
  return total > 0 ? 100.0 * newTotal / total : 0.0;
}

TEST(WeightsForSplit, CanaryTenPercentIsExactAndSmall) {
  auto weights = weightsForSplit(kOld, kNew, 10);
  EXPECT_EQ(weights.at("o1"), 9);
  EXPECT_EQ(weights.at("n1"), 1);
  EXPECT_DOUBLE_EQ(shareOfNew(weights), 10.0);
}

TEST(WeightsForSplit, EveryLinearStepIsExact) {
  for (int percent : {25, 50, 75}) {
    EXPECT_DOUBLE_EQ(shareOfNew(weightsForSplit(kOld, kNew, percent)), percent) << percent;
  }
}

TEST(WeightsForSplit, UnevenFleetsStayExactWhenTheyFit) {
  std::vector<std::string> three = {"n1", "n2", "n3"};
  auto weights = weightsForSplit(kOld, three, 30);
  EXPECT_DOUBLE_EQ(shareOfNew(weights), 30.0);
  for (const auto& [member, weight] : weights) EXPECT_LE(weight, 256) << member;
}

TEST(WeightsForSplit, LargeFleetsAreScaledIntoTheWeightRange) {
  std::vector<std::string> many, others;
  for (int i = 0; i < 100; ++i) many.push_back("n" + std::to_string(i));
  for (int i = 0; i < 97; ++i) others.push_back("o" + std::to_string(i));
  auto weights = weightsForSplit(others, many, 33);
  for (const auto& [member, weight] : weights) {
    EXPECT_GE(weight, 1) << member;
    EXPECT_LE(weight, 256) << member;
  }
  EXPECT_NEAR(shareOfNew(weights), 33.0, 1.0);
}

TEST(WeightsForSplit, EndsGiveTheOtherSideNothing) {
  auto all = weightsForSplit(kOld, kNew, 100);
  EXPECT_EQ(all.at("o1"), 0);
  EXPECT_GT(all.at("n1"), 0);
  auto none = weightsForSplit(kOld, kNew, 0);
  EXPECT_GT(none.at("o1"), 0);
  EXPECT_EQ(none.at("n1"), 0);
}

TEST(WeightsForSplit, AnEmptySideNeverLeavesEveryWeightAtZero) {
  auto onlyNew = weightsForSplit({}, kNew, 10);
  EXPECT_GT(onlyNew.at("n1"), 0);
  auto onlyOld = weightsForSplit(kOld, {}, 90);
  EXPECT_GT(onlyOld.at("o1"), 0);
  EXPECT_EQ(weightsForSplit(kOld, kNew, 250).at("o1"), 0);  // clamped to 100
}

MemberStatus member(std::string id, int weight, bool healthy, std::string admin = "ready") {
  MemberStatus status;
  status.instanceId = std::move(id);
  status.weight = weight;
  status.healthy = healthy;
  status.adminState = std::move(admin);
  return status;
}

TEST(ShareBySide, CountsOnlyHealthyReadyMembers) {
  std::vector<MemberStatus> members = {member("o1", 9, true), member("o2", 9, false),
                                       member("n1", 1, true), member("n2", 1, true, "drain")};
  std::map<std::string, std::string> side = {
      {"o1", "v001"}, {"o2", "v001"}, {"n1", "v002"}, {"n2", "v002"}};
  auto share = shareBySide(members, side);
  EXPECT_DOUBLE_EQ(share.at("v001"), 90.0);
  EXPECT_DOUBLE_EQ(share.at("v002"), 10.0);
}

TEST(ShareBySide, NothingServingIsZeroEverywhere) {
  auto share = shareBySide({member("o1", 5, false)}, {{"o1", "v001"}});
  EXPECT_DOUBLE_EQ(share.at("v001"), 0.0);
}

}  // namespace
}  // namespace greenlight::traffic
