// The agent's traffic events against the stand-in control plane: a command with a load balancer
// runs BlockTraffic and AllowTraffic by asking the server until it says done, within the
// command's timeouts, and through an outage of the server.
#include <gtest/gtest.h>

#include <thread>

#include "agentd/agent_test_support.h"
#include "agentd/server_traffic_control.h"

namespace greenlight::agentd {
namespace {

namespace gt = greenlight::testing;
using testing::AgentThread;
using testing::FakeControlPlane;
using testing::TrafficAsk;

http::HttpResponse answer(const char* state, const std::string& detail) {
  return http::jsonResponse({{"state", state}, {"detail", detail}});
}

class AgentTrafficEvents : public ::testing::Test {
 protected:
  void SetUp() override {
    address_ = server_.start();
    bundle_ = testing::makeBundle(work_.path());
    server_.addBundle(bundle_.sha256, bundle_.bytes);
  }

  nlohmann::json command(const std::string& deploymentId, int blockSeconds, int allowSeconds) {
    auto payload = testing::commandPayload(deploymentId, "i-1", bundle_.sha256,
                                           {{"COUNT_FILE", (work_ / "hook-runs").string()}});
    payload["loadBalancer"] = {{"blockTimeoutSeconds", blockSeconds}, {"allowTimeoutSeconds", allowSeconds}};
    return payload;
  }

  nlohmann::json resultOf(const std::string& commandId) {
    EXPECT_TRUE(gt::waitFor([&] { return !server_.resultsFor(commandId).empty(); }));
    auto results = server_.resultsFor(commandId);
    return results.empty() ? nlohmann::json() : results[0];
  }

  static nlohmann::json eventIn(const nlohmann::json& result, const std::string& name) {
    for (const auto& event : result["events"]) {
      if (event["event"] == name) return event;
    }
    ADD_FAILURE() << "no event " << name << " in " << result.dump(2);
    return {};
  }

  // The gaps between consecutive asks: the agent waits between them, it does not spin. The last
  // ask may come sooner: the agent asks once more right at its deadline.
  static void expectPaced(const std::vector<TrafficAsk>& asks) {
    for (std::size_t i = 1; i + 1 < asks.size(); ++i) {
      auto gap = std::chrono::duration_cast<std::chrono::milliseconds>(asks[i].at - asks[i - 1].at);
      EXPECT_GE(gap.count(), 90) << "ask " << i << " of " << asks[i].event;
    }
  }

  gt::TempDir work_;
  FakeControlPlane server_;
  std::string address_;
  testing::TestBundle bundle_;
};

TEST_F(AgentTrafficEvents, AsksAgainWhileWaitingAndRunsEveryEventInCodeDeploysOrder) {
  server_.answerTrafficWith([](const TrafficAsk& ask, int earlier) {
    if (ask.event == "BlockTraffic") {
      return earlier < 2 ? answer("waiting", std::to_string(2 - earlier) + " requests still in flight")
                         : answer("done", "drained from shop/web: no request in flight");
    }
    return earlier < 3 ? answer("waiting", "GET /health: L7STS 500 (1 of 2 checks passed)")
                       : answer("done", "healthy (GET /health: L7OK) and serving in shop/web at weight 100");
  });
  AgentThread agent(testing::agentOptions(address_, work_.path()));
  server_.queueCommand("i-1", command("d-LB", 10, 10));
  auto result = resultOf("d-LB/i-1");
  EXPECT_EQ(result["status"], "Succeeded") << result.dump(2);

  std::vector<std::string> order;
  for (const auto& event : result["events"]) order.push_back(event["event"]);
  EXPECT_EQ(order, (std::vector<std::string>{"BeforeBlockTraffic", "BlockTraffic", "AfterBlockTraffic",
                                             "ApplicationStop", "DownloadBundle", "BeforeInstall", "Install",
                                             "AfterInstall", "ApplicationStart", "ValidateService",
                                             "BeforeAllowTraffic", "AllowTraffic", "AfterAllowTraffic"}));
  EXPECT_EQ(eventIn(result, "BlockTraffic")["status"], "Succeeded");
  EXPECT_EQ(eventIn(result, "BlockTraffic")["message"], "drained from shop/web: no request in flight");
  EXPECT_EQ(eventIn(result, "AllowTraffic")["message"],
            "healthy (GET /health: L7OK) and serving in shop/web at weight 100");

  auto blocks = server_.trafficAsks("BlockTraffic");
  auto allows = server_.trafficAsks("AllowTraffic");
  EXPECT_EQ(blocks.size(), 3u);
  EXPECT_EQ(allows.size(), 4u);
  expectPaced(blocks);
  expectPaced(allows);
  for (const auto& ask : server_.trafficAsks()) EXPECT_EQ(ask.commandId, "d-LB/i-1");
  // Blocked before the first hook of the new revision, allowed after ValidateService.
  auto reports = server_.reportsFor("d-LB/i-1");
  auto startOf = [&](const std::string& name) {
    for (std::size_t i = 0; i < reports.size(); ++i) {
      if (reports[i].kind == "event" && reports[i].body["event"] == name) return i;
    }
    return reports.size();
  };
  EXPECT_LT(startOf("BlockTraffic"), startOf("BeforeInstall"));
  EXPECT_LT(startOf("ValidateService"), startOf("AllowTraffic"));
  EXPECT_TRUE(agent.finish().ok());
}

TEST_F(AgentTrafficEvents, AnAllowTrafficStillWaitingAtItsTimeoutFailsWithTheLastDetail) {
  server_.answerTrafficWith([](const TrafficAsk& ask, int earlier) {
    if (ask.event == "BlockTraffic") return answer("done", "not registered with the load balancer: nothing to drain");
    return answer("waiting", "GET /health: L7STS 500 (" + std::to_string(earlier) + " checks failed)");
  });
  AgentThread agent(testing::agentOptions(address_, work_.path()));
  auto started = std::chrono::steady_clock::now();
  server_.queueCommand("i-1", command("d-SICK", 10, 1));
  auto result = resultOf("d-SICK/i-1");
  EXPECT_EQ(result["status"], "Failed");
  EXPECT_EQ(result["errorCode"], "TrafficControlFailed");
  auto allow = eventIn(result, "AllowTraffic");
  EXPECT_EQ(allow["status"], "Failed");
  EXPECT_EQ(allow["errorCode"], "TrafficControlFailed");
  auto asks = server_.trafficAsks("AllowTraffic");
  ASSERT_GE(asks.size(), 2u);
  std::string last = "GET /health: L7STS 500 (" + std::to_string(asks.size() - 1) + " checks failed)";
  std::string message = allow["message"];
  EXPECT_NE(message.find(last), std::string::npos) << message;
  EXPECT_NE(message.find("within 1 second"), std::string::npos) << message;
  EXPECT_NE(message.find("startGracePeriodSeconds"), std::string::npos) << message;
  // About one ask every 150 ms for a second: not one, not a spin.
  EXPECT_LE(asks.size(), 12u);
  expectPaced(asks);
  EXPECT_GE(asks.back().at - asks.front().at, std::chrono::milliseconds(900));
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
  for (const auto& event : result["events"]) {
    EXPECT_FALSE(event["event"] == "AfterAllowTraffic" && event["status"] != "Pending") << "it never ran";
  }
  EXPECT_TRUE(agent.finish().ok());
}

TEST_F(AgentTrafficEvents, ADrainStillGoingAtTheBlockTimeoutGoesOnNamingTheRequestsInFlight) {
  server_.answerTrafficWith([](const TrafficAsk& ask, int) {
    if (ask.event == "BlockTraffic") return answer("waiting", "3 requests still in flight");
    return answer("done", "healthy");
  });
  AgentThread agent(testing::agentOptions(address_, work_.path()));
  server_.queueCommand("i-1", command("d-BUSY", 1, 10));
  auto result = resultOf("d-BUSY/i-1");
  EXPECT_EQ(result["status"], "Succeeded") << result.dump(2);
  auto block = eventIn(result, "BlockTraffic");
  EXPECT_EQ(block["status"], "Succeeded");
  std::string message = block["message"];
  EXPECT_NE(message.find("3 requests still in flight"), std::string::npos) << message;
  EXPECT_NE(message.find("drainTimeoutSeconds"), std::string::npos) << message;
  EXPECT_GE(server_.trafficAsks("BlockTraffic").size(), 2u);
  EXPECT_EQ(eventIn(result, "ApplicationStart")["status"], "Succeeded");
  EXPECT_TRUE(agent.finish().ok());
}

TEST_F(AgentTrafficEvents, KeepsAskingThroughAnOutageOfTheServerWithinTheDeadline) {
  std::atomic<bool> drained{false};
  server_.answerTrafficWith([&](const TrafficAsk& ask, int) {
    if (ask.event == "AllowTraffic") return answer("done", "healthy");
    return drained ? answer("done", "drained: no request in flight") : answer("waiting", "1 request still in flight");
  });
  AgentThread agent(testing::agentOptions(address_, work_.path()));
  server_.queueCommand("i-1", command("d-AWAY", 20, 20));
  ASSERT_TRUE(gt::waitFor([&] { return !server_.trafficAsks("BlockTraffic").empty(); }));
  server_.stop();
  std::size_t asksBefore = server_.trafficAsks("BlockTraffic").size();
  // The outage: long enough for several connection attempts at the agent's backoff (20-200 ms).
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  drained = true;
  server_.start(server_.port());
  auto result = resultOf("d-AWAY/i-1");
  EXPECT_EQ(result["status"], "Succeeded") << result.dump(2);
  EXPECT_EQ(eventIn(result, "BlockTraffic")["message"], "drained: no request in flight");
  EXPECT_GT(server_.trafficAsks("BlockTraffic").size(), asksBefore) << "asked again once the server was back";
  EXPECT_TRUE(agent.finish().ok());
}

TEST(TrafficTimeouts, AreReadFromTheCommandsLoadBalancer) {
  EXPECT_FALSE(trafficTimeoutsOf(nlohmann::json{{"id", "d-1/i-1"}}).has_value());
  auto timeouts = trafficTimeoutsOf(
      nlohmann::json{{"loadBalancer", {{"blockTimeoutSeconds", 0}, {"allowTimeoutSeconds", 45}}}});
  ASSERT_TRUE(timeouts.has_value());
  EXPECT_EQ(timeouts->block, std::chrono::seconds(0));
  EXPECT_EQ(timeouts->allow, std::chrono::seconds(45));
}

}  // namespace
}  // namespace greenlight::agentd
