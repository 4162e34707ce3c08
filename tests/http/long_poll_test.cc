// Long-polling: requests parked without a thread, completed later from any thread, timed out,
// abandoned by their client, or cut short by the server stopping.
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "http/http_test_fixture.h"
#include "support/test_support.h"

namespace greenlight::http {
namespace {

using greenlight::testing::waitFor;
using httptest::ParkedRequests;
using httptest::RawConnection;
using httptest::TestServer;

// GET /v1/agents/{id}/commands parks until the test answers, or `wait` ms pass (204).
struct LongPollApi {
  ParkedRequests parked;
  std::atomic<int> noticedCloses{0};

  Router router() {
    Router router;
    router.addAsync("GET", "/v1/agents/{id}/commands", [this](HttpRequest& request,
                                                              Responder responder) {
      auto wait = std::stoi(request.queryParam("wait").value_or("60000"));
      responder.sendAfter(std::chrono::milliseconds(wait), HttpResponse{204, "", {}, ""});
      responder.onClose([this] { ++noticedCloses; });
      parked.park(request.pathParam("id"), responder);
    });
    return router;
  }
};

HttpResponse command(const std::string& agent) {
  return jsonResponse({{"agent", agent}, {"command", "Install"}});
}

TEST(LongPollTest, ParkedRequestIsCompletedFromAnotherThread) {
  LongPollApi api;
  TestServer server(api.router());
  std::optional<Result<ClientResponse>> answer;
  std::thread agent([&] { answer.emplace(server.client()->get("/v1/agents/i-1/commands")); });
  ASSERT_TRUE(waitFor([&] { return api.parked.count() == 1; }));
  std::thread engine([&] {
    for (auto& parked : api.parked.takeAll()) {
      EXPECT_TRUE(parked.responder.isOpen());
      EXPECT_TRUE(parked.responder.send(command(parked.tag)));
      EXPECT_FALSE(parked.responder.send(command("twice"))) << "only the first answer counts";
      EXPECT_FALSE(parked.responder.isOpen());
    }
  });
  engine.join();
  agent.join();
  ASSERT_TRUE(answer->ok()) << answer->error().message;
  EXPECT_EQ((*answer)->status, 200);
  EXPECT_EQ(nlohmann::json::parse((*answer)->body)["agent"], "i-1");
  EXPECT_EQ(api.noticedCloses.load(), 0);
}

TEST(LongPollTest, ParkedRequestTimesOutWithTheFallback) {
  LongPollApi api;
  TestServer server(api.router());
  auto answer = server.client()->get("/v1/agents/i-1/commands?wait=20");
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  EXPECT_EQ(answer->status, 204);
  EXPECT_TRUE(answer->body.empty());
  auto parked = api.parked.takeAll();
  ASSERT_EQ(parked.size(), 1u);
  EXPECT_FALSE(parked[0].responder.isOpen());
  EXPECT_FALSE(parked[0].responder.send(command("late")));
}

TEST(LongPollTest, ClientDisconnectWhileParkedIsNoticed) {
  LongPollApi api;
  TestServer server(api.router());
  RawConnection connection(server.port());
  connection.send(httptest::getRequest("/v1/agents/i-1/commands"));
  ASSERT_TRUE(waitFor([&] { return api.parked.count() == 1; }));
  connection.close();
  ASSERT_TRUE(waitFor([&] { return api.noticedCloses.load() == 1; }));
  auto parked = api.parked.takeAll();
  EXPECT_FALSE(parked[0].responder.isOpen());
  EXPECT_FALSE(parked[0].responder.send(command("gone"))) << "answering a gone client is a no-op";
  EXPECT_TRUE(waitFor([&] { return server.server().connectionCount() == 0; }));

  // A callback registered after the disconnect is refused rather than run.
  bool ran = false;
  EXPECT_FALSE(parked[0].responder.onClose([&] { ran = true; }));
  EXPECT_FALSE(ran);
}

TEST(LongPollTest, PipelinedRequestWaitsBehindTheParkedOne) {
  LongPollApi api;
  TestServer server(api.router());
  RawConnection connection(server.port());
  connection.send(httptest::getRequest("/v1/agents/a/commands") +
                  httptest::getRequest("/v1/agents/b/commands"));
  for (std::string agent : {"a", "b"}) {
    ASSERT_TRUE(waitFor([&] { return api.parked.count() == 1; }));
    auto parked = api.parked.takeAll();
    EXPECT_EQ(parked[0].tag, agent);
    parked[0].responder.send(command(agent));
    auto response = connection.readResponse();
    EXPECT_EQ(nlohmann::json::parse(response.body())["agent"], agent);
  }
  EXPECT_EQ(api.noticedCloses.load(), 0);
}

TEST(LongPollTest, TwoHundredConcurrentParkedLongPollsAreAllCompleted) {
  constexpr int kAgents = 200;
  LongPollApi api;
  TestServer server(api.router());
  std::vector<std::unique_ptr<RawConnection>> agents;
  for (int i = 0; i < kAgents; ++i) {
    agents.push_back(std::make_unique<RawConnection>(server.port()));
    agents.back()->send(httptest::getRequest("/v1/agents/i-" + std::to_string(i) + "/commands"));
  }
  ASSERT_TRUE(waitFor([&] { return api.parked.count() == kAgents; }));
  std::thread engine([&] {
    for (auto& parked : api.parked.takeAll()) EXPECT_TRUE(parked.responder.send(command(parked.tag)));
  });
  engine.join();
  for (int i = 0; i < kAgents; ++i) {
    auto response = agents[i]->readResponse();
    ASSERT_EQ(response.result_int(), 200);
    EXPECT_EQ(nlohmann::json::parse(response.body())["agent"], "i-" + std::to_string(i));
  }
  EXPECT_EQ(api.noticedCloses.load(), 0);
}

TEST(LongPollTest, StopWithParkedRequestsReturnsPromptlyAndClosesThem) {
  constexpr int kAgents = 20;
  LongPollApi api;
  TestServer server(api.router());
  std::vector<std::unique_ptr<RawConnection>> agents;
  for (int i = 0; i < kAgents; ++i) {
    agents.push_back(std::make_unique<RawConnection>(server.port()));
    agents.back()->send(httptest::getRequest("/v1/agents/i-" + std::to_string(i) + "/commands"));
  }
  ASSERT_TRUE(waitFor([&] { return api.parked.count() == kAgents; }));
  auto stopped = std::async(std::launch::async, [&] { server.server().stop(); });
  ASSERT_EQ(stopped.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  EXPECT_EQ(api.noticedCloses.load(), kAgents);
  for (auto& parked : api.parked.takeAll()) EXPECT_FALSE(parked.responder.send(command("late")));
  for (auto& agent : agents) EXPECT_TRUE(agent->closedByServer());
  EXPECT_EQ(server.server().connectionCount(), 0u);
}

TEST(LongPollTest, ResponderThatOutlivesTheServerIsHarmless) {
  LongPollApi api;
  std::vector<ParkedRequests::Parked> parked;
  {
    TestServer server(api.router());
    RawConnection connection(server.port());
    connection.send(httptest::getRequest("/v1/agents/i-1/commands"));
    ASSERT_TRUE(waitFor([&] { return api.parked.count() == 1; }));
    parked = api.parked.takeAll();
  }
  EXPECT_FALSE(parked[0].responder.isOpen());
  EXPECT_FALSE(parked[0].responder.send(command("late")));
  EXPECT_FALSE(parked[0].responder.startEventStream().isOpen());
}

}  // namespace
}  // namespace greenlight::http
