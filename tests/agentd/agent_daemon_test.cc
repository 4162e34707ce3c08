// The agent against a stand-in control plane: enrolment, the lifecycle with streamed reports,
// resent commands, a corrupted bundle, and a server that goes away mid-command.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "agentd/agent_test_support.h"

namespace greenlight::agentd {
namespace {

namespace gt = greenlight::testing;
using testing::AgentThread;
using testing::FakeControlPlane;

std::vector<std::string> linesOf(const std::filesystem::path& file) {
  std::vector<std::string> lines;
  if (!std::filesystem::exists(file)) return lines;
  std::istringstream in(gt::readFile(file));
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(AgentEnrolment, EnrolsOnceThenUsesItsOwnCredential) {
  gt::TempDir work;
  FakeControlPlane server;
  std::string address = server.start();
  auto options = testing::agentOptions(address, work.path());
  options.tags = {{"role", "web"}};
  {
    AgentThread agent(options);
    ASSERT_TRUE(gt::waitFor([&] { return server.polls() >= 1; }));
    ASSERT_TRUE(agent.finish().ok());
  }
  auto enrolments = server.enrolmentRequests();
  ASSERT_EQ(enrolments.size(), 1u);
  EXPECT_EQ(enrolments[0]["instanceId"], "i-1");
  EXPECT_EQ(enrolments[0]["hostName"], "host-i-1");
  EXPECT_EQ(enrolments[0]["tags"]["role"], "web");
  auto tokenFile = options.root / "agent.token";
  struct stat info {};
  ASSERT_EQ(::stat(tokenFile.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  EXPECT_NE(gt::readFile(tokenFile).find("glt_agent_1"), std::string::npos);

  // Restarted without an enrolment token, it polls with the stored credential.
  options.enrolmentToken.reset();
  int pollsBefore = server.polls();
  AgentThread again(options);
  ASSERT_TRUE(gt::waitFor([&] { return server.polls() > pollsBefore; }));
  EXPECT_TRUE(again.finish().ok());
  EXPECT_EQ(server.enrolmentRequests().size(), 1u);
}

TEST(AgentEnrolment, EnrolsAgainWhenTheServerRefusesItsCredential) {
  gt::TempDir work;
  FakeControlPlane server;
  auto options = testing::agentOptions(server.start(), work.path());
  AgentThread agent(options);
  ASSERT_TRUE(gt::waitFor([&] { return server.polls() >= 1; }));
  server.revokeAgentTokens();
  int pollsBefore = server.polls();
  ASSERT_TRUE(gt::waitFor([&] { return server.enrolmentRequests().size() == 2 && server.polls() > pollsBefore; }));
  EXPECT_TRUE(agent.finish().ok());
  EXPECT_NE(gt::readFile(options.root / "agent.token").find("glt_agent_2"), std::string::npos);
}

TEST(AgentEnrolment, WithoutCredentialOrEnrolmentTokenIsAFatalErrorThatSaysWhatToGive) {
  gt::TempDir work;
  FakeControlPlane server;
  auto options = testing::agentOptions(server.start(), work.path());
  options.enrolmentToken.reset();
  ::unsetenv("GREENLIGHT_ENROLMENT_TOKEN");
  std::atomic<bool> stop{false};
  Status status = runAgent(options, stop);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, "NoEnrolmentToken");
  EXPECT_NE(status.error().message.find("--enrolment-token-file"), std::string::npos);
}

TEST(AgentEnrolment, AnInstanceTheServerHasNotRecordedYetEnrolsAgainUntilItIs) {
  gt::TempDir work;
  FakeControlPlane server;
  auto options = testing::agentOptions(server.start(), work.path());
  options.instanceId = "i-0123456789abcdef0";  // an EC2 instance that booted before it was recorded
  server.answerUnknownInstance(2);
  AgentThread agent(options);
  ASSERT_TRUE(gt::waitFor([&] { return server.polls() >= 1; })) << "it enrolled on the third try";
  EXPECT_TRUE(agent.finish().ok());
  EXPECT_EQ(server.enrolmentRequests().size(), 3u);
}

TEST(AgentEnrolment, ARefusedEnrolmentIsFatal) {
  gt::TempDir work;
  FakeControlPlane server;
  auto options = testing::agentOptions(server.start(), work.path());
  options.enrolmentToken = "glt_not_the_groups_token";
  std::atomic<bool> stop{false};
  Status status = runAgent(options, stop);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, "EnrolmentRefused");
}

class AgentCommands : public ::testing::Test {
 protected:
  void SetUp() override {
    address_ = server_.start();
    bundle_ = testing::makeBundle(work_.path());
    server_.addBundle(bundle_.sha256, bundle_.bytes);
    environment_ = {{"COUNT_FILE", (work_ / "hook-runs").string()}};
  }
  std::vector<std::string> hookRuns() const { return linesOf(work_ / "hook-runs"); }

  gt::TempDir work_;
  FakeControlPlane server_;
  std::string address_;
  testing::TestBundle bundle_;
  nlohmann::json environment_;
};

TEST_F(AgentCommands, RunsTheLifecycleAndReportsEveryEventInOrderWithLogTails) {
  auto options = testing::agentOptions(address_, work_.path());
  options.heartbeatInterval = std::chrono::seconds(0);  // as often as allowed
  auto hold = work_ / "release";
  environment_["HOLD_FILE"] = hold.string();
  AgentThread agent(options);
  server_.queueCommand("i-1", testing::commandPayload("d-ONE", "i-1", bundle_.sha256, environment_));
  // Heartbeats flow while a hook runs.
  ASSERT_TRUE(gt::waitFor([&] { return std::filesystem::exists(work_ / "release.started"); }));
  ASSERT_TRUE(gt::waitFor([&] { return server_.heartbeats() >= 1; }));
  gt::writeFile(hold, "");
  ASSERT_TRUE(gt::waitFor([&] { return !server_.resultsFor("d-ONE/i-1").empty(); }));

  auto reports = server_.reportsFor("d-ONE/i-1");
  ASSERT_EQ(reports.back().kind, "result");
  const auto& result = reports.back().body;
  EXPECT_EQ(result["status"], "Succeeded") << result.dump(2);
  std::vector<std::string> order;
  for (std::size_t i = 0; i + 1 < reports.size(); ++i) {
    ASSERT_EQ(reports[i].kind, "event");
    const auto& event = reports[i].body;
    if (i % 2 == 0) {
      EXPECT_EQ(event["status"], "InProgress") << event.dump();
      order.push_back(event["event"]);
    } else {
      EXPECT_EQ(event["event"], order.back()) << "each event's final report follows its start";
      EXPECT_NE(event["status"], "InProgress");
      EXPECT_TRUE(event["endedAt"].is_string());
    }
  }
  std::vector<std::string> expected = {"ApplicationStop", "DownloadBundle",  "BeforeInstall",  "Install",
                                       "AfterInstall",    "ApplicationStart", "ValidateService"};
  EXPECT_EQ(order, expected);
  ASSERT_EQ(result["events"].size(), expected.size());
  for (const auto& event : result["events"]) {
    if (event["event"] == "ValidateService") {
      EXPECT_EQ(event["status"], "Succeeded");
      EXPECT_NE(event["logTail"].get<std::string>().find("hello from ValidateService"), std::string::npos);
    }
  }
  EXPECT_EQ(gt::readFile(work_ / "install-root" / "app" / "version.txt"), "v1\n");
  EXPECT_EQ(hookRuns(), (std::vector<std::string>{"BeforeInstall", "ApplicationStart", "ValidateService"}));
  EXPECT_TRUE(std::filesystem::exists(options.root / "bundles" / bundle_.sha256));
  EXPECT_TRUE(agent.finish().ok());
}

TEST_F(AgentCommands, AResentCommandForAFinishedDeploymentIsReportedAgainWithoutRunningHooks) {
  AgentThread agent(testing::agentOptions(address_, work_.path()));
  server_.queueCommand("i-1", testing::commandPayload("d-TWICE", "i-1", bundle_.sha256, environment_));
  ASSERT_TRUE(gt::waitFor([&] { return server_.resultsFor("d-TWICE/i-1").size() == 1; }));
  auto runsAfterFirst = hookRuns();
  ASSERT_EQ(runsAfterFirst.size(), 3u);
  std::size_t reportsAfterFirst = server_.reportsFor("d-TWICE/i-1").size();

  server_.resend("d-TWICE/i-1");
  ASSERT_TRUE(gt::waitFor([&] { return server_.resultsFor("d-TWICE/i-1").size() == 2; }));
  auto results = server_.resultsFor("d-TWICE/i-1");
  EXPECT_EQ(results[1]["status"], "Succeeded");
  EXPECT_EQ(results[1]["events"], results[0]["events"]);
  EXPECT_EQ(hookRuns(), runsAfterFirst) << "no hook ran a second time";
  EXPECT_EQ(server_.reportsFor("d-TWICE/i-1").size(), reportsAfterFirst + 1) << "only the result, no events";
  EXPECT_TRUE(agent.finish().ok());
}

TEST_F(AgentCommands, ABundleWithTheWrongSha256IsRefusedBeforeExtraction) {
  std::string claimed(64, 'a');
  server_.addBundle(claimed, bundle_.bytes);  // served under a name that is not its digest
  auto options = testing::agentOptions(address_, work_.path());
  AgentThread agent(options);
  server_.queueCommand("i-1", testing::commandPayload("d-BAD", "i-1", claimed, environment_));
  ASSERT_TRUE(gt::waitFor([&] { return !server_.resultsFor("d-BAD/i-1").empty(); }));
  auto result = server_.resultsFor("d-BAD/i-1")[0];
  EXPECT_EQ(result["status"], "Failed");
  EXPECT_EQ(result["errorCode"], "BundleChecksumMismatch");
  ASSERT_EQ(result["events"].size(), 1u);
  EXPECT_EQ(result["events"][0]["event"], "DownloadBundle");
  EXPECT_NE(result["events"][0]["message"].get<std::string>().find(bundle_.sha256), std::string::npos);
  EXPECT_TRUE(hookRuns().empty());
  EXPECT_FALSE(std::filesystem::exists(options.root / FakeControlPlane::kGroupId / "d-BAD"));
  EXPECT_FALSE(std::filesystem::exists(options.root / "bundles" / claimed));
  EXPECT_FALSE(std::filesystem::exists(work_ / "install-root" / "app"));
  EXPECT_TRUE(agent.finish().ok());
}

TEST_F(AgentCommands, AMissingRevisionIsReportedFailedAndTheAgentCarriesOn) {
  std::string unknown(64, 'b');
  AgentThread agent(testing::agentOptions(address_, work_.path()));
  server_.queueCommand("i-1", testing::commandPayload("d-GONE", "i-1", unknown, environment_));
  ASSERT_TRUE(gt::waitFor([&] { return !server_.resultsFor("d-GONE/i-1").empty(); }));
  EXPECT_EQ(server_.resultsFor("d-GONE/i-1")[0]["errorCode"], "BundleUnavailable");
  server_.queueCommand("i-1", testing::commandPayload("d-NEXT", "i-1", bundle_.sha256, environment_));
  ASSERT_TRUE(gt::waitFor([&] { return !server_.resultsFor("d-NEXT/i-1").empty(); }));
  EXPECT_EQ(server_.resultsFor("d-NEXT/i-1")[0]["status"], "Succeeded");
  EXPECT_TRUE(agent.finish().ok());
}

TEST_F(AgentCommands, BacksOffWhileTheServerIsAwayAndDeliversTheResultWhenItReturns) {
  auto hold = work_ / "release";
  environment_["HOLD_FILE"] = hold.string();
  AgentThread agent(testing::agentOptions(address_, work_.path()));
  server_.queueCommand("i-1", testing::commandPayload("d-AWAY", "i-1", bundle_.sha256, environment_));
  ASSERT_TRUE(gt::waitFor([&] { return std::filesystem::exists(work_ / "release.started"); }));
  // Every report so far (up to ApplicationStart's start) is in, so none is in flight at the stop.
  ASSERT_TRUE(gt::waitFor([&] { return server_.reportsFor("d-AWAY/i-1").size() == 11; }));
  server_.stop();
  gt::writeFile(hold, "");  // the hook finishes while nobody listens
  ASSERT_TRUE(gt::waitFor([&] { return hookRuns().size() == 3; }));
  EXPECT_TRUE(server_.resultsFor("d-AWAY/i-1").empty());
  EXPECT_FALSE(agent.done()) << "a network error never ends the agent";

  server_.start(server_.port());
  ASSERT_TRUE(gt::waitFor([&] { return !server_.resultsFor("d-AWAY/i-1").empty(); }));
  auto reports = server_.reportsFor("d-AWAY/i-1");
  EXPECT_EQ(reports.back().kind, "result");
  EXPECT_EQ(reports.back().body["status"], "Succeeded");
  // Nothing was lost or reordered: every event has its start and its end, in lifecycle order.
  ASSERT_EQ(reports.size(), 2 * 7 + 1u);
  EXPECT_EQ(reports[12].body["event"], "ValidateService");
  EXPECT_EQ(reports[13].body["status"], "Succeeded");
  EXPECT_EQ(hookRuns().size(), 3u);
  EXPECT_TRUE(agent.finish().ok());
}

}  // namespace
}  // namespace greenlight::agentd
