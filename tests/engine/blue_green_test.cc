// The blue/green strategy's logic against an in-memory load balancer and a compute provider that
// only writes instance rows: the phases, the split asked of the balancer at each step, pauses and
// `continue`, health failures and the switch back, the termination wait and retirement. The same
// flows run for real (HAProxy, agents, wrk) in tests/e2e/blue_green_test.cc.
#include "engine/blue_green_fixture.h"

namespace greenlight::engine {
namespace {

TEST_F(BlueGreenTest, FirstDeploymentMakesV001AndGivesItAllTraffic) {
  makeBlueGreenGroup(2, "CodeDeployDefault.AllAtOnce");
  std::string id = deploy(addRevision('a')).id;
  EXPECT_EQ(get(id).strategy, "blue-green");
  reconcile();
  BlueGreenState state = stateOf(id);
  EXPECT_EQ(state.fleetVersion, "shop-web-v001");
  EXPECT_EQ(state.previousFleetVersion, "");
  EXPECT_EQ(state.phase, phases::kInstalling);
  ASSERT_EQ(get(id).targets.size(), 2u);
  runToEnd(id);
  // Installed; registered at weight 0 and not healthy yet: no traffic.
  EXPECT_EQ(stateOf(id).phase, phases::kRegistering);
  std::vector<std::string> fleet = targetIds(id);
  EXPECT_EQ(weightOf(fleet), 0);
  installAndPass(id);
  DeploymentView done = get(id);
  EXPECT_EQ(done.status, domain::DeploymentStatus::Succeeded) << done.errorMessage;
  EXPECT_GT(weightOf(fleet), 0);
  EXPECT_EQ(done.blueGreen["phase"], "Done");
  EXPECT_TRUE(compute_.retired().empty());
}

TEST_F(BlueGreenTest, StepsMoveTheSplitPauseForContinueThenRetireTheOldFleet) {
  makeStepsConfig("canary-10", {domain::TrafficStep::weight(10), domain::TrafficStep::pause(),
                                domain::TrafficStep::weight(50), domain::TrafficStep::pause(60),
                                domain::TrafficStep::weight(100)});
  makeBlueGreenGroup(4, "canary-10", {{"terminationWaitSeconds", 120}});
  std::vector<std::string> old = targetIds(firstFleet('a'));
  std::string id = deploy(addRevision('b')).id;
  reconcile();
  EXPECT_EQ(stateOf(id).fleetVersion, "shop-web-v002");
  EXPECT_EQ(stateOf(id).previousFleetVersion, "shop-web-v001");
  std::vector<std::string> fresh = targetIds(id);
  ASSERT_EQ(fresh.size(), 4u);
  installAndPass(id);
  // Step 1 done (10%), waiting at the pause for a person.
  BlueGreenState state = stateOf(id);
  EXPECT_EQ(state.phase, phases::kShifting);
  EXPECT_EQ(state.stepIndex, 1);
  EXPECT_EQ(state.trafficPercent, 10);
  EXPECT_NEAR(percentTo(fresh, old), 10.0, 0.5);
  EXPECT_TRUE(contains(get(id).blueGreen["waitingFor"].get<std::string>(), "greenlight continue"));
  reconcile();
  EXPECT_EQ(stateOf(id).stepIndex, 1) << "a pause without a duration waits";
  auto continued = engine_->continueDeployment(id, principal_);
  ASSERT_TRUE(continued.ok()) << continued.error().message;
  reconcile();
  EXPECT_NEAR(percentTo(fresh, old), 50.0, 0.5);
  EXPECT_EQ(stateOf(id).stepIndex, 3);
  // The timed pause ends by the clock.
  clock_.advance(std::chrono::seconds(59));
  reconcile();
  EXPECT_NEAR(percentTo(fresh, old), 50.0, 0.5);
  clock_.advance(std::chrono::seconds(2));
  reconcile();
  EXPECT_NEAR(percentTo(fresh, old), 100.0, 0.01);
  DeploymentView baking = get(id);
  EXPECT_EQ(baking.status, domain::DeploymentStatus::Baking);
  EXPECT_EQ(baking.blueGreen["phase"], "TerminationWait");
  EXPECT_TRUE(compute_.retired().empty()) << "the old fleet stays warm during the wait";
  clock_.advance(std::chrono::seconds(121));
  reconcile();
  DeploymentView done = get(id);
  EXPECT_EQ(done.status, domain::DeploymentStatus::Succeeded) << done.errorMessage;
  EXPECT_EQ(compute_.retired(), std::vector<std::string>{"shop-web-v001"});
  for (const auto& instance : old) EXPECT_FALSE(traffic_.findMember(pool(), instance)) << instance;
}

TEST_F(BlueGreenTest, ContinueWhenNotWaitingSaysWhatTheDeploymentIsDoing) {
  makeBlueGreenGroup(1, "CodeDeployDefault.AllAtOnce");
  std::string id = deploy(addRevision('a')).id;
  reconcile();
  auto refused = engine_->continueDeployment(id, principal_);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "Conflict");
  EXPECT_TRUE(contains(refused.error().message, "Installing")) << refused.error().message;
}

TEST_F(BlueGreenTest, ANewFleetThatNeverPassesTheHealthCheckNeverGetsTrafficAndIsRetired) {
  makeBlueGreenGroup(2, "CodeDeployDefault.AllAtOnce");
  std::vector<std::string> old = targetIds(firstFleet('a'));
  int oldWeight = weightOf(old);
  std::string id = deploy(addRevision('b')).id;
  reconcile();
  std::vector<std::string> fresh = targetIds(id);
  runToEnd(id);
  for (const auto& instance : fresh) {
    traffic_.setHealth(instance, false, "L7STS", "HTTP status check returned code <500>");
  }
  reconcile();
  EXPECT_EQ(get(id).status, domain::DeploymentStatus::InProgress);
  clock_.advance(std::chrono::seconds(31));
  reconcile();
  DeploymentView failed = get(id);
  EXPECT_EQ(failed.status, domain::DeploymentStatus::Failed);
  EXPECT_EQ(failed.errorCode, "HealthCheckFailed");
  for (const auto& instance : fresh) EXPECT_TRUE(contains(failed.errorMessage, instance)) << failed.errorMessage;
  EXPECT_TRUE(contains(failed.errorMessage, "L7STS")) << failed.errorMessage;
  EXPECT_TRUE(contains(failed.errorMessage, "shop-web-v001 still serves")) << failed.errorMessage;
  EXPECT_EQ(weightOf(old), oldWeight) << "the old fleet is untouched";
  for (const auto& call : traffic_.calls()) {
    for (const auto& instance : fresh) {
      if (call.rfind("setWeights", 0) == 0 && contains(call, instance)) {
        EXPECT_TRUE(contains(call, instance + "=0")) << call;
      }
    }
  }
  EXPECT_EQ(compute_.retired(), std::vector<std::string>{"shop-web-v002"});
  EXPECT_FALSE(failed.rolledBackBy.has_value()) << "nothing moved, so nothing to roll back";
}

TEST_F(BlueGreenTest, AHealthFailureMidShiftSwitchesBackAndRecordsTheRollback) {
  makeStepsConfig("linear", {domain::TrafficStep::weight(25), domain::TrafficStep::pause(60),
                             domain::TrafficStep::weight(50), domain::TrafficStep::pause(60),
                             domain::TrafficStep::weight(100)});
  makeBlueGreenGroup(2, "linear");
  std::vector<std::string> old = targetIds(firstFleet('a'));
  std::string id = deploy(addRevision('b')).id;
  reconcile();
  std::vector<std::string> fresh = targetIds(id);
  installAndPass(id);
  clock_.advance(std::chrono::seconds(61));
  reconcile();
  EXPECT_NEAR(percentTo(fresh, old), 50.0, 0.5);
  traffic_.setHealth(fresh[1], false, "L7STS", "HTTP status check returned code <500>");
  reconcile();
  DeploymentView failed = get(id);
  EXPECT_EQ(failed.status, domain::DeploymentStatus::Failed);
  EXPECT_EQ(failed.errorCode, "HealthCheckFailed");
  EXPECT_TRUE(contains(failed.errorMessage, fresh[1])) << failed.errorMessage;
  EXPECT_EQ(percentTo(fresh, old), 0.0) << "traffic is back on the old fleet";
  ASSERT_TRUE(failed.rolledBackBy.has_value());
  DeploymentView rollback = get(*failed.rolledBackBy);
  EXPECT_EQ(rollback.creator, domain::DeploymentCreator::Rollback);
  EXPECT_EQ(rollback.rollbackOf, id);
  EXPECT_EQ(rollback.status, domain::DeploymentStatus::Succeeded) << rollback.errorMessage;
  EXPECT_EQ(rollback.revision, std::string(64, 'a'));
  EXPECT_EQ(rollback.blueGreen["fleetVersion"], "shop-web-v001");
  EXPECT_EQ(compute_.retired(), std::vector<std::string>{"shop-web-v002"});
  // The next deployment replaces v001 again, with a new number.
  std::string next = deploy(addRevision('c')).id;
  reconcile();
  EXPECT_EQ(stateOf(next).fleetVersion, "shop-web-v003");
  EXPECT_EQ(stateOf(next).previousFleetVersion, "shop-web-v001");
}

TEST_F(BlueGreenTest, RollbackDuringTheTerminationWaitIsASwitchBack) {
  makeBlueGreenGroup(2, "CodeDeployDefault.AllAtOnce", {{"terminationWaitSeconds", 300}});
  std::vector<std::string> old = targetIds(firstFleet('a'));
  std::string id = deploy(addRevision('b')).id;
  reconcile();
  std::vector<std::string> fresh = targetIds(id);
  installAndPass(id);
  ASSERT_EQ(get(id).status, domain::DeploymentStatus::Baking);
  EXPECT_NEAR(percentTo(fresh, old), 100.0, 0.01);
  auto rollback = engine_->rollback("shop", "web", std::nullopt, principal_);
  ASSERT_TRUE(rollback.ok()) << rollback.error().message;
  reconcile();
  EXPECT_EQ(percentTo(fresh, old), 0.0);
  DeploymentView undone = get(id);
  EXPECT_EQ(undone.status, domain::DeploymentStatus::Stopped);
  EXPECT_EQ(undone.rolledBackBy, rollback->id);
  DeploymentView done = get(rollback->id);
  EXPECT_EQ(done.status, domain::DeploymentStatus::Succeeded) << done.errorMessage;
  EXPECT_TRUE(done.blueGreen["switchMs"].is_number());
  EXPECT_EQ(compute_.retired(), std::vector<std::string>{"shop-web-v002"});
}

TEST_F(BlueGreenTest, StateSurvivesARestartMidShift) {
  makeStepsConfig("two-step", {domain::TrafficStep::weight(30), domain::TrafficStep::pause(),
                               domain::TrafficStep::weight(100)});
  makeBlueGreenGroup(2, "two-step", {{"terminationWaitSeconds", 1}});
  std::vector<std::string> old = targetIds(firstFleet('a'));
  std::string id = deploy(addRevision('b')).id;
  reconcile();
  std::vector<std::string> fresh = targetIds(id);
  installAndPass(id);
  EXPECT_NEAR(percentTo(fresh, old), 30.0, 0.5);
  restart();
  engine_->setProviders(&compute_, &traffic_);
  reconcile();
  EXPECT_EQ(stateOf(id).stepIndex, 1);
  ASSERT_TRUE(engine_->continueDeployment(id, principal_).ok());
  reconcile();
  clock_.advance(std::chrono::seconds(2));
  reconcile();
  EXPECT_EQ(get(id).status, domain::DeploymentStatus::Succeeded) << get(id).errorMessage;
  EXPECT_NEAR(percentTo(fresh, old), 100.0, 0.01);
}

TEST_F(BlueGreenTest, AFleetWhoseAgentsNeverConnectFailsAtTheProvisionTimeout) {
  makeBlueGreenGroup(2, "CodeDeployDefault.AllAtOnce", {{"provisionTimeoutSeconds", 60}});
  std::vector<std::string> old = targetIds(firstFleet('a'));
  compute_.neverConnect();
  std::string id = deploy(addRevision('b')).id;
  reconcile();
  clock_.advance(std::chrono::seconds(59));
  reconcile();
  EXPECT_EQ(get(id).status, domain::DeploymentStatus::InProgress);
  clock_.advance(std::chrono::seconds(2));
  reconcile();
  DeploymentView failed = get(id);
  EXPECT_EQ(failed.status, domain::DeploymentStatus::Failed);
  EXPECT_EQ(failed.errorCode, "ProvisionTimeout");
  EXPECT_TRUE(contains(failed.errorMessage, "shop-web-v002-0")) << failed.errorMessage;
  EXPECT_TRUE(contains(failed.errorMessage, "never connected")) << failed.errorMessage;
  EXPECT_EQ(compute_.retired(), std::vector<std::string>{"shop-web-v002"});
  EXPECT_GT(weightOf(old), 0) << "the old fleet keeps serving";
}

TEST_F(BlueGreenTest, ReadyWaitHoldsTrafficUntilContinueAndStopsAtItsDeadline) {
  makeBlueGreenGroup(2, "CodeDeployDefault.AllAtOnce",
                     {{"readyAction", "wait"}, {"readyTimeoutSeconds", 600}, {"terminationWaitSeconds", 1}});
  // The first fleet waits too.
  std::string first = deploy(addRevision('a')).id;
  reconcile();
  installAndPass(first);
  ASSERT_EQ(get(first).status, domain::DeploymentStatus::Ready);
  ASSERT_TRUE(engine_->continueDeployment(first, principal_).ok());
  reconcile();
  ASSERT_EQ(get(first).status, domain::DeploymentStatus::Succeeded) << get(first).errorMessage;
  std::vector<std::string> old = targetIds(first);
  // Waits at Ready, without traffic, until someone continues.
  std::string id = deploy(addRevision('b')).id;
  reconcile();
  std::vector<std::string> fresh = targetIds(id);
  installAndPass(id);
  DeploymentView ready = get(id);
  EXPECT_EQ(ready.status, domain::DeploymentStatus::Ready);
  EXPECT_TRUE(contains(ready.blueGreen["waitingFor"].get<std::string>(), "greenlight continue"));
  ASSERT_TRUE(ready.blueGreen["waitUntil"].is_string()) << ready.blueGreen.dump();
  EXPECT_EQ(weightOf(fresh), 0);
  ASSERT_TRUE(engine_->continueDeployment(id, principal_).ok());
  reconcile();
  EXPECT_NEAR(percentTo(fresh, old), 100.0, 0.01);
  clock_.advance(std::chrono::seconds(2));
  reconcile();
  ASSERT_EQ(get(id).status, domain::DeploymentStatus::Succeeded) << get(id).errorMessage;
  // Nobody continues the next one: it stops at the deadline and its fleet goes.
  std::string late = deploy(addRevision('c')).id;
  reconcile();
  std::vector<std::string> third = targetIds(late);
  installAndPass(late);
  ASSERT_EQ(get(late).status, domain::DeploymentStatus::Ready);
  clock_.advance(std::chrono::seconds(601));
  reconcile();
  DeploymentView stopped = get(late);
  EXPECT_EQ(stopped.status, domain::DeploymentStatus::Stopped);
  EXPECT_EQ(stopped.errorCode, "ReadyTimeout");
  EXPECT_EQ(weightOf(third), 0);
  EXPECT_NEAR(percentTo(fresh, third), 100.0, 0.01) << "v002 still serves";
  EXPECT_EQ(compute_.retired(), (std::vector<std::string>{"shop-web-v001", "shop-web-v003"}));
}

TEST_F(BlueGreenTest, KeepAliveKeepsOldFleetsDeregisteredUpToMaxRemainingFleets) {
  makeBlueGreenGroup(1, "CodeDeployDefault.AllAtOnce",
                     {{"originalFleetAction", "keep-alive"}, {"maxRemainingFleets", 1},
                      {"terminationWaitSeconds", 1}});
  std::vector<std::string> v1 = targetIds(firstFleet('a'));
  auto ship = [&](char fill) {
    std::string id = deploy(addRevision(fill)).id;
    reconcile();
    installAndPass(id);
    clock_.advance(std::chrono::seconds(2));
    reconcile();
    EXPECT_EQ(get(id).status, domain::DeploymentStatus::Succeeded) << get(id).errorMessage;
    return id;
  };
  std::string second = ship('b');
  std::vector<std::string> v2 = targetIds(second);
  // v001 is kept alive, out of the pool.
  EXPECT_TRUE(compute_.retired().empty());
  EXPECT_FALSE(traffic_.findMember(pool(), v1[0]));
  std::string third = ship('c');
  std::vector<std::string> v3 = targetIds(third);
  // Only the newest old fleet (v002) survives; v001 goes.
  EXPECT_EQ(compute_.retired(), std::vector<std::string>{"shop-web-v001"});
  EXPECT_FALSE(traffic_.findMember(pool(), v2[0]));
  // Rolling back brings the kept fleet back into the pool: a switch, not a redeploy.
  auto rollback = engine_->rollback("shop", "web", std::nullopt, principal_);
  ASSERT_TRUE(rollback.ok()) << rollback.error().message;
  reconcile();
  traffic_.setHealth(v2[0], true, "L7OK", "");
  reconcile();
  DeploymentView back = get(rollback->id);
  EXPECT_EQ(back.status, domain::DeploymentStatus::Succeeded) << back.errorMessage;
  EXPECT_EQ(back.blueGreen["fleetVersion"], "shop-web-v002");
  EXPECT_TRUE(back.targets.empty()) << "nothing was installed";
  EXPECT_NEAR(percentTo(v2, v3), 100.0, 0.01);
  EXPECT_EQ(compute_.retired(), (std::vector<std::string>{"shop-web-v001", "shop-web-v003"}));
}

TEST_F(BlueGreenTest, StopWithRollbackMidShiftSwitchesBack) {
  makeStepsConfig("half", {domain::TrafficStep::weight(50), domain::TrafficStep::pause(),
                           domain::TrafficStep::weight(100)});
  makeBlueGreenGroup(2, "half");
  std::vector<std::string> old = targetIds(firstFleet('a'));
  std::string id = deploy(addRevision('b')).id;
  reconcile();
  std::vector<std::string> fresh = targetIds(id);
  installAndPass(id);
  EXPECT_NEAR(percentTo(fresh, old), 50.0, 0.5);
  auto stopped = engine_->stopDeployment(id, /*rollback=*/true, principal_);
  ASSERT_TRUE(stopped.ok()) << stopped.error().message;
  reconcile();
  EXPECT_EQ(percentTo(fresh, old), 0.0);
  DeploymentView undone = get(id);
  EXPECT_EQ(undone.status, domain::DeploymentStatus::Stopped);
  ASSERT_TRUE(undone.rolledBackBy.has_value());
  EXPECT_EQ(get(*undone.rolledBackBy).status, domain::DeploymentStatus::Succeeded);
  EXPECT_EQ(get(*undone.rolledBackBy).revision, std::string(64, 'a'));
  EXPECT_EQ(compute_.retired(), std::vector<std::string>{"shop-web-v002"});
}

TEST_F(BlueGreenTest, InPlaceGroupsRefuseATrafficRouting) {
  makeGroup(2);
  makeStepsConfig("steps", {domain::TrafficStep::weight(100)});
  DeploymentRequest request;
  request.application = "shop";
  request.group = "web";
  request.revision = addRevision('a');
  request.configName = "steps";
  auto refused = engine_->createDeployment(request, principal_);
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(contains(refused.error().message, "blue/green")) << refused.error().message;
}

}  // namespace
}  // namespace greenlight::engine
