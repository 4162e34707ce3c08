// Analysis between the steps of a blue/green shift, against an in-memory load balancer whose
// per-server counters the tests set: a failing canary rolls back with its numbers in the message
// and the view, a quiet one is inconclusive and waits for `continue`, a healthy one goes on; a
// webhook check answered by a real HTTP server. tests/e2e/analysis_test.cc runs it for real.
#include "engine/blue_green_fixture.h"
#include "support/check_receiver.h"

namespace greenlight::engine {
namespace {

class AnalysisBlueGreenTest : public BlueGreenTest {
 protected:
  // Canary 10% with a 60 s pause, then 100%.
  void makeCanaryGroup(nlohmann::json checks, nlohmann::json extra = nlohmann::json::object()) {
    makeStepsConfig("canary-10", {domain::TrafficStep::weight(10), domain::TrafficStep::pause(60),
                                  domain::TrafficStep::weight(100)});
    analysis_ = {{"intervalSeconds", 5}, {"checks", std::move(checks)}};
    analysis_.update(extra);
    makeBlueGreenGroup(4, "canary-10", {{"terminationWaitSeconds", 120}});
  }
  static nlohmann::json errorRateCheck() {
    return nlohmann::json::array(
        {{{"name", "errors"},
          {"loadBalancer", {{"maxErrorRatePercent", 2}, {"minRequests", 50}}}}});
  }
  // v001 serving, v002 installed and at 10%, its analysis window open.
  void startCanary() {
    old_ = targetIds(firstFleet('a'));
    id_ = deploy(addRevision('b')).id;
    reconcile();
    fresh_ = targetIds(id_);
    installAndPass(id_);
    ASSERT_EQ(stateOf(id_).stepIndex, 1);
    ASSERT_EQ(stateOf(id_).trafficPercent, 10);
    ASSERT_EQ(stateOf(id_).analyses.size(), 1u) << "the window opens with the pause";
  }
  // Each new instance served `requests` of which `errors` were 5xx; each old one 9 times as many.
  void serve(std::uint64_t requests, std::uint64_t errors) {
    for (const auto& instance : fresh_) traffic_.setCounters(instance, requests, errors, 12);
    for (const auto& instance : old_) traffic_.setCounters(instance, requests * 9, 0, 10);
  }

  std::vector<std::string> old_;
  std::vector<std::string> fresh_;
  std::string id_;
};

TEST_F(AnalysisBlueGreenTest, AFailingCanaryRollsBackWithTheNumbersInTheMessageAndTheView) {
  makeCanaryGroup(errorRateCheck());
  startCanary();
  serve(100, 10);  // 10% 5xx on the canary
  clock_.advance(std::chrono::seconds(5));
  reconcile();
  DeploymentView failed = get(id_);
  EXPECT_EQ(failed.status, domain::DeploymentStatus::Failed);
  EXPECT_EQ(failed.errorCode, "AnalysisFailed");
  EXPECT_TRUE(contains(failed.errorMessage, "Step 2 (10% on shop-web-v002)")) << failed.errorMessage;
  EXPECT_TRUE(contains(failed.errorMessage, "new fleet 10% 5xx of 400 requests")) << failed.errorMessage;
  EXPECT_TRUE(contains(failed.errorMessage, "maxErrorRatePercent 2%")) << failed.errorMessage;
  EXPECT_EQ(percentTo(fresh_, old_), 0.0) << "traffic is back on the old fleet";
  ASSERT_TRUE(failed.rolledBackBy.has_value());
  EXPECT_EQ(get(*failed.rolledBackBy).status, domain::DeploymentStatus::Succeeded);
  const auto& analyses = failed.blueGreen["analyses"];
  ASSERT_EQ(analyses.size(), 1u);
  EXPECT_EQ(analyses[0]["verdict"], "Failed");
  EXPECT_FALSE(analyses[0].contains("baseline")) << "the view shows results, not bookkeeping";
  const auto& numbers = analyses[0]["results"][0]["numbers"];
  EXPECT_EQ(numbers["newRequests"], 400);
  EXPECT_EQ(numbers["new5xx"], 40);
  EXPECT_EQ(numbers["oldRequests"], 3600);
  EXPECT_EQ(compute_.retired(), std::vector<std::string>{"shop-web-v002"});
}

TEST_F(AnalysisBlueGreenTest, ErrorsBeforeTheWindowOpenedDoNotCount) {
  makeCanaryGroup(errorRateCheck());
  // The new fleet failed requests before it was given traffic (e.g. warm-up probes).
  old_ = targetIds(firstFleet('a'));
  id_ = deploy(addRevision('b')).id;
  reconcile();
  fresh_ = targetIds(id_);
  for (const auto& instance : fresh_) traffic_.setCounters(instance, 50, 50);
  installAndPass(id_);
  ASSERT_EQ(stateOf(id_).analyses.size(), 1u);
  for (const auto& instance : fresh_) traffic_.setCounters(instance, 150, 51);  // 1 of 100 since
  clock_.advance(std::chrono::seconds(61));
  reconcile();
  EXPECT_NEAR(percentTo(fresh_, old_), 100.0, 0.01) << get(id_).errorMessage;
  EXPECT_EQ(stateOf(id_).analyses[0].verdict, "Passed");
}

TEST_F(AnalysisBlueGreenTest, AHealthyCanaryPassesAtTheEndOfThePauseAndTheShiftGoesOn) {
  makeCanaryGroup(errorRateCheck());
  startCanary();
  serve(100, 1);
  clock_.advance(std::chrono::seconds(5));
  reconcile();
  EXPECT_EQ(stateOf(id_).stepIndex, 1) << "a good measurement does not cut the pause short";
  EXPECT_EQ(stateOf(id_).analyses[0].measurements, 1);
  serve(300, 3);
  clock_.advance(std::chrono::seconds(56));
  reconcile();
  BlueGreenState state = stateOf(id_);
  EXPECT_EQ(state.phase, phases::kTerminationWait);
  ASSERT_EQ(state.analyses.size(), 1u);
  EXPECT_EQ(state.analyses[0].verdict, "Passed");
  EXPECT_EQ(state.analyses[0].results[0].numbers["newRequests"], 1200);
  EXPECT_NEAR(percentTo(fresh_, old_), 100.0, 0.01);
}

TEST_F(AnalysisBlueGreenTest, TooLittleTrafficIsInconclusiveAndWaitsForContinue) {
  makeCanaryGroup(errorRateCheck());
  startCanary();
  serve(5, 0);
  clock_.advance(std::chrono::seconds(61));
  reconcile();
  DeploymentView waiting = get(id_);
  EXPECT_EQ(waiting.status, domain::DeploymentStatus::InProgress);
  EXPECT_EQ(stateOf(id_).stepIndex, 1);
  EXPECT_EQ(waiting.blueGreen["analyses"][0]["verdict"], "Inconclusive");
  EXPECT_TRUE(contains(waiting.blueGreen["analyses"][0]["results"][0]["summary"].get<std::string>(),
                       "only 20 requests reached the new fleet (minRequests 50)"))
      << waiting.blueGreen.dump();
  EXPECT_TRUE(contains(waiting.blueGreen["waitingFor"].get<std::string>(), "inconclusive"))
      << waiting.blueGreen.dump();
  EXPECT_NEAR(percentTo(fresh_, old_), 10.0, 0.5) << "the split holds while it waits";
  clock_.advance(std::chrono::seconds(600));
  reconcile();
  EXPECT_EQ(stateOf(id_).stepIndex, 1) << "an inconclusive result waits for a person";
  auto continued = engine_->continueDeployment(id_, principal_);
  ASSERT_TRUE(continued.ok()) << continued.error().message;
  reconcile();
  EXPECT_NEAR(percentTo(fresh_, old_), 100.0, 0.01);
  EXPECT_EQ(stateOf(id_).analyses[0].verdict, "Continued");
}

TEST_F(AnalysisBlueGreenTest, AnInconclusiveWaitNobodyAnswersStopsAndRollsBack) {
  makeCanaryGroup(errorRateCheck(), {{"inconclusiveTimeoutSeconds", 300}});
  startCanary();
  clock_.advance(std::chrono::seconds(61));
  reconcile();
  ASSERT_TRUE(stateOf(id_).analyses[0].waiting);
  clock_.advance(std::chrono::seconds(301));
  reconcile();
  DeploymentView stopped = get(id_);
  EXPECT_EQ(stopped.status, domain::DeploymentStatus::Stopped);
  EXPECT_EQ(stopped.errorCode, "AnalysisInconclusive");
  EXPECT_TRUE(contains(stopped.errorMessage, "inconclusiveTimeoutSeconds (300s)")) << stopped.errorMessage;
  EXPECT_EQ(percentTo(fresh_, old_), 0.0);
}

TEST_F(AnalysisBlueGreenTest, AWebhookCheckPassesOn2xxAndFailsTheCanaryOtherwise) {
  testing::CheckReceiver receiver;
  makeCanaryGroup(nlohmann::json::array({{{"name", "smoke"}, {"webhook", {{"url", receiver.url()}}}}}),
                  {{"failureLimit", 1}});
  startCanary();
  clock_.advance(std::chrono::seconds(5));
  reconcile();
  ASSERT_EQ(receiver.bodies().size(), 1u);
  nlohmann::json context = receiver.bodies()[0];
  EXPECT_EQ(context["deploymentId"], id_);
  EXPECT_EQ(context["fleetVersion"], "shop-web-v002");
  EXPECT_EQ(context["previousFleetVersion"], "shop-web-v001");
  EXPECT_EQ(context["trafficPercent"], 10);
  EXPECT_EQ(context["final"], false);
  receiver.answer(503);
  clock_.advance(std::chrono::seconds(5));
  reconcile();
  EXPECT_EQ(get(id_).status, domain::DeploymentStatus::InProgress) << "failureLimit 1 tolerates one";
  EXPECT_EQ(stateOf(id_).analyses[0].failures, 1);
  clock_.advance(std::chrono::seconds(5));
  reconcile();
  DeploymentView failed = get(id_);
  EXPECT_EQ(failed.status, domain::DeploymentStatus::Failed);
  EXPECT_EQ(failed.errorCode, "AnalysisFailed");
  EXPECT_TRUE(contains(failed.errorMessage, "smoke Failed: POST " + receiver.url() + ": HTTP 503"))
      << failed.errorMessage;
  EXPECT_EQ(percentTo(fresh_, old_), 0.0);
  EXPECT_EQ(receiver.bodies().size(), 3u);
}

TEST_F(AnalysisBlueGreenTest, AWebhookThatCannotBeReachedFailsAfterTheConsecutiveErrorLimit) {
  makeCanaryGroup(nlohmann::json::array(
                      {{{"name", "smoke"},
                        {"webhook", {{"url", "http://127.0.0.1:1/check"}, {"timeoutSeconds", 1}}}}}),
                  {{"consecutiveErrorLimit", 2}});
  startCanary();
  for (int round = 0; round < 2; ++round) {
    clock_.advance(std::chrono::seconds(5));
    reconcile();
    EXPECT_EQ(get(id_).status, domain::DeploymentStatus::InProgress) << "round " << round;
  }
  clock_.advance(std::chrono::seconds(5));
  reconcile();
  DeploymentView failed = get(id_);
  EXPECT_EQ(failed.status, domain::DeploymentStatus::Failed);
  EXPECT_TRUE(contains(failed.errorMessage, "3 times in a row (consecutiveErrorLimit 2)")) << failed.errorMessage;
}

}  // namespace
}  // namespace greenlight::engine
