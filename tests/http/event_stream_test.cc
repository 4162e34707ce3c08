// Server-sent events end to end: events in order, keep-alive comments, the client leaving, the
// server ending a stream cleanly.
#include <gtest/gtest.h>

#include <thread>

#include "http/http_test_fixture.h"
#include "support/test_support.h"

namespace greenlight::http {
namespace {

using greenlight::testing::waitFor;
using httptest::RawConnection;
using httptest::TestServer;

// GET /v1/deployments/{id}/events opens a stream the test then feeds.
struct EventApi {
  std::mutex mu;
  std::vector<EventStream> streams;
  std::atomic<int> noticedCloses{0};

  Router router() {
    Router router;
    router.addAsync("GET", "/v1/deployments/{id}/events", [this](HttpRequest&, Responder responder) {
      EventStream stream = responder.startEventStream();
      stream.onClose([this] { ++noticedCloses; });
      std::lock_guard lock(mu);
      streams.push_back(stream);
    });
    return router;
  }
  size_t count() {
    std::lock_guard lock(mu);
    return streams.size();
  }
  EventStream first() {
    std::lock_guard lock(mu);
    return streams.at(0);
  }
};

TEST(EventStreamTest, ClientReceivesEveryEventInOrder) {
  constexpr int kEvents = 300;
  EventApi api;
  TestServer server(api.router());
  std::vector<ServerSentEvent> received;
  Status finished;
  std::thread watcher([&] {
    finished = server.client()->readEvents("/v1/deployments/d-1/events",
                                           [&](const ServerSentEvent& event) {
                                             received.push_back(event);
                                             return true;
                                           });
  });
  ASSERT_TRUE(waitFor([&] { return api.count() == 1; }));
  EventStream stream = api.first();
  std::thread producer([&] {
    for (int i = 0; i < kEvents; ++i) {
      EXPECT_TRUE(stream.send({"progress", "step " + std::to_string(i) + "\nof many",
                               std::to_string(i)}));
    }
    stream.close();
  });
  producer.join();
  watcher.join();
  ASSERT_TRUE(finished.ok()) << finished.error().message;
  ASSERT_EQ(received.size(), static_cast<size_t>(kEvents));
  for (int i = 0; i < kEvents; ++i) {
    EXPECT_EQ(received[i].type, "progress");
    EXPECT_EQ(received[i].id, std::to_string(i));
    EXPECT_EQ(received[i].data, "step " + std::to_string(i) + "\nof many");
  }
  EXPECT_FALSE(stream.isOpen());
  EXPECT_FALSE(stream.send({"progress", "after the end", ""}));
  EXPECT_EQ(api.noticedCloses.load(), 0) << "a stream the server ended is not a client close";
}

TEST(EventStreamTest, IdleStreamGetsKeepAliveComments) {
  HttpServerOptions options;
  options.eventStreamKeepAlive = std::chrono::milliseconds(10);
  EventApi api;
  TestServer server(api.router(), options);
  RawConnection connection(server.port());
  connection.send(httptest::getRequest("/v1/deployments/d-1/events"));
  std::string seen;
  ASSERT_TRUE(waitFor([&] {
    seen += connection.readSome();
    return seen.find(": keep-alive\n\n") != std::string::npos;
  }));
  EXPECT_NE(seen.find("Content-Type: text/event-stream"), std::string::npos);
}

TEST(EventStreamTest, ClientLeavingEndsTheStream) {
  EventApi api;
  TestServer server(api.router());
  std::atomic<int> eventsSeen{0};
  std::thread watcher([&] {
    auto status = server.client()->readEvents("/v1/deployments/d-1/events",
                                              [&](const ServerSentEvent&) {
                                                ++eventsSeen;
                                                return false;  // seen enough
                                              });
    EXPECT_TRUE(status.ok());
  });
  ASSERT_TRUE(waitFor([&] { return api.count() == 1; }));
  EventStream stream = api.first();
  EXPECT_TRUE(stream.send({"progress", "first", "1"}));
  watcher.join();
  EXPECT_EQ(eventsSeen.load(), 1);
  ASSERT_TRUE(waitFor([&] { return api.noticedCloses.load() == 1; }));
  EXPECT_FALSE(stream.isOpen());
  EXPECT_FALSE(stream.send({"progress", "nobody listens", "2"}));
}

TEST(EventStreamTest, ConnectionIsReusableAfterTheServerEndsAStream) {
  EventApi api;
  TestServer server(api.router());
  RawConnection connection(server.port());
  connection.send(httptest::getRequest("/v1/deployments/d-1/events"));
  ASSERT_TRUE(waitFor([&] { return api.count() == 1; }));
  api.first().send({"finished", "ok", "9"});
  api.first().close();
  auto response = connection.readResponse();  // a chunked body, complete once the stream ended
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(response.body(), "event: finished\nid: 9\ndata: ok\n\n");
  connection.send(httptest::getRequest("/v1/deployments/d-2/events"));
  EXPECT_TRUE(waitFor([&] { return api.count() == 2; }));
  EXPECT_EQ(server.server().connectionCount(), 1u);
}

TEST(EventStreamTest, ErrorAnswerInsteadOfAStreamIsAnError) {
  Router router;
  router.add("GET", "/v1/deployments/{id}/events", [](const HttpRequest& request) {
    return errorResponse(404, "DeploymentNotFound", "no deployment " + request.pathParam("id"));
  });
  TestServer server(std::move(router));
  auto status = server.client()->readEvents("/v1/deployments/d-9/events",
                                            [](const ServerSentEvent&) { return true; });
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, "DeploymentNotFound");
  EXPECT_EQ(status.error().message, "no deployment d-9");
}

}  // namespace
}  // namespace greenlight::http
