// The engine killed mid-deployment and built again on the same store: it resumes where the store
// says it was, sends the same commands again, and finishes; and the engine's own thread driving
// a deployment while agents report from another.
#include "engine_test_fixture.h"

namespace greenlight::engine {
namespace {

std::int64_t commandRows(store::SerializedSqliteDatabase& database) {
  return database.withConnection([](store::SqliteDatabase& db) -> std::int64_t {
    auto select = db.prepare("SELECT count(*) FROM agent_commands");
    if (!select.ok() || !(*select)->step().ok()) return -1;
    return (*select)->read<std::int64_t>(0).value();
  });
}

TEST_F(EngineTest, ARestartedEngineResumesAndSendsTheSameCommandsAgain) {
  makeGroup(4);
  DeploymentView created = deploy(addRevision('a'));
  reconcile();
  runAgent(inProgress(created.id).at(0));
  reconcile();
  std::vector<std::string> flight = inProgress(created.id);
  ASSERT_EQ(flight.size(), 1u);
  AgentCommand sent = commandOf(flight[0]);
  ASSERT_TRUE(engine_->reportEvent(flight[0], sent.id, event("BeforeInstall", "InProgress")).ok());

  restart();
  reconcile();
  // Nothing new was started while the instance in flight has not reported its result.
  EXPECT_EQ(inProgress(created.id), flight);
  EXPECT_EQ(commandRows(*database_), 2);
  AgentCommand resent = commandOf(flight[0]);
  EXPECT_EQ(resent.id, sent.id);
  EXPECT_EQ(resent.payload, sent.payload);
  EXPECT_EQ(get(created.id).targets.size(), 4u);

  runAgent(flight[0]);
  Waves rest = runToEnd(created.id);
  EXPECT_EQ(rest.size(), 2u);
  DeploymentView done = get(created.id);
  EXPECT_EQ(done.status, domain::DeploymentStatus::Succeeded) << done.errorMessage;
  EXPECT_EQ(done.counts.succeeded, 4);
  EXPECT_EQ(commandRows(*database_), 4);
}

TEST_F(EngineTest, ARestartBetweenCreationAndStartStartsTheDeployment) {
  makeGroup(2);
  DeploymentView created = deploy(addRevision('a'));
  restart();
  runToEnd(created.id);
  EXPECT_EQ(get(created.id).status, domain::DeploymentStatus::Succeeded);
}

TEST_F(EngineTest, TheEngineThreadDrivesADeploymentWhileAgentsReport) {
  EngineOptions options;
  options.idleInterval = std::chrono::milliseconds(50);
  makeEngine(options);
  engine_->start();
  makeGroup(4, "CodeDeployDefault.HalfAtATime");
  DeploymentView created = deploy(addRevision('a'));
  std::set<std::string> done;
  bool finished = false;
  // The loop starts instances on its own; the test answers for the agents as they appear.
  ASSERT_TRUE(testing::waitFor([&] {
    auto view = engine_->getDeployment(created.id);
    if (!view.ok()) return false;
    if (domain::isFinal(view->status)) {
      finished = true;
      return true;
    }
    for (const auto& target : view->targets) {
      if (target.status != domain::InstanceStatus::InProgress || done.count(target.instanceId)) {
        continue;
      }
      runAgent(target.instanceId);
      done.insert(target.instanceId);
    }
    return false;
  }, std::chrono::seconds(60)));
  ASSERT_TRUE(finished);
  EXPECT_EQ(get(created.id).status, domain::DeploymentStatus::Succeeded);
  EXPECT_EQ(done.size(), 4u);
  engine_->stop();
  engine_->stop();  // a second stop is harmless
}

}  // namespace
}  // namespace greenlight::engine
