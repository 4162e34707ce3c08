// The analysis arithmetic on its own: windows of the balancer's counters, the load-balancer
// check's thresholds and no-data policy, failure and consecutive-error limits, the final verdict.
#include <gtest/gtest.h>

#include "catalog/analysis_spec.h"
#include "engine/analysis.h"

namespace greenlight::engine {
namespace {

traffic::MemberStatus member(const std::string& id, std::uint64_t requests, std::uint64_t errors,
                             int responseTimeMs = 10) {
  traffic::MemberStatus status;
  status.instanceId = id;
  status.totalRequests = requests;
  status.responses5xx = errors;
  status.responseTimeMs = responseTimeMs;
  return status;
}

catalog::CheckSpec lbCheck(catalog::LoadBalancerCheckSpec spec) {
  catalog::CheckSpec check;
  check.name = "errors";
  check.loadBalancer = spec;
  return check;
}

catalog::AnalysisSpec analysisSpec(std::vector<catalog::TrafficSpecProblem>& problems, const char* json) {
  return catalog::readAnalysisSpec(nlohmann::json::parse(json), problems);
}

TEST(AnalysisWindowTest, CountsOnlyTheNamedMembersSinceTheBaseline) {
  std::vector<traffic::MemberStatus> before = {member("new-1", 100, 5), member("new-2", 40, 0),
                                               member("old-1", 1000, 1)};
  auto baseline = countersOf(before);
  std::vector<traffic::MemberStatus> after = {member("new-1", 150, 10, 30), member("new-2", 90, 0, 10),
                                              member("old-1", 1900, 2, 8)};
  FleetWindow fresh = windowOf(after, {"new-1", "new-2"}, baseline);
  EXPECT_EQ(fresh.requests, 100u);
  EXPECT_EQ(fresh.errors5xx, 5u);
  EXPECT_DOUBLE_EQ(fresh.errorRatePercent(), 5.0);
  EXPECT_DOUBLE_EQ(fresh.responseTimeMs, 20.0) << "weighted by each member's requests in the window";
  EXPECT_EQ(fresh.members, 2);
  FleetWindow old = windowOf(after, {"old-1"}, baseline);
  EXPECT_EQ(old.requests, 900u);
  EXPECT_EQ(old.errors5xx, 1u);
}

TEST(AnalysisWindowTest, ABalancerThatRestartedCountsFromZero) {
  auto baseline = countersOf({member("new-1", 500, 50)});
  FleetWindow window = windowOf({member("new-1", 30, 3)}, {"new-1"}, baseline);
  EXPECT_EQ(window.requests, 30u);
  EXPECT_EQ(window.errors5xx, 3u);
  // A member that joined after the window opened counts all it has.
  FleetWindow joined = windowOf({member("new-2", 12, 1)}, {"new-2"}, baseline);
  EXPECT_EQ(joined.requests, 12u);
}

TEST(LoadBalancerCheckTest, FailsAboveTheErrorRateAndSaysByHowMuch) {
  catalog::LoadBalancerCheckSpec spec;
  spec.maxErrorRatePercent = 2;
  spec.minRequests = 50;
  FleetWindow fresh{200, 20, 12, 2};
  FleetWindow old{1800, 0, 10, 4};
  CheckResult result = judgeLoadBalancer(lbCheck(spec), fresh, old, false);
  EXPECT_EQ(result.verdict, verdicts::kFailed);
  EXPECT_NE(result.summary.find("10%"), std::string::npos) << result.summary;
  EXPECT_NE(result.summary.find("maxErrorRatePercent 2%"), std::string::npos) << result.summary;
  EXPECT_EQ(result.numbers["newRequests"], 200);
  EXPECT_EQ(result.numbers["new5xx"], 20);
  EXPECT_EQ(result.numbers["oldRequests"], 1800);
  EXPECT_DOUBLE_EQ(result.numbers["newErrorRatePercent"].get<double>(), 10.0);
  FleetWindow fine{200, 2, 12, 2};
  EXPECT_EQ(judgeLoadBalancer(lbCheck(spec), fine, old, true).verdict, verdicts::kPassed);
}

TEST(LoadBalancerCheckTest, ComparesWithTheOldFleetOverTheSameWindow) {
  catalog::LoadBalancerCheckSpec spec;
  spec.maxErrorRateIncreasePercent = 1;
  spec.maxResponseTimeIncreasePercent = 50;
  spec.minRequests = 10;
  // Both fleets fail 3%: the new revision is no worse.
  EXPECT_EQ(judgeLoadBalancer(lbCheck(spec), {100, 3, 10, 1}, {1000, 30, 10, 3}, true).verdict,
            verdicts::kPassed);
  // 5% against 3%: two points worse.
  EXPECT_EQ(judgeLoadBalancer(lbCheck(spec), {100, 5, 10, 1}, {1000, 30, 10, 3}, true).verdict,
            verdicts::kFailed);
  // Twice as slow as the old fleet.
  CheckResult slow = judgeLoadBalancer(lbCheck(spec), {100, 0, 40, 1}, {1000, 0, 20, 3}, true);
  EXPECT_EQ(slow.verdict, verdicts::kFailed);
  EXPECT_NE(slow.summary.find("response time 40 ms"), std::string::npos) << slow.summary;
}

TEST(LoadBalancerCheckTest, TooFewRequestsIsPendingThenFollowsTheNoDataPolicy) {
  catalog::LoadBalancerCheckSpec spec;
  spec.maxErrorRatePercent = 1;
  spec.minRequests = 50;
  FleetWindow few{49, 49, 10, 1};  // every one failed, but too few to judge
  EXPECT_EQ(judgeLoadBalancer(lbCheck(spec), few, {}, false).verdict, verdicts::kPending);
  CheckResult inconclusive = judgeLoadBalancer(lbCheck(spec), few, {}, true);
  EXPECT_EQ(inconclusive.verdict, verdicts::kInconclusive);
  EXPECT_NE(inconclusive.summary.find("only 49 requests"), std::string::npos) << inconclusive.summary;
  spec.noData = catalog::NoDataPolicy::Pass;
  EXPECT_EQ(judgeLoadBalancer(lbCheck(spec), few, {}, true).verdict, verdicts::kPassed);
  spec.noData = catalog::NoDataPolicy::Fail;
  EXPECT_EQ(judgeLoadBalancer(lbCheck(spec), few, {}, true).verdict, verdicts::kFailed);
}

TEST(AnalysisLimitsTest, FailuresBeyondTheLimitFailTheAnalysis) {
  catalog::AnalysisSpec spec;
  spec.failureLimit = 1;
  AnalysisWindow window;
  auto failed = CheckResult{"errors", "loadBalancer", verdicts::kFailed, "5xx 10%", {}};
  EXPECT_FALSE(recordMeasurement(window, {failed}, spec, WallTime{}));
  EXPECT_EQ(window.failures, 1);
  auto message = recordMeasurement(window, {failed}, spec, WallTime{});
  ASSERT_TRUE(message);
  EXPECT_NE(message->find("2 failed measurements, failureLimit 1"), std::string::npos) << *message;
  EXPECT_NE(message->find("errors Failed: 5xx 10%"), std::string::npos) << *message;
  EXPECT_EQ(window.verdict, verdicts::kFailed);
}

TEST(AnalysisLimitsTest, OnlyConsecutiveErrorsCountAndPendingIsNoMeasurement) {
  catalog::AnalysisSpec spec;
  spec.consecutiveErrorLimit = 2;
  AnalysisWindow window;
  auto error = CheckResult{"smoke", "webhook", verdicts::kError, "connection refused", {}};
  auto passed = CheckResult{"smoke", "webhook", verdicts::kPassed, "HTTP 200", {}};
  auto pending = CheckResult{"errors", "loadBalancer", verdicts::kPending, "only 3 requests", {}};
  EXPECT_FALSE(recordMeasurement(window, {error}, spec, WallTime{}));
  EXPECT_FALSE(recordMeasurement(window, {error}, spec, WallTime{}));
  EXPECT_FALSE(recordMeasurement(window, {passed}, spec, WallTime{}));
  EXPECT_EQ(window.consecutiveErrors, 0) << "a good measurement resets the run of errors";
  EXPECT_FALSE(recordMeasurement(window, {pending}, spec, WallTime{}));
  EXPECT_EQ(window.measurements, 3) << "pending is not a measurement";
  EXPECT_FALSE(recordMeasurement(window, {error}, spec, WallTime{}));
  EXPECT_FALSE(recordMeasurement(window, {error}, spec, WallTime{}));
  auto message = recordMeasurement(window, {error}, spec, WallTime{});
  ASSERT_TRUE(message);
  EXPECT_NE(message->find("3 times in a row"), std::string::npos) << *message;
}

TEST(AnalysisLimitsTest, TheFinalVerdictPassesOnlyWhenEveryCheckPassed) {
  AnalysisWindow window;
  window.results = {{"a", "loadBalancer", verdicts::kPassed, "", {}},
                    {"b", "webhook", verdicts::kPassed, "", {}}};
  EXPECT_EQ(finalVerdict(window), verdicts::kPassed);
  window.results[1].verdict = verdicts::kError;
  EXPECT_EQ(finalVerdict(window), verdicts::kInconclusive);
  window.results[1].verdict = verdicts::kInconclusive;
  EXPECT_EQ(finalVerdict(window), verdicts::kInconclusive);
}

TEST(AnalysisWindowTest, SurvivesItsJsonForm) {
  AnalysisWindow window;
  window.stepIndex = 3;
  window.trafficPercent = 10;
  window.startedAt = parseTimestamp("2026-12-03T10:00:00Z");
  window.baseline = {{"i-1", {10, 2}}};
  window.measurements = 4;
  window.failures = 1;
  window.consecutiveErrors = 2;
  window.results = {{"errors", "loadBalancer", verdicts::kFailed, "5xx 10%", {{"newRequests", 200}}}};
  window.verdict = verdicts::kInconclusive;
  window.waiting = true;
  window.waitingSince = parseTimestamp("2026-12-03T10:01:00Z");
  EXPECT_EQ(analysisWindowFromJson(toJson(window)), window);
}

TEST(WebhookCheckTest, NoAnswerIsAnErrorNamingTheUrl) {
  catalog::CheckSpec check;
  check.name = "smoke";
  check.webhook = catalog::WebhookCheckSpec{"http://127.0.0.1:1/check", 1};
  CheckResult result = measureWebhook(check, {{"deploymentId", "d-1"}});
  EXPECT_EQ(result.verdict, verdicts::kError);
  EXPECT_NE(result.summary.find("http://127.0.0.1:1/check"), std::string::npos) << result.summary;
}

TEST(AnalysisSpecTest, ReadsChecksAndNamesEveryProblemByKeyPath) {
  std::vector<catalog::TrafficSpecProblem> problems;
  catalog::AnalysisSpec spec = analysisSpec(problems, R"({
      "intervalSeconds": 2, "failureLimit": 1,
      "checks": [{"name": "errors", "loadBalancer": {"maxErrorRatePercent": 1.5, "minRequests": 20,
                                                      "noData": "pass"}},
                 {"name": "smoke", "webhook": {"url": "http://127.0.0.1:9/ok"}}]})");
  ASSERT_TRUE(problems.empty()) << problems[0].keyPath << ": " << problems[0].message;
  ASSERT_EQ(spec.checks.size(), 2u);
  EXPECT_EQ(spec.intervalSeconds, 2);
  EXPECT_EQ(spec.failureLimit, 1);
  EXPECT_DOUBLE_EQ(*spec.checks[0].loadBalancer->maxErrorRatePercent, 1.5);
  EXPECT_EQ(spec.checks[0].loadBalancer->noData, catalog::NoDataPolicy::Pass);
  EXPECT_EQ(spec.checks[1].webhook->url, "http://127.0.0.1:9/ok");
  EXPECT_EQ(spec.checks[1].webhook->timeoutSeconds, 5);

  problems.clear();
  analysisSpec(problems, R"({"checks": [{"loadBalancer": {"minRequests": 5, "noData": "maybe"}},
                                        {"webhook": {"url": "ftp://x"}, "loadBalancer": {}},
                                        {"webhook": {"url": "127.0.0.1/x", "timeout": 3}}],
                            "failureLimt": 2})");
  std::vector<std::string> seen;
  for (const auto& problem : problems) seen.push_back(problem.keyPath + ": " + problem.message);
  auto has = [&](const std::string& text) {
    return std::any_of(seen.begin(), seen.end(), [&](const std::string& s) { return s.find(text) != std::string::npos; });
  };
  EXPECT_TRUE(has("analysis.failureLimt: unknown key")) << ::testing::PrintToString(seen);
  EXPECT_TRUE(has("analysis.checks[0].loadBalancer.noData: must be 'pass', 'fail' or 'inconclusive'"))
      << ::testing::PrintToString(seen);
  EXPECT_TRUE(has("analysis.checks[0].loadBalancer: sets no threshold")) << ::testing::PrintToString(seen);
  EXPECT_TRUE(has("analysis.checks[1]: give exactly one kind of check")) << ::testing::PrintToString(seen);
  EXPECT_TRUE(has("analysis.checks[2].webhook.url: must start with http://")) << ::testing::PrintToString(seen);
  EXPECT_TRUE(has("analysis.checks[2].webhook.timeout: unknown key")) << ::testing::PrintToString(seen);
}

}  // namespace
}  // namespace greenlight::engine
