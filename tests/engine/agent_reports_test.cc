// What agents see and report: commands handed out and handed out again, reports that arrive late
// or twice, instances lost mid-lifecycle, and hooks that fire only after the commit.
#include "engine_test_fixture.h"

namespace greenlight::engine {
namespace {

TEST_F(EngineTest, ACommandIsHandedOutUntilItsResultArrives) {
  auto ids = makeGroup(1, "CodeDeployDefault.AllAtOnce");
  DeploymentView created = deploy(addRevision('a'));
  auto before = engine_->commandsFor(ids[0]);
  ASSERT_TRUE(before.ok());
  EXPECT_TRUE(before->empty());
  reconcile();
  AgentCommand first = commandOf(ids[0]);
  AgentCommand again = commandOf(ids[0]);  // a lost answer: the same command, not a new one
  EXPECT_EQ(first.id, again.id);
  EXPECT_EQ(first.payload, again.payload);
  runAgent(ids[0]);
  auto after = engine_->commandsFor(ids[0]);
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->empty());
  reconcile();
  EXPECT_EQ(get(created.id).status, domain::DeploymentStatus::Succeeded);
}

TEST_F(EngineTest, LateAndRepeatedReportsChangeNothing) {
  auto ids = makeGroup(1, "CodeDeployDefault.AllAtOnce");
  DeploymentView created = deploy(addRevision('a'));
  reconcile();
  AgentCommand command = commandOf(ids[0]);
  runAgent(ids[0]);
  reconcile();
  DeploymentView done = get(created.id);
  ASSERT_EQ(done.status, domain::DeploymentStatus::Succeeded);

  ResultReport failure;
  failure.succeeded = false;
  failure.errorCode = "ScriptFailed";
  failure.events.push_back(event("ValidateService", "Failed", "late output"));
  EXPECT_TRUE(engine_->reportResult(ids[0], command.id, failure).ok());
  EXPECT_TRUE(engine_->reportEvent(ids[0], command.id, event("AfterInstall", "InProgress")).ok());
  reconcile();
  DeploymentView after = get(created.id);
  EXPECT_EQ(after.version, done.version);
  EXPECT_EQ(after.status, domain::DeploymentStatus::Succeeded);
  ASSERT_EQ(after.targets.size(), 1u);
  EXPECT_EQ(after.targets[0].status, domain::InstanceStatus::Succeeded);
  EXPECT_EQ(after.targets[0].events.back().status, "Succeeded");
  EXPECT_EQ(after.targets[0].events.back().logTail, "");
  auto instance = withCatalog([&](catalog::Catalog& c) { return c.getInstance(ids[0]); });
  ASSERT_TRUE(instance.ok());
  EXPECT_FALSE(instance->lastDeploymentFailed);
}

TEST_F(EngineTest, AFinishedEventIsNotTakenBackByALateInProgressReport) {
  auto ids = makeGroup(1, "CodeDeployDefault.AllAtOnce");
  DeploymentView created = deploy(addRevision('a'));
  reconcile();
  AgentCommand command = commandOf(ids[0]);
  ASSERT_TRUE(engine_->reportEvent(ids[0], command.id, event("BeforeInstall", "Succeeded")).ok());
  ASSERT_TRUE(engine_->reportEvent(ids[0], command.id, event("BeforeInstall", "InProgress")).ok());
  DeploymentView view = get(created.id);
  ASSERT_EQ(view.targets.at(0).events.size(), 1u);
  EXPECT_EQ(view.targets[0].events[0].status, "Succeeded");
  EXPECT_EQ(view.targets[0].currentEvent, "BeforeInstall");
}

TEST_F(EngineTest, ReportsForCommandsThatAreNotTheInstancesAreRefused) {
  auto ids = makeGroup(2, "CodeDeployDefault.AllAtOnce");
  deploy(addRevision('a'));
  reconcile();
  AgentCommand command = commandOf(ids[0]);
  Status other = engine_->reportEvent(ids[1], command.id, event("BeforeInstall", "InProgress"));
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, "NotFound");
  Status unknown = engine_->reportResult(ids[0], "d-XXXXXXXXX/" + ids[0], ResultReport{});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, "NotFound");
  Status malformed = engine_->reportEvent(ids[0], command.id, event("BeforeInstall", "Exploded"));
  ASSERT_FALSE(malformed.ok());
  EXPECT_EQ(malformed.error().code, "InvalidArgument");
}

TEST_F(EngineTest, AnInstanceLostMidLifecycleFailsItsTargetAndCountsAgainstTheMinimum) {
  makeGroup(4);
  DeploymentView created = deploy(addRevision('a'));
  reconcile();
  std::vector<std::string> flight = inProgress(created.id);
  ASSERT_EQ(flight.size(), 1u);
  AgentCommand command = commandOf(flight[0]);
  ASSERT_TRUE(engine_->reportEvent(flight[0], command.id, event("AfterInstall", "InProgress")).ok());
  withCatalog([&](catalog::Catalog& c) {
    Status lost = c.setInstanceLifecycle(flight[0], catalog::InstanceLifecycle::Lost,
                                         "agent process 4242 exited on signal 9");
    EXPECT_TRUE(lost.ok()) << lost.error().message;
    return 0;
  });
  reconcile();
  DeploymentView failed = get(created.id);
  EXPECT_EQ(failed.status, domain::DeploymentStatus::Failed);
  EXPECT_EQ(failed.errorCode, "HEALTH_CONSTRAINTS");
  EXPECT_EQ(failed.counts.failed, 1);
  EXPECT_EQ(failed.counts.skipped, 3);
  const TargetView* lost = nullptr;
  for (const auto& target : failed.targets) {
    if (target.instanceId == flight[0]) lost = &target;
  }
  ASSERT_NE(lost, nullptr);
  EXPECT_EQ(lost->errorCode, "InstanceLost");
  EXPECT_TRUE(contains(lost->message, "signal 9")) << lost->message;
  EXPECT_TRUE(contains(lost->message, "AfterInstall")) << lost->message;
  EXPECT_TRUE(contains(failed.errorMessage, "InstanceLost")) << failed.errorMessage;
  auto commands = engine_->commandsFor(flight[0]);
  ASSERT_TRUE(commands.ok());
  EXPECT_TRUE(commands->empty());
  // The agent comes back and reports: too late, nothing changes.
  ResultReport late;
  late.succeeded = true;
  EXPECT_TRUE(engine_->reportResult(flight[0], command.id, late).ok());
  EXPECT_EQ(get(created.id).targets.size(), 4u);
  EXPECT_EQ(get(created.id).counts.failed, 1);
}

TEST_F(EngineTest, AnInstanceLostInAToleratingDeploymentLetsItGoOn) {
  makeGroup(4, "CodeDeployDefault.HalfAtATime");
  DeploymentView created = deploy(addRevision('a'));
  reconcile();
  std::vector<std::string> flight = inProgress(created.id);
  ASSERT_EQ(flight.size(), 2u);
  withCatalog([&](catalog::Catalog& c) {
    return c.setInstanceLifecycle(flight[0], catalog::InstanceLifecycle::Lost, "host down").ok();
  });
  runAgent(flight[1]);
  runToEnd(created.id);
  DeploymentView done = get(created.id);
  EXPECT_EQ(done.status, domain::DeploymentStatus::Succeeded) << done.errorMessage;
  EXPECT_EQ(done.counts.succeeded, 3);
  EXPECT_EQ(done.counts.failed, 1);
}

class EngineHookTest : public EngineTest {
 protected:
  // Looks at the store through a second connection, which sees committed data only.
  void onCommandQueued(const std::string& instanceId) override {
    auto other = store::SqliteDatabase::openInDataFolder(folder_.path());
    ASSERT_TRUE(other.ok());
    auto select = (*other)->prepare(
        "SELECT count(*) FROM agent_commands c JOIN deployment_targets t"
        " ON t.deployment_id = c.deployment_id AND t.instance_id = c.instance_id"
        " WHERE c.instance_id = ? AND t.status = 'InProgress'");
    ASSERT_TRUE(select.ok());
    ASSERT_TRUE((*select)->bindAll(instanceId).ok());
    ASSERT_TRUE((*select)->step().ok());
    committedWhenQueued_.push_back((*select)->read<std::int64_t>(0).value());
  }
  std::vector<std::int64_t> committedWhenQueued_;
};

TEST_F(EngineHookTest, HooksFireAfterTheirChangeIsCommitted) {
  auto ids = makeGroup(2, "CodeDeployDefault.AllAtOnce");
  DeploymentView created = deploy(addRevision('a'));
  EXPECT_EQ(changedHooks(), std::vector<std::string>{created.id});
  reconcile();
  std::vector<std::string> queued = queuedHooks();
  std::sort(queued.begin(), queued.end());
  std::vector<std::string> sortedIds = ids;
  std::sort(sortedIds.begin(), sortedIds.end());
  EXPECT_EQ(queued, sortedIds);
  EXPECT_EQ(committedWhenQueued_, (std::vector<std::int64_t>{1, 1}));
  std::size_t changes = changedHooks().size();
  AgentCommand command = commandOf(ids[0]);
  ASSERT_TRUE(engine_->reportEvent(ids[0], command.id, event("BeforeInstall", "InProgress")).ok());
  EXPECT_EQ(changedHooks().size(), changes + 1);
  EXPECT_EQ(changedHooks().back(), created.id);
}

}  // namespace
}  // namespace greenlight::engine
