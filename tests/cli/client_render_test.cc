// The client's text views, from JSON as the API answers it: no server needed.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli/client_output.h"
#include "cli/client_render_catalog.h"
#include "cli/client_render_deployment.h"

namespace greenlight::cli {
namespace {

using nlohmann::json;

json failedDeployment() {
  return json::parse(R"({
    "id": "d-ABC123456", "application": "sample", "groupName": "web", "revision": "0123456789abcdef0123",
    "configName": "CodeDeployDefault.OneAtATime", "status": "Failed", "creator": "user", "createdBy": "admin",
    "errorCode": "HealthConstraints", "errorMessage": "too many instances failed: 1 of 2",
    "startedAt": "2026-01-01T00:00:00.000Z", "endedAt": "2026-01-01T00:00:03.500Z",
    "counts": {"pending": 0, "inProgress": 0, "succeeded": 1, "failed": 1, "skipped": 0, "unknown": 0},
    "version": 7,
    "targets": [
      {"instanceId": "i-000000000001", "hostName": "web-0", "port": 18080, "status": "Succeeded",
       "currentEvent": "ValidateService", "startedAt": "2026-01-01T00:00:00.000Z", "endedAt": "2026-01-01T00:00:01.250Z",
       "events": [{"event": "BeforeInstall", "status": "Succeeded", "durationMs": 200},
                  {"event": "ValidateService", "status": "Succeeded", "durationMs": 300}]},
      {"instanceId": "i-000000000002", "hostName": "web-1", "port": 18081, "status": "Failed",
       "currentEvent": "ValidateService", "startedAt": "2026-01-01T00:00:01.250Z", "endedAt": "2026-01-01T00:00:03.000Z",
       "errorCode": "ScriptFailed",
       "events": [{"event": "BeforeInstall", "status": "Succeeded", "durationMs": 100},
                  {"event": "ValidateService", "status": "Failed", "durationMs": 900, "errorCode": "ScriptFailed",
                   "message": "validate.sh exited with 3", "logTail": "checking port 18081\ncurl: connection refused\n"}]}
    ]})");
}

TEST(ClientRenderTest, DeploymentViewShowsEveryInstanceAndTheFailingEventWithItsLogTail) {
  std::string view = renderDeploymentView(failedDeployment(), Style(false), WallTime{});
  EXPECT_NE(view.find("Deployment d-ABC123456"), std::string::npos) << view;
  EXPECT_NE(view.find("revision 0123456789ab "), std::string::npos) << view;
  EXPECT_NE(view.find("Status: Failed"), std::string::npos) << view;
  EXPECT_NE(view.find("duration 3.500s"), std::string::npos) << view;
  EXPECT_NE(view.find("1 succeeded, 1 failed"), std::string::npos) << view;
  EXPECT_NE(view.find("too many instances failed: 1 of 2"), std::string::npos) << view;
  EXPECT_EQ(view.find("web-0 (i-000000000001) failed"), std::string::npos) << "succeeded instances have no failure block";
  EXPECT_NE(view.find("18081"), std::string::npos) << view;
  EXPECT_NE(view.find("web-1 (i-000000000002) failed at ValidateService: ScriptFailed: validate.sh exited with 3"),
            std::string::npos)
      << view;
  EXPECT_NE(view.find("    | curl: connection refused"), std::string::npos) << view;
  EXPECT_EQ(view.find("\033["), std::string::npos) << "no colour when the style is off";
}

TEST(ClientRenderTest, RunningInstanceDurationCountsFromItsStartUntilNow) {
  json deployment = failedDeployment();
  deployment["status"] = "InProgress";
  deployment["targets"][1]["status"] = "InProgress";
  deployment["targets"][1].erase("endedAt");
  WallTime now = parseTimestamp("2026-01-01T00:00:02.250Z");
  std::string view = renderDeploymentView(deployment, Style(false), now);
  EXPECT_NE(view.find("1.000s"), std::string::npos) << view;
  EXPECT_EQ(view.find("failed at"), std::string::npos) << view;
}

TEST(ClientRenderTest, ChangeLinesNameInstanceEventStatusAndDuration) {
  json before = failedDeployment();
  before["status"] = "InProgress";
  before["targets"][1]["status"] = "InProgress";
  before["targets"][1]["events"][1] = json{{"event", "ValidateService"}, {"status", "InProgress"}};
  auto lines = describeChanges(before, failedDeployment());
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.back(), "deployment d-ABC123456: Failed") << "the final status comes after the instance lines";
  bool eventLine = false, logLine = false, targetLine = false;
  for (const auto& line : lines) {
    eventLine |= line == "instance web-1 (i-000000000002): event ValidateService Failed in 0.900s: ScriptFailed: "
                         "validate.sh exited with 3";
    logLine |= line == "    | curl: connection refused";
    targetLine |= line.rfind("instance web-1 (i-000000000002): Failed", 0) == 0;
    EXPECT_EQ(line.find("web-0"), std::string::npos) << "web-0 did not change: " << line;
  }
  EXPECT_TRUE(eventLine);
  EXPECT_TRUE(logLine);
  EXPECT_TRUE(targetLine);
}

TEST(ClientRenderTest, FirstSightOfADeploymentReportsEverythingAlreadyDone) {
  auto lines = describeChanges(json(), failedDeployment());
  bool sawSucceeded = false;
  for (const auto& line : lines) {
    sawSucceeded |= line == "instance web-0 (i-000000000001): event BeforeInstall Succeeded in 0.200s";
  }
  EXPECT_TRUE(sawSucceeded);
  EXPECT_TRUE(describeChanges(failedDeployment(), failedDeployment()).empty()) << "no change, no line";
}

TEST(ClientRenderTest, ExitCodesFollowTheFinalStatus) {
  EXPECT_EQ(exitCodeForDeployment(json{{"status", "Succeeded"}}), 0);
  EXPECT_EQ(exitCodeForDeployment(json{{"status", "Failed"}}), 4);
  EXPECT_EQ(exitCodeForDeployment(json{{"status", "Stopped"}}), 5);
  EXPECT_EQ(exitCodeForDeployment(json{{"status", "InProgress"}}), -1);
  EXPECT_TRUE(isFinalDeploymentStatus("Stopped"));
  EXPECT_FALSE(isFinalDeploymentStatus("Queued"));
}

TEST(ClientRenderTest, SummaryGivesStatusDurationAndCounts) {
  std::string summary = renderSummary(failedDeployment());
  EXPECT_EQ(summary, "Deployment d-ABC123456 Failed in 3.500s: 1 succeeded, 1 failed.\n");
}

TEST(ClientRenderTest, PlanShowsNumbersAndBatchesInOrderWithHostNames) {
  json plan = json::parse(R"({"configName": "CodeDeployDefault.HalfAtATime",
    "numbers": {"instanceCount": 4, "minimumHealthyHosts": 2, "maxInFlight": 2, "neededSuccesses": 2},
    "batches": [["i-1", "i-2"], ["i-3", "i-4"]], "feasible": true,
    "instances": [{"id": "i-1", "hostName": "web-0"}, {"id": "i-2", "hostName": "web-1"},
                  {"id": "i-3", "hostName": "web-2"}, {"id": "i-4", "hostName": "web-3"}]})");
  std::string text = renderPlan(plan, "sample/web");
  EXPECT_NE(text.find("instances: 4   minimum healthy: 2   max in flight: 2   successes needed: 2"), std::string::npos)
      << text;
  auto first = text.find("batch 1: web-0 (i-1), web-1 (i-2)");
  auto second = text.find("batch 2: web-2 (i-3), web-3 (i-4)");
  ASSERT_NE(first, std::string::npos) << text;
  ASSERT_NE(second, std::string::npos) << text;
  EXPECT_LT(first, second);
}

TEST(ClientRenderTest, InfeasiblePlanSaysWhy) {
  json plan = json::parse(R"({"configName": "strict", "numbers": {"instanceCount": 2, "minimumHealthyHosts": 2},
    "batches": [], "feasible": false, "errorCode": "HealthConstraintsInvalid",
    "reason": "2 instances cannot keep 2 healthy while deploying"})");
  std::string text = renderPlan(plan, "sample/web");
  EXPECT_NE(text.find("Cannot deploy (HealthConstraintsInvalid): 2 instances cannot keep 2 healthy"), std::string::npos)
      << text;
  EXPECT_EQ(text.find("batch 1"), std::string::npos);
}

TEST(ClientRenderTest, HistoryShowsShortShaDurationAndRollbackLinks) {
  json answer = json::parse(R"({"deployments": [
    {"id": "d-2", "status": "Succeeded", "creator": "rollback", "createdBy": "admin",
     "revision": "aaaaaaaaaaaabbbbbbbb", "configName": "CodeDeployDefault.AllAtOnce",
     "startedAt": "2026-01-01T00:01:00.000Z", "endedAt": "2026-01-01T00:01:02.000Z", "rollbackOf": "d-1"},
    {"id": "d-1", "status": "Failed", "creator": "user", "createdBy": "admin", "revision": "cccccccccccc0000",
     "configName": "CodeDeployDefault.OneAtATime", "startedAt": "2026-01-01T00:00:00.000Z", "durationMs": 61000,
     "rolledBackBy": "d-2"},
    {"id": "d-3", "status": "Queued", "createdBy": "ci", "revision": "dddddddddddd", "createdAt": "2026-01-01T00:02:00.000Z"}]})");
  std::string text = renderHistory(answer);
  EXPECT_NE(text.find("ID "), std::string::npos);
  EXPECT_NE(text.find("aaaaaaaaaaaa "), std::string::npos) << text;
  EXPECT_EQ(text.find("aaaaaaaaaaaab"), std::string::npos) << "revision shortened: " << text;
  EXPECT_NE(text.find("2.000s"), std::string::npos) << text;
  EXPECT_NE(text.find("1m01s"), std::string::npos) << text;
  EXPECT_NE(text.find("rollback of d-1"), std::string::npos) << text;
  EXPECT_NE(text.find("rolled back by d-2"), std::string::npos) << text;
  EXPECT_NE(text.find("admin (rollback)"), std::string::npos) << text;
  EXPECT_NE(text.find("2026-01-01 00:02:00"), std::string::npos) << "a queued one shows when it was created: " << text;
}

TEST(ClientRenderTest, TableAlignsColumns) {
  Table table({"A", "LONGER"});
  table.addRow({"wide-cell", "x"});
  EXPECT_EQ(table.render(), "A          LONGER\nwide-cell  x\n");
}

TEST(ClientRenderTest, InstancesShowLifecycleOnlineRevisionAndHealth) {
  json answer = json::parse(R"({"instances": [
    {"id": "i-1", "hostName": "web-0", "port": 18080, "lifecycle": "Running", "online": true,
     "currentRevision": "abcdefabcdef1234", "lastDeploymentFailed": false},
    {"id": "i-2", "hostName": "db-host", "port": 0, "lifecycle": "Lost", "lifecycleReason": "agent process exited",
     "online": false, "lastDeploymentFailed": false}]})");
  std::string text = renderInstances(answer);
  EXPECT_NE(text.find("i-1  web-0    18080  Running"), std::string::npos) << text;
  EXPECT_NE(text.find("abcdefabcdef  Healthy"), std::string::npos) << text;
  EXPECT_NE(text.find("Lost (agent process exited)"), std::string::npos) << text;
  EXPECT_NE(text.find("Unhealthy"), std::string::npos) << text;
}

TEST(ClientRenderTest, GroupShowsFleetConfigRollbackAndInstances) {
  json group = json::parse(R"({"id": "dg-1", "application": "sample", "name": "web",
    "fleet": {"provider": "static", "tags": {"role": "web"}}, "deploymentConfig": "CodeDeployDefault.AllAtOnce",
    "autoRollback": {"enabled": true, "events": ["DEPLOYMENT_FAILURE"]}})");
  std::string text = renderGroup(group, json{{"instances", json::array()}});
  EXPECT_NE(text.find("sample/web"), std::string::npos) << text;
  EXPECT_NE(text.find("static, agents tagged role=web"), std::string::npos) << text;
  EXPECT_NE(text.find("on (DEPLOYMENT_FAILURE)"), std::string::npos) << text;
  EXPECT_NE(text.find("No instances."), std::string::npos) << text;
}

TEST(ClientRenderTest, ConfigsDescribeTheirRule) {
  json answer = json::parse(R"({"deploymentConfigs": [
    {"name": "CodeDeployDefault.HalfAtATime", "computePlatform": "server", "predefined": true,
     "minimumHealthyHosts": {"type": "FLEET_PERCENT", "value": 50}},
    {"name": "slow", "computePlatform": "lambda", "predefined": false,
     "trafficRouting": {"type": "TimeBasedLinear", "percent": 10, "intervalMinutes": 3}}]})");
  std::string text = renderConfigs(answer);
  EXPECT_NE(text.find("minimum healthy FLEET_PERCENT 50"), std::string::npos) << text;
  EXPECT_NE(text.find("linear 10% every 3 min"), std::string::npos) << text;
  EXPECT_NE(text.find("predefined"), std::string::npos) << text;
  EXPECT_NE(text.find("custom"), std::string::npos) << text;
}

TEST(ClientRenderTest, FirstLinesKeepsTheStartAndCountsTheRest) {
  auto lines = firstLines("a\nb\nc\nd\n", 2);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "a");
  EXPECT_EQ(lines[1], "b");
  EXPECT_EQ(lines[2], "… (2 more lines)");
  EXPECT_EQ(firstLines("only\n", 10).size(), 1u);
}

}  // namespace
}  // namespace greenlight::cli
