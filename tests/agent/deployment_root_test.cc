// The deployment root: records, ongoing marker, last successful revision, retention, locking.
#include "agent/deployment_root.h"

#include <gtest/gtest.h>

#include <set>

#include "support/test_support.h"

namespace greenlight::agent {
namespace {

using greenlight::testing::TempDir;

DeploymentRecord recordAt(const std::string& id, int secondsAfterEpoch) {
  DeploymentRecord record;
  record.deploymentId = id;
  record.deploymentGroupId = "group";
  record.start = WallTime{} + std::chrono::seconds(1700000000 + secondsAfterEpoch);
  return record;
}

TEST(DeploymentRoot, RecordRoundTrip) {
  TempDir dir;
  DeploymentRoot root(dir.path());
  DeploymentRecord record = recordAt("d-1", 0);
  record.status = DeploymentStatus::Failed;
  EventRecord event;
  event.name = "ValidateService";
  event.status = EventStatus::Failed;
  event.errorCode = "ScriptFailed";
  event.exitCode = 3;
  event.logTail = "boom\n";
  event.start = record.start;
  event.end = *record.start + std::chrono::milliseconds(1500);
  record.events.push_back(event);
  ASSERT_TRUE(root.writeRecord(record).ok());
  auto read = root.readRecord("group", "d-1");
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(read->status, DeploymentStatus::Failed);
  ASSERT_EQ(read->events.size(), 1U);
  EXPECT_EQ(read->events[0].errorCode, "ScriptFailed");
  EXPECT_EQ(read->events[0].exitCode, 3);
  EXPECT_EQ(read->events[0].durationMs(), 1500);
  EXPECT_EQ(read->events[0].logTail, "boom\n");
}

TEST(DeploymentRoot, OngoingMarker) {
  TempDir dir;
  DeploymentRoot root(dir.path());
  EXPECT_FALSE(root.readOngoing().has_value());
  ASSERT_TRUE(root.writeOngoing({"d-2", "group", "AfterInstall", 10, 20, 30}).ok());
  auto ongoing = root.readOngoing();
  ASSERT_TRUE(ongoing.has_value());
  EXPECT_EQ(ongoing->event, "AfterInstall");
  EXPECT_EQ(ongoing->processGroup, 20);
  EXPECT_EQ(ongoing->processGroupStart, 30U);
  ASSERT_TRUE(root.clearOngoing().ok());
  EXPECT_FALSE(root.readOngoing().has_value());
}

TEST(DeploymentRoot, PruneKeepsTheBoundAndNeverTheProtected) {
  TempDir dir;
  DeploymentRoot root(dir.path());
  for (int i = 0; i < 8; ++i) ASSERT_TRUE(root.writeRecord(recordAt("d-" + std::to_string(i), i)).ok());
  // d-0 is the oldest but the last successful: it must survive.
  auto removed = root.prune("group", 3, {"d-0", "d-7"});
  EXPECT_EQ(removed, (std::vector<std::string>{"d-1", "d-2", "d-3", "d-4", "d-5"}));
  EXPECT_EQ(root.deployments("group"), (std::vector<std::string>{"d-0", "d-6", "d-7"}));
}

TEST(DeploymentRoot, LastSuccessfulAndMostRecent) {
  TempDir dir;
  DeploymentRoot root(dir.path());
  EXPECT_FALSE(root.lastSuccessful("group").has_value());
  ASSERT_TRUE(root.setLastSuccessful("group", "d-9").ok());
  ASSERT_TRUE(root.setMostRecent("group", "d-10").ok());
  EXPECT_EQ(root.lastSuccessful("group"), "d-9");
  EXPECT_EQ(root.mostRecent("group"), "d-10");
}

TEST(DeploymentRoot, SecondLockOnTheSameRootIsRefused) {
  TempDir dir;
  DeploymentRoot first(dir.path());
  DeploymentRoot second(dir.path());
  ASSERT_TRUE(first.lock().ok());
  auto status = second.lock();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, "RootBusy");
}

TEST(DeploymentRoot, IdsCannotEscapeTheRoot) {
  EXPECT_EQ(sanitizeId("../../etc"), "..-..-etc");
  EXPECT_EQ(sanitizeId(".."), "_..");
  EXPECT_EQ(sanitizeId("my group/1"), "my-group-1");
  std::string id = newDeploymentId();
  EXPECT_EQ(id.size(), 11U);
  EXPECT_EQ(id.substr(0, 2), "d-");
  EXPECT_NE(id, newDeploymentId());
}

}  // namespace
}  // namespace greenlight::agent
