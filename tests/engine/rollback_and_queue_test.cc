// Automatic and requested rollbacks, stopping, and the one-deployment-per-group queue.
#include "engine_test_fixture.h"

namespace greenlight::engine {
namespace {

TEST_F(EngineTest, AFailedDeploymentIsRolledBackToTheLastGoodRevisionWhichThenRuns) {
  auto ids = makeGroup(4, "CodeDeployDefault.OneAtATime", /*autoRollback=*/true);
  std::string good = addRevision('a');
  DeploymentView first = deploy(good);
  runToEnd(first.id);
  ASSERT_EQ(get(first.id).status, domain::DeploymentStatus::Succeeded);

  std::string bad = addRevision('b');
  DeploymentView broken = deploy(bad);
  reconcile();
  std::vector<std::string> flight = inProgress(broken.id);
  ASSERT_EQ(flight.size(), 1u);
  runAgent(flight[0], false);
  reconcile();

  DeploymentView failed = get(broken.id);
  EXPECT_EQ(failed.status, domain::DeploymentStatus::Failed);
  ASSERT_TRUE(failed.rolledBackBy.has_value());
  EXPECT_TRUE(contains(failed.errorMessage, *failed.rolledBackBy)) << failed.errorMessage;
  DeploymentView rollback = get(*failed.rolledBackBy);
  EXPECT_EQ(rollback.creator, domain::DeploymentCreator::Rollback);
  EXPECT_EQ(rollback.rollbackOf, broken.id);
  EXPECT_EQ(rollback.revision, good);
  EXPECT_EQ(rollback.configName, failed.configName);

  // The failed instance is unhealthy, so it goes first; then the rest one at a time.
  Waves waves = runToEnd(rollback.id);
  ASSERT_FALSE(waves.empty());
  EXPECT_EQ(waves.front(), std::vector<std::string>{flight[0]});
  DeploymentView restored = get(rollback.id);
  EXPECT_EQ(restored.status, domain::DeploymentStatus::Succeeded) << restored.errorMessage;
  for (const auto& id : ids) {
    auto instance = withCatalog([&](catalog::Catalog& c) { return c.getInstance(id); });
    ASSERT_TRUE(instance.ok());
    EXPECT_EQ(instance->currentRevision, good);
    EXPECT_FALSE(instance->lastDeploymentFailed);
  }
}

TEST_F(EngineTest, AFailedRollbackIsNotRolledBackAgain) {
  makeGroup(2, "CodeDeployDefault.OneAtATime", true);
  runToEnd(deploy(addRevision('a')).id);
  runToEnd(deploy(addRevision('b')).id);  // succeeds: now 'b' is the last good one
  DeploymentView worse = deploy(addRevision('c'));
  reconcile();
  runAgent(inProgress(worse.id).at(0), false);
  reconcile();
  DeploymentView failed = get(worse.id);
  ASSERT_TRUE(failed.rolledBackBy.has_value());
  EXPECT_EQ(get(*failed.rolledBackBy).revision, std::string(64, 'b'));
  // The rollback fails too: nothing is created after it.
  std::string rollbackId = *failed.rolledBackBy;
  reconcile();
  std::vector<std::string> flight = inProgress(rollbackId);
  ASSERT_EQ(flight.size(), 1u);
  runAgent(flight[0], false);
  reconcile();
  DeploymentView rollback = get(rollbackId);
  EXPECT_EQ(rollback.status, domain::DeploymentStatus::Failed);
  EXPECT_FALSE(rollback.rolledBackBy.has_value());
  auto all = engine_->listDeployments({});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 4u);
}

TEST_F(EngineTest, WithoutAnEarlierSuccessThereIsNothingToRollBackTo) {
  makeGroup(2, "CodeDeployDefault.OneAtATime", true);
  DeploymentView broken = deploy(addRevision('b'));
  reconcile();
  runAgent(inProgress(broken.id).at(0), false);
  reconcile();
  DeploymentView failed = get(broken.id);
  EXPECT_EQ(failed.status, domain::DeploymentStatus::Failed);
  EXPECT_FALSE(failed.rolledBackBy.has_value());
  EXPECT_TRUE(contains(failed.errorMessage, "no earlier successful deployment"));
  auto manual = engine_->rollback("shop", "web", std::nullopt, principal_);
  ASSERT_FALSE(manual.ok());
  EXPECT_EQ(manual.error().code, "NotFound");
}

TEST_F(EngineTest, ASecondDeploymentWaitsInTheQueueAndStartsAfterTheFirst) {
  makeGroup(2);
  std::string sha = addRevision('a');
  DeploymentView first = deploy(sha);
  DeploymentView second = deploy(addRevision('b'));
  reconcile();
  EXPECT_EQ(get(first.id).status, domain::DeploymentStatus::InProgress);
  EXPECT_EQ(get(second.id).status, domain::DeploymentStatus::Queued);
  EXPECT_TRUE(get(second.id).targets.empty());
  runToEnd(first.id);
  EXPECT_EQ(get(first.id).status, domain::DeploymentStatus::Succeeded);
  reconcile();
  EXPECT_EQ(get(second.id).status, domain::DeploymentStatus::InProgress);
  runToEnd(second.id);
  EXPECT_EQ(get(second.id).status, domain::DeploymentStatus::Succeeded);
}

TEST_F(EngineTest, StoppingSkipsWhatHasNotStartedAndLetsInstancesInFlightFinish) {
  makeGroup(4);
  DeploymentView created = deploy(addRevision('a'));
  reconcile();
  std::vector<std::string> flight = inProgress(created.id);
  ASSERT_EQ(flight.size(), 1u);
  auto stopped = engine_->stopDeployment(created.id, false, principal_);
  ASSERT_TRUE(stopped.ok()) << stopped.error().message;
  EXPECT_EQ(stopped->status, domain::DeploymentStatus::Stopped);
  EXPECT_EQ(stopped->errorCode, "DeploymentStopped");
  EXPECT_TRUE(stopped->stopRequested);
  EXPECT_EQ(stopped->counts.skipped, 3);
  EXPECT_EQ(stopped->counts.inProgress, 1);
  EXPECT_FALSE(stopped->rolledBackBy.has_value());
  reconcile();
  EXPECT_EQ(inProgress(created.id), flight);  // nothing more started, nothing cut short
  runAgent(flight[0], true);
  DeploymentView after = get(created.id);
  EXPECT_EQ(after.status, domain::DeploymentStatus::Stopped);
  EXPECT_EQ(after.counts.succeeded, 1);

  auto again = engine_->stopDeployment(created.id, false, principal_);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "Conflict");
  auto entries = database_->withConnection(
      [&](store::SqliteDatabase& db) { return audit_.list(db, {}); });
  ASSERT_TRUE(entries.ok());
  EXPECT_EQ(entries->front().action, "stop-deployment");
}

TEST_F(EngineTest, StoppingWithRollbackRedeploysTheLastGoodRevisionOnceTheGroupIsFree) {
  makeGroup(2);
  std::string good = addRevision('a');
  runToEnd(deploy(good).id);
  DeploymentView created = deploy(addRevision('b'));
  reconcile();
  std::vector<std::string> flight = inProgress(created.id);
  ASSERT_EQ(flight.size(), 1u);
  auto stopped = engine_->stopDeployment(created.id, true, principal_);
  ASSERT_TRUE(stopped.ok()) << stopped.error().message;
  ASSERT_TRUE(stopped->rolledBackBy.has_value());
  DeploymentView rollback = get(*stopped->rolledBackBy);
  EXPECT_EQ(rollback.revision, good);
  EXPECT_EQ(rollback.rollbackOf, created.id);
  // The stopped deployment still has an instance in flight: the rollback waits for it.
  reconcile();
  EXPECT_EQ(get(rollback.id).status, domain::DeploymentStatus::Queued);
  runAgent(flight[0], true);
  runToEnd(rollback.id);
  EXPECT_EQ(get(rollback.id).status, domain::DeploymentStatus::Succeeded);
}

TEST_F(EngineTest, StoppingAQueuedDeploymentStopsItBeforeItStarts) {
  makeGroup(2);
  DeploymentView first = deploy(addRevision('a'));
  DeploymentView second = deploy(addRevision('b'));
  reconcile();
  auto stopped = engine_->stopDeployment(second.id, false, principal_);
  ASSERT_TRUE(stopped.ok());
  EXPECT_EQ(stopped->status, domain::DeploymentStatus::Stopped);
  runToEnd(first.id);
  reconcile();
  EXPECT_EQ(get(second.id).status, domain::DeploymentStatus::Stopped);
  EXPECT_TRUE(get(second.id).targets.empty());
}

TEST_F(EngineTest, ARequestedRollbackGoesBeforeQueuedDeployments) {
  makeGroup(2);
  std::string good = addRevision('a');
  runToEnd(deploy(good).id);
  DeploymentView current = deploy(addRevision('b'));
  reconcile();
  DeploymentView queued = deploy(addRevision('c'));
  auto rollback = engine_->rollback("shop", "web", std::nullopt, principal_);
  ASSERT_TRUE(rollback.ok()) << rollback.error().message;
  EXPECT_EQ(rollback->creator, domain::DeploymentCreator::Rollback);
  // The newest deployment (the queued one) is the one undone; the last good one is 'a'.
  EXPECT_EQ(rollback->revision, good);
  EXPECT_EQ(rollback->rollbackOf, queued.id);
  runToEnd(current.id);
  reconcile();
  EXPECT_EQ(get(rollback->id).status, domain::DeploymentStatus::InProgress);
  EXPECT_EQ(get(queued.id).status, domain::DeploymentStatus::Queued);
  auto named = engine_->rollback("shop", "web", std::string(40, 'c').substr(0, 10), principal_);
  ASSERT_TRUE(named.ok()) << named.error().message;
  EXPECT_EQ(named->revision, std::string(64, 'c'));
}

}  // namespace
}  // namespace greenlight::engine
