// Gates between the steps of a blue/green shift: one that waits for `greenlight continue`, one
// that waits for a webhook's 2xx (answered by a real HTTP server), both, and what each does at
// its deadline. The clock is the test's, so every wait is exact.
#include "engine/blue_green_fixture.h"
#include "support/check_receiver.h"

namespace greenlight::engine {
namespace {

class GateBlueGreenTest : public BlueGreenTest {
 protected:
  // 10%, the gate, 100%.
  void makeGatedGroup(domain::Gate gate) {
    makeStepsConfig("gated", {domain::TrafficStep::weight(10), domain::TrafficStep::gated(std::move(gate)),
                              domain::TrafficStep::weight(100)});
    makeBlueGreenGroup(4, "gated", {{"terminationWaitSeconds", 120}});
  }
  static domain::Gate approval(int deadlineSeconds = 3600,
                               domain::GateDeadlineAction onDeadline = domain::GateDeadlineAction::Stop) {
    domain::Gate gate;
    gate.approval = true;
    gate.deadlineSeconds = deadlineSeconds;
    gate.onDeadline = onDeadline;
    return gate;
  }
  static domain::Gate webhook(const std::string& url, bool approval = false) {
    domain::Gate gate;
    gate.approval = approval;
    gate.webhook = domain::GateWebhook{url, 10, 2};
    gate.deadlineSeconds = 600;
    return gate;
  }
  // v001 serving, v002 at 10% and at the gate.
  void reachTheGate() {
    old_ = targetIds(firstFleet('a'));
    id_ = deploy(addRevision('b')).id;
    reconcile();
    fresh_ = targetIds(id_);
    installAndPass(id_);
    ASSERT_EQ(stateOf(id_).stepIndex, 1);
    ASSERT_NEAR(percentTo(fresh_, old_), 10.0, 0.5);
    ASSERT_EQ(stateOf(id_).gates.size(), 1u) << "the gate is recorded when it is reached";
  }
  std::string waitingFor() { return get(id_).blueGreen.value("waitingFor", ""); }

  std::vector<std::string> old_;
  std::vector<std::string> fresh_;
  std::string id_;
};

TEST_F(GateBlueGreenTest, AnApprovalGateHoldsTheSplitUntilContinue) {
  makeGatedGroup(approval());
  reachTheGate();
  EXPECT_TRUE(contains(waitingFor(), "a gate (step 2 of 3): greenlight continue")) << waitingFor();
  EXPECT_FALSE(get(id_).blueGreen["waitUntil"].is_null()) << "the deadline is shown";
  clock_.advance(std::chrono::seconds(3000));
  reconcile();
  EXPECT_EQ(stateOf(id_).stepIndex, 1) << "the gate waits for a person";
  EXPECT_NEAR(percentTo(fresh_, old_), 10.0, 0.5);
  auto continued = engine_->continueDeployment(id_, principal_);
  ASSERT_TRUE(continued.ok()) << continued.error().message;
  reconcile();
  BlueGreenState state = stateOf(id_);
  EXPECT_EQ(state.phase, phases::kTerminationWait);
  EXPECT_EQ(state.gates[0].outcome, "Opened");
  EXPECT_NEAR(percentTo(fresh_, old_), 100.0, 0.01);
}

TEST_F(GateBlueGreenTest, AGateNobodyOpensStopsAtItsDeadlineAndTrafficGoesBack) {
  makeGatedGroup(approval(300));
  reachTheGate();
  clock_.advance(std::chrono::seconds(299));
  reconcile();
  EXPECT_EQ(get(id_).status, domain::DeploymentStatus::InProgress);
  clock_.advance(std::chrono::seconds(2));
  reconcile();
  DeploymentView stopped = get(id_);
  EXPECT_EQ(stopped.status, domain::DeploymentStatus::Stopped);
  EXPECT_EQ(stopped.errorCode, "GateTimeout");
  EXPECT_TRUE(contains(stopped.errorMessage, "The gate at step 2 did not open within 300s: nobody ran "
                                             "`greenlight continue " + id_ + "`"))
      << stopped.errorMessage;
  EXPECT_EQ(percentTo(fresh_, old_), 0.0) << "traffic is back on the old fleet";
  EXPECT_EQ(stopped.blueGreen["gates"][0]["outcome"], "TimedOut");
}

TEST_F(GateBlueGreenTest, AGateThatGoesOnAtItsDeadlineOpens) {
  makeGatedGroup(approval(300, domain::GateDeadlineAction::Continue));
  reachTheGate();
  clock_.advance(std::chrono::seconds(301));
  reconcile();
  BlueGreenState state = stateOf(id_);
  EXPECT_EQ(state.phase, phases::kTerminationWait) << get(id_).errorMessage;
  EXPECT_EQ(state.gates[0].outcome, "OpenedAtDeadline");
  EXPECT_NEAR(percentTo(fresh_, old_), 100.0, 0.01);
}

TEST_F(GateBlueGreenTest, AWebhookGateIsAskedEachIntervalAndOpensOn2xx) {
  testing::CheckReceiver receiver;
  receiver.answer(409);
  makeGatedGroup(webhook(receiver.url()));
  reachTheGate();
  ASSERT_EQ(receiver.bodies().size(), 1u) << "asked as soon as the gate is reached";
  nlohmann::json context = receiver.bodies()[0];
  EXPECT_EQ(context["deploymentId"], id_);
  EXPECT_EQ(context["fleetVersion"], "shop-web-v002");
  EXPECT_EQ(context["step"], 2);
  EXPECT_EQ(context["trafficPercent"], 10);
  EXPECT_EQ(context["gate"], true);
  EXPECT_TRUE(contains(waitingFor(), "a 2xx from " + receiver.url() + " (last: POST " + receiver.url() +
                                         ": HTTP 409"))
      << waitingFor();
  reconcile();
  clock_.advance(std::chrono::seconds(9));
  reconcile();
  EXPECT_EQ(receiver.bodies().size(), 1u) << "not before intervalSeconds";
  clock_.advance(std::chrono::seconds(1));
  reconcile();
  EXPECT_EQ(receiver.bodies().size(), 2u);
  EXPECT_EQ(stateOf(id_).stepIndex, 1);
  receiver.answer(200);
  clock_.advance(std::chrono::seconds(10));
  reconcile();
  BlueGreenState state = stateOf(id_);
  EXPECT_EQ(state.phase, phases::kTerminationWait) << get(id_).errorMessage;
  EXPECT_EQ(state.gates[0].outcome, "Opened");
  EXPECT_EQ(state.gates[0].checks, 3);
  EXPECT_NEAR(percentTo(fresh_, old_), 100.0, 0.01);
}

TEST_F(GateBlueGreenTest, AGateThatWantsBothNeedsTheWebhookAndTheContinue) {
  testing::CheckReceiver receiver;
  makeGatedGroup(webhook(receiver.url(), /*approval=*/true));
  reachTheGate();
  EXPECT_TRUE(stateOf(id_).gates[0].webhookPassed) << "the webhook said yes at once";
  clock_.advance(std::chrono::seconds(30));
  reconcile();
  EXPECT_EQ(stateOf(id_).stepIndex, 1) << "... but nobody has said continue";
  EXPECT_EQ(receiver.bodies().size(), 1u) << "a webhook that has said yes is not asked again";
  EXPECT_TRUE(contains(waitingFor(), "greenlight continue and a 2xx from " + receiver.url() + " (answered)"))
      << waitingFor();
  ASSERT_TRUE(engine_->continueDeployment(id_, principal_).ok());
  reconcile();
  EXPECT_EQ(stateOf(id_).phase, phases::kTerminationWait);
}

TEST_F(GateBlueGreenTest, ContinueAloneDoesNotOpenAGateWhoseWebhookSaysNo) {
  testing::CheckReceiver receiver;
  receiver.answer(503);
  makeGatedGroup(webhook(receiver.url(), /*approval=*/true));
  reachTheGate();
  ASSERT_TRUE(engine_->continueDeployment(id_, principal_).ok());
  clock_.advance(std::chrono::seconds(10));
  reconcile();
  EXPECT_EQ(stateOf(id_).stepIndex, 1);
  EXPECT_EQ(receiver.bodies().size(), 2u);
  receiver.answer(202);
  clock_.advance(std::chrono::seconds(10));
  reconcile();
  EXPECT_EQ(stateOf(id_).phase, phases::kTerminationWait) << "the continue given earlier still counts";
}

TEST_F(GateBlueGreenTest, AnUnreachableWebhookWaitsAndContinueOverridesAGateThatWantsOnlyIt) {
  makeGatedGroup(webhook("http://127.0.0.1:1/ok"));
  reachTheGate();
  GateProgress gate = stateOf(id_).gates[0];
  ASSERT_TRUE(gate.webhook.has_value());
  EXPECT_EQ(gate.webhook->verdict, verdicts::kError);
  EXPECT_EQ(get(id_).status, domain::DeploymentStatus::InProgress) << "an unreachable gate only waits";
  ASSERT_TRUE(engine_->continueDeployment(id_, principal_).ok());
  reconcile();
  BlueGreenState state = stateOf(id_);
  EXPECT_EQ(state.phase, phases::kTerminationWait);
  EXPECT_EQ(state.gates[0].outcome, "Continued");
}

TEST_F(GateBlueGreenTest, AWebhookThatNeverSaysYesStopsAtTheDeadlineWithItsLastAnswer) {
  testing::CheckReceiver receiver;
  receiver.answer(409);
  makeGatedGroup(webhook(receiver.url()));
  reachTheGate();
  for (int round = 0; round < 60; ++round) {
    clock_.advance(std::chrono::seconds(10));
    reconcile();
  }
  DeploymentView stopped = get(id_);
  EXPECT_EQ(stopped.status, domain::DeploymentStatus::Stopped);
  EXPECT_EQ(stopped.errorCode, "GateTimeout");
  EXPECT_TRUE(contains(stopped.errorMessage, receiver.url() + " did not answer 2xx (last: POST " +
                                                 receiver.url() + ": HTTP 409"))
      << stopped.errorMessage;
  EXPECT_EQ(percentTo(fresh_, old_), 0.0);
}

}  // namespace
}  // namespace greenlight::engine
