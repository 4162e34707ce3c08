// In-place deployments run through the engine with simulated agents: how many instances go at
// once under each configuration, when a failure stops the deployment, and what it says.
#include "engine_test_fixture.h"

namespace greenlight::engine {
namespace {

std::vector<std::size_t> waveSizes(const Waves& waves) {
  std::vector<std::size_t> sizes;
  for (const auto& wave : waves) sizes.push_back(wave.size());
  return sizes;
}

TEST_F(EngineTest, OneAtATimeDeploysFourInstancesOneByOne) {
  auto ids = makeGroup(4);
  std::string sha = addRevision('a');
  DeploymentView created = deploy(sha);
  EXPECT_EQ(created.status, domain::DeploymentStatus::Created);
  EXPECT_EQ(created.id.size(), 11u);
  EXPECT_EQ(created.id.substr(0, 2), "d-");

  Waves waves = runToEnd(created.id);
  EXPECT_EQ(waveSizes(waves), (std::vector<std::size_t>{1, 1, 1, 1}));
  DeploymentView done = get(created.id);
  EXPECT_EQ(done.status, domain::DeploymentStatus::Succeeded) << done.errorMessage;
  EXPECT_EQ(done.counts.succeeded, 4);
  ASSERT_TRUE(done.numbers.has_value());
  EXPECT_EQ(done.numbers->instanceCount, 4);
  EXPECT_EQ(done.numbers->minimumHealthyHosts, 3);
  EXPECT_EQ(done.numbers->maxInFlight, 1);
  ASSERT_TRUE(done.durationMs.has_value());
  for (const auto& id : ids) {
    auto instance = withCatalog([&](catalog::Catalog& c) { return c.getInstance(id); });
    ASSERT_TRUE(instance.ok());
    EXPECT_EQ(instance->currentRevision, sha);
    EXPECT_EQ(instance->lastDeploymentId, created.id);
  }
  // Every target carries its events in lifecycle order.
  ASSERT_EQ(done.targets.size(), 4u);
  ASSERT_EQ(done.targets[0].events.size(), 7u);
  EXPECT_EQ(done.targets[0].events.front().event, "ApplicationStop");
  EXPECT_EQ(done.targets[0].events.back().event, "ValidateService");
  EXPECT_EQ(done.targets[0].currentEvent, "ValidateService");
}

TEST_F(EngineTest, HalfAtATimeDeploysTwoAtATime) {
  makeGroup(4, "CodeDeployDefault.HalfAtATime");
  DeploymentView created = deploy(addRevision('a'));
  Waves waves = runToEnd(created.id);
  EXPECT_EQ(waveSizes(waves), (std::vector<std::size_t>{2, 2}));
  EXPECT_EQ(get(created.id).status, domain::DeploymentStatus::Succeeded);
}

TEST_F(EngineTest, AllAtOnceDeploysEveryInstanceTogether) {
  makeGroup(4);
  DeploymentView created = deploy(addRevision('a'), "CodeDeployDefault.AllAtOnce");
  EXPECT_EQ(created.configName, "CodeDeployDefault.AllAtOnce");
  Waves waves = runToEnd(created.id);
  EXPECT_EQ(waveSizes(waves), (std::vector<std::size_t>{4}));
  EXPECT_EQ(get(created.id).status, domain::DeploymentStatus::Succeeded);
}

TEST_F(EngineTest, AFailureInTheMiddleFailsAtOnceAndSkipsTheRest) {
  makeGroup(4);
  std::string sha = addRevision('a');
  // A first good deployment, so instances are all on an old revision, ordered by id.
  runToEnd(deploy(sha).id);
  std::string bad = addRevision('b');
  DeploymentView created = deploy(bad);
  reconcile();
  std::vector<std::string> first = inProgress(created.id);
  ASSERT_EQ(first.size(), 1u);
  runAgent(first[0], true);
  reconcile();
  std::vector<std::string> second = inProgress(created.id);
  ASSERT_EQ(second.size(), 1u);
  runAgent(second[0], false, "ValidateService");
  reconcile();

  DeploymentView failed = get(created.id);
  EXPECT_EQ(failed.status, domain::DeploymentStatus::Failed);
  EXPECT_EQ(failed.errorCode, "HEALTH_CONSTRAINTS");
  EXPECT_TRUE(contains(failed.errorMessage, second[0])) << failed.errorMessage;
  EXPECT_TRUE(contains(failed.errorMessage, "ValidateService")) << failed.errorMessage;
  EXPECT_TRUE(contains(failed.errorMessage, "ScriptFailed")) << failed.errorMessage;
  EXPECT_TRUE(contains(failed.errorMessage, "curl: (7) Failed to connect")) << failed.errorMessage;
  EXPECT_EQ(failed.counts.succeeded, 1);
  EXPECT_EQ(failed.counts.failed, 1);
  EXPECT_EQ(failed.counts.skipped, 2);
  EXPECT_TRUE(inProgress(created.id).empty());
  ASSERT_TRUE(failed.endedAt.has_value());

  auto instance = withCatalog([&](catalog::Catalog& c) { return c.getInstance(second[0]); });
  ASSERT_TRUE(instance.ok());
  EXPECT_TRUE(instance->lastDeploymentFailed);
  EXPECT_EQ(instance->currentRevision, sha);  // still the old one
}

TEST_F(EngineTest, OneAtATimeToleratesAFailureOnTheLastInstance) {
  auto ids = makeGroup(4);
  DeploymentView created = deploy(addRevision('a'));
  // The last instance in deployment order: all are revision Unknown and healthy, so by id.
  std::vector<std::string> sorted = ids;
  std::sort(sorted.begin(), sorted.end());
  Waves waves = runToEnd(created.id, {sorted.back()});
  ASSERT_EQ(waves.size(), 4u);
  EXPECT_EQ(waves.back(), std::vector<std::string>{sorted.back()});
  DeploymentView done = get(created.id);
  EXPECT_EQ(done.status, domain::DeploymentStatus::Succeeded) << done.errorMessage;
  EXPECT_EQ(done.counts.succeeded, 3);
  EXPECT_EQ(done.counts.failed, 1);
}

TEST_F(EngineTest, ADeploymentToAGroupWithoutInstancesFailsWithNoInstances) {
  makeGroup(0 + 1);
  withCatalog([&](catalog::Catalog& c) {
    auto instances = c.listInstances(groupId_);
    for (const auto& instance : *instances) {
      EXPECT_TRUE(c.setInstanceLifecycle(instance.id, catalog::InstanceLifecycle::Terminated,
                                         "stopped by test").ok());
    }
    return 0;
  });
  DeploymentView created = deploy(addRevision('a'));
  reconcile();
  DeploymentView failed = get(created.id);
  EXPECT_EQ(failed.status, domain::DeploymentStatus::Failed);
  EXPECT_EQ(failed.errorCode, "NO_INSTANCES");
}

TEST_F(EngineTest, ThePlanMatchesWhatRuns) {
  makeGroup(4, "CodeDeployDefault.HalfAtATime");
  std::string sha = addRevision('a');
  auto plan = engine_->plan("shop", "web", std::nullopt);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_TRUE(plan->feasible);
  EXPECT_EQ(plan->configName, "CodeDeployDefault.HalfAtATime");
  EXPECT_EQ(plan->numbers.minimumHealthyHosts, 2);
  Waves waves = runToEnd(deploy(sha).id);
  ASSERT_EQ(plan->batches.size(), waves.size());
  for (std::size_t i = 0; i < waves.size(); ++i) {
    std::vector<std::string> planned = plan->batches[i];
    std::sort(planned.begin(), planned.end());
    std::vector<std::string> ran = waves[i];
    std::sort(ran.begin(), ran.end());
    EXPECT_EQ(planned, ran) << "wave " << i;
  }
  auto oneAtATime = engine_->plan("shop", "web", "CodeDeployDefault.OneAtATime");
  ASSERT_TRUE(oneAtATime.ok());
  EXPECT_EQ(oneAtATime->batches.size(), 4u);
}

TEST_F(EngineTest, TheCommandCarriesTheRevisionAndTheGroupsSettings) {
  auto ids = makeGroup(1, "CodeDeployDefault.AllAtOnce");
  std::string sha = addRevision('c');
  DeploymentView created = deploy(sha);
  reconcile();
  AgentCommand command = commandOf(ids[0]);
  EXPECT_EQ(command.id, created.id + "/" + ids[0]);
  const auto& payload = command.payload;
  EXPECT_EQ(payload["id"], command.id);
  EXPECT_EQ(payload["deploymentId"], created.id);
  EXPECT_EQ(payload["applicationName"], "shop");
  EXPECT_EQ(payload["deploymentGroupName"], "web");
  EXPECT_EQ(payload["deploymentGroupId"], groupId_);
  EXPECT_EQ(payload["revision"]["sha256"], sha);
  EXPECT_EQ(payload["revision"]["bundleType"], "tgz");
  EXPECT_EQ(payload["revision"]["sizeBytes"], 1234);
  EXPECT_EQ(payload["revision"]["url"], "/v1/revisions/" + sha + "/bundle");
  EXPECT_EQ(payload["appspecFilename"], "appspec.yml");
  EXPECT_EQ(payload["fileExistsBehavior"], "OVERWRITE");
  EXPECT_EQ(payload["ignoreApplicationStopFailures"], false);
  EXPECT_EQ(payload["environment"], nlohmann::json({{"APP_ENV", "test"}}));
  EXPECT_EQ(payload["revisionsToKeep"], 3);
}

TEST_F(EngineTest, RequestValuesOverrideTheGroupsInTheCommand) {
  auto ids = makeGroup(1, "CodeDeployDefault.AllAtOnce");
  DeploymentRequest request;
  request.application = "shop";
  request.group = "web";
  request.revision = "latest";
  addRevision('d');
  request.fileExistsBehavior = "RETAIN";
  request.ignoreApplicationStopFailures = true;
  auto created = engine_->createDeployment(request, principal_);
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(created->revision, std::string(64, 'd'));
  reconcile();
  AgentCommand command = commandOf(ids[0]);
  EXPECT_EQ(command.payload["fileExistsBehavior"], "RETAIN");
  EXPECT_EQ(command.payload["ignoreApplicationStopFailures"], true);

  request.fileExistsBehavior = "CLOBBER";
  auto refused = engine_->createDeployment(request, principal_);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "InvalidArgument");
  EXPECT_TRUE(contains(refused.error().message, "CLOBBER"));
}

TEST_F(EngineTest, CreatingADeploymentIsAudited) {
  makeGroup(1);
  DeploymentView created = deploy(addRevision('a'));
  auto entries = database_->withConnection(
      [&](store::SqliteDatabase& db) { return audit_.list(db, {}); });
  ASSERT_TRUE(entries.ok());
  ASSERT_FALSE(entries->empty());
  EXPECT_EQ(entries->front().action, "create-deployment");
  EXPECT_EQ(entries->front().target, "deployment:" + created.id);
  EXPECT_EQ(entries->front().principalName, "alice");
}

TEST_F(EngineTest, UnknownThingsAreNotFound) {
  makeGroup(1);
  addRevision('a');
  auto missing = engine_->getDeployment("d-NOTHERE00");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "NotFound");
  auto stop = engine_->stopDeployment("d-NOTHERE00", false, principal_);
  ASSERT_FALSE(stop.ok());
  EXPECT_EQ(stop.error().code, "NotFound");
  DeploymentRequest request;
  request.application = "shop";
  request.group = "nope";
  request.revision = std::string(64, 'a');
  auto noGroup = engine_->createDeployment(request, principal_);
  ASSERT_FALSE(noGroup.ok());
  EXPECT_EQ(noGroup.error().code, "NotFound");
  request.group = "web";
  request.revision = std::string(64, 'f');
  auto noRevision = engine_->createDeployment(request, principal_);
  ASSERT_FALSE(noRevision.ok());
  EXPECT_EQ(noRevision.error().code, "NotFound");
  request.revision = std::string(64, 'a');
  request.configName = "NoSuchConfig";
  auto noConfig = engine_->createDeployment(request, principal_);
  ASSERT_FALSE(noConfig.ok());
  EXPECT_EQ(noConfig.error().code, "NotFound");
  auto noPlan = engine_->plan("shop", "nope", std::nullopt);
  ASSERT_FALSE(noPlan.ok());
  EXPECT_EQ(noPlan.error().code, "NotFound");
}

TEST_F(EngineTest, ListsDeploymentsNewestFirstWithFilters) {
  makeGroup(1);
  std::string sha = addRevision('a');
  DeploymentView first = deploy(sha);
  runToEnd(first.id);
  DeploymentView second = deploy(sha);
  auto all = engine_->listDeployments({});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, second.id);
  EXPECT_EQ((*all)[1].id, first.id);
  EXPECT_TRUE((*all)[1].targets.empty());
  EXPECT_EQ((*all)[1].counts.succeeded, 1);
  auto succeeded = engine_->listDeployments({std::nullopt, "web", domain::DeploymentStatus::Succeeded});
  ASSERT_TRUE(succeeded.ok());
  ASSERT_EQ(succeeded->size(), 1u);
  EXPECT_EQ(succeeded->front().id, first.id);
  auto other = engine_->listDeployments({"other", std::nullopt, std::nullopt});
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(other->empty());
  nlohmann::json json = toJson(get(first.id));
  EXPECT_EQ(json["status"], "Succeeded");
  EXPECT_EQ(json["targets"].size(), 1u);
  EXPECT_EQ(json["numbers"]["instanceCount"], 1);
}

}  // namespace
}  // namespace greenlight::engine
