// Deployment status transitions and the names of statuses, creators and instance states.
#include <set>

#include <gtest/gtest.h>

#include "domain/deployment_status.h"
#include "domain/instance_state.h"

namespace greenlight::domain {
namespace {

using S = DeploymentStatus;
const std::vector<S> kAll = {S::Created, S::Queued,    S::InProgress, S::Baking,
                             S::Ready,   S::Succeeded, S::Failed,     S::Stopped};

TEST(DeploymentStatusTest, AllowedTransitionsAreExactlyTheseOnes) {
  const std::set<std::pair<S, S>> allowed = {
      {S::Created, S::Queued},     {S::Created, S::InProgress}, {S::Created, S::Failed},
      {S::Created, S::Stopped},    {S::Queued, S::InProgress},  {S::Queued, S::Failed},
      {S::Queued, S::Stopped},     {S::InProgress, S::Ready},   {S::InProgress, S::Baking},
      {S::InProgress, S::Succeeded}, {S::InProgress, S::Failed}, {S::InProgress, S::Stopped},
      {S::Ready, S::InProgress},   {S::Ready, S::Failed},       {S::Ready, S::Stopped},
      {S::Baking, S::Succeeded},   {S::Baking, S::Failed},      {S::Baking, S::Stopped},
  };
  for (S from : kAll) {
    for (S to : kAll) {
      EXPECT_EQ(canTransition(from, to), allowed.count({from, to}) > 0)
          << toString(from) << " -> " << toString(to);
    }
  }
}

TEST(DeploymentStatusTest, FinalStatusesHaveNoWayOut) {
  for (S status : kAll) {
    bool final = status == S::Succeeded || status == S::Failed || status == S::Stopped;
    EXPECT_EQ(isFinal(status), final) << toString(status);
  }
  EXPECT_FALSE(canTransition(S::Succeeded, S::InProgress));
  EXPECT_FALSE(canTransition(S::Failed, S::Queued));
}

TEST(DeploymentStatusTest, NamesRoundTrip) {
  for (S status : kAll) EXPECT_EQ(parseDeploymentStatus(toString(status)), status);
  EXPECT_EQ(parseDeploymentStatus("inprogress"), S::InProgress);
  EXPECT_FALSE(parseDeploymentStatus("Running").has_value());
}

TEST(DeploymentCreatorTest, NamesRoundTrip) {
  for (auto creator : {DeploymentCreator::User, DeploymentCreator::Rollback, DeploymentCreator::Autoscaling}) {
    EXPECT_EQ(parseDeploymentCreator(toString(creator)), creator);
  }
  EXPECT_STREQ(toString(DeploymentCreator::Autoscaling), "autoscaling");
  EXPECT_FALSE(parseDeploymentCreator("robot").has_value());
}

TEST(InstanceStateNamesTest, RoundTrip) {
  for (auto status : {InstanceStatus::Pending, InstanceStatus::InProgress, InstanceStatus::Succeeded,
                      InstanceStatus::Failed, InstanceStatus::Skipped, InstanceStatus::Unknown,
                      InstanceStatus::Ready}) {
    EXPECT_EQ(parseInstanceStatus(toString(status)), status);
  }
  EXPECT_EQ(parseInstanceHealth("unhealthy"), InstanceHealth::Unhealthy);
  EXPECT_EQ(parseRevisionHealth("Old"), RevisionHealth::Old);
  EXPECT_STREQ(toString(RevisionHealth::Unknown), "Unknown");
  EXPECT_FALSE(parseInstanceHealth("Sick").has_value());
}

}  // namespace
}  // namespace greenlight::domain
