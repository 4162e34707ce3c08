// The agent's report JSON and its backoff arithmetic.
#include <gtest/gtest.h>

#include "agentd/agent_reports.h"
#include "agentd/retry.h"
#include "agentd/server_client.h"

namespace greenlight::agentd {
namespace {

agent::DeploymentRecord failedRecord() {
  agent::DeploymentRecord record;
  record.deploymentId = "d-1";
  record.status = agent::DeploymentStatus::Failed;
  record.errorCode = "ScriptFailed";
  record.message = "ValidateService failed: exit 3";
  agent::EventRecord done;
  done.name = "BeforeInstall";
  done.status = agent::EventStatus::Succeeded;
  done.start = parseTimestamp("2026-01-02T03:04:05.000Z");
  done.end = parseTimestamp("2026-01-02T03:04:06.500Z");
  agent::EventRecord failed;
  failed.name = "ValidateService";
  failed.status = agent::EventStatus::Failed;
  failed.errorCode = "ScriptFailed";
  failed.message = "exit 3";
  failed.notes = {"outputs left open by pid 42"};
  failed.logTail = std::string(5000, 'x') + "the end";
  agent::EventRecord never;
  never.name = "AfterAllowTraffic";
  record.events = {done, failed, never};
  return record;
}

TEST(AgentReports, EventReportCarriesTimesCodesAndTheLast4KiBOfOutput) {
  auto record = failedRecord();
  auto report = eventReport(record.events[1]);
  EXPECT_EQ(report["event"], "ValidateService");
  EXPECT_EQ(report["status"], "Failed");
  EXPECT_EQ(report["errorCode"], "ScriptFailed");
  EXPECT_TRUE(report["startedAt"].is_null());
  EXPECT_NE(report["message"].get<std::string>().find("outputs left open"), std::string::npos);
  auto tail = report["logTail"].get<std::string>();
  EXPECT_EQ(tail.size(), kLogTailBytes);
  EXPECT_EQ(tail.substr(tail.size() - 7), "the end");

  auto done = eventReport(record.events[0]);
  EXPECT_EQ(done["startedAt"], "2026-01-02T03:04:05.000Z");
  EXPECT_EQ(done["endedAt"], "2026-01-02T03:04:06.500Z");
}

TEST(AgentReports, ResultLeavesOutEventsThatNeverStarted) {
  auto result = resultReport(failedRecord());
  EXPECT_EQ(result["status"], "Failed");
  EXPECT_EQ(result["errorCode"], "ScriptFailed");
  EXPECT_EQ(result["message"], "ValidateService failed: exit 3");
  ASSERT_EQ(result["events"].size(), 2u);
  EXPECT_EQ(result["events"][1]["event"], "ValidateService");
}

TEST(AgentReports, ASucceededResultHasNoErrorCode) {
  auto record = failedRecord();
  record.status = agent::DeploymentStatus::Succeeded;
  EXPECT_EQ(resultReport(record)["status"], "Succeeded");
  EXPECT_EQ(resultReport(record)["errorCode"], "");
}

TEST(AgentReports, CommandIdsArePercentEncodedInPaths) {
  EXPECT_EQ(commandPath("d-ABC/i-123", "events"), "/v1/agent/commands/d-ABC%2Fi-123/events");
}

TEST(AgentBackoff, DoublesWithJitterUpToTheMaximumAndResets) {
  Backoff backoff(std::chrono::milliseconds(100), std::chrono::milliseconds(1000));
  std::vector<long long> ceilings = {100, 200, 400, 800, 1000, 1000};
  for (long long ceiling : ceilings) {
    auto delay = backoff.next().count();
    EXPECT_GE(delay, ceiling / 2);
    EXPECT_LE(delay, ceiling);
  }
  backoff.reset();
  EXPECT_LE(backoff.next().count(), 100);
}

TEST(AgentBackoff, SleepEndsEarlyOnStop) {
  std::atomic<bool> stop{true};
  EXPECT_FALSE(sleepUnlessStopped(std::chrono::hours(1), stop));
  std::atomic<bool> go{false};
  EXPECT_TRUE(sleepUnlessStopped(std::chrono::milliseconds(1), go));
}

}  // namespace
}  // namespace greenlight::agentd
