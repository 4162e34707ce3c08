// HttpServer over real sockets: routing, errors, limits, authentication, keep-alive.
#include "http/http_server.h"

#include <gtest/gtest.h>

#include "http/http_test_fixture.h"

namespace greenlight::http {
namespace {

using httptest::RawConnection;
using httptest::TestServer;

std::string errorCode(const ClientResponse& response) {
  return nlohmann::json::parse(response.body)["error"]["code"].get<std::string>();
}

Router apiRouter() {
  Router router;
  router.add("GET", "/v1/deployments/{id}", [](const HttpRequest& request) {
    return jsonResponse({{"id", request.pathParam("id")},
                         {"wait", request.queryParam("wait").value_or("")},
                         {"caller", request.principal ? request.principal->subject : ""},
                         {"from", request.remoteAddress}});
  });
  router.add("POST", "/v1/deployments", [](const HttpRequest& request) {
    auto body = parseJsonBody(request);
    if (!body) return errorResponse(400, body.error());
    return jsonResponse({{"created", (*body)["revision"]}}, 201);
  });
  router.add("POST", "/v1/small", [](const HttpRequest& request) {
    return jsonResponse({{"size", request.body.size()}});
  }, RouteOptions::withBodyLimit(1000));
  router.add("GET", "/healthz", [](const HttpRequest&) { return jsonResponse({{"ok", true}}); },
             RouteOptions::publicRoute());
  router.add("GET", "/v1/broken", [](const HttpRequest&) -> HttpResponse {
    throw std::runtime_error("store is closed");
  });
  return router;
}

TEST(HttpServerTest, RoutesWithPathParametersAndQueryStrings) {
  TestServer server(apiRouter());
  auto response = server.client()->get("/v1/deployments/d%2D42?wait=25");
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->contentType, "application/json");
  auto body = nlohmann::json::parse(response->body);
  EXPECT_EQ(body["id"], "d-42");
  EXPECT_EQ(body["wait"], "25");
  EXPECT_EQ(body["caller"], "alice");
  EXPECT_EQ(body["from"].get<std::string>().rfind("127.0.0.1:", 0), 0u);
}

TEST(HttpServerTest, UnknownPathIs404AndWrongMethodIs405WithJsonErrors) {
  TestServer server(apiRouter());
  auto client = server.client();
  auto missing = client->get("/v1/nothing-here");
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(errorCode(*missing), "NotFound");

  auto wrongMethod = client->remove("/v1/deployments");
  ASSERT_TRUE(wrongMethod.ok());
  EXPECT_EQ(wrongMethod->status, 405);
  EXPECT_EQ(errorCode(*wrongMethod), "MethodNotAllowed");
  EXPECT_EQ(wrongMethod->toError().message, "DELETE is not supported on /v1/deployments; use POST");
}

TEST(HttpServerTest, MalformedJsonIs400NamingThePosition) {
  TestServer server(apiRouter());
  RawConnection connection(server.port());
  std::string body = R"({"revision": })";
  connection.send("POST /v1/deployments HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer admin-token\r\n"
                  "Content-Type: application/json\r\nContent-Length: " +
                  std::to_string(body.size()) + "\r\n\r\n" + body);
  auto response = connection.readResponse();
  EXPECT_EQ(response.result_int(), 400);
  auto error = nlohmann::json::parse(response.body())["error"];
  EXPECT_EQ(error["code"], "MalformedJson");
  EXPECT_NE(error["message"].get<std::string>().find("at byte 14"), std::string::npos);

  auto created = server.client()->post("/v1/deployments", {{"revision", "r-1"}});
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(created->status, 201);
}

TEST(HttpServerTest, BodyOverTheRouteLimitIs413) {
  TestServer server(apiRouter());
  auto client = server.client();
  auto tooBig = client->request("POST", "/v1/small", nlohmann::json(std::string(2000, 'x')));
  ASSERT_TRUE(tooBig.ok()) << tooBig.error().message;
  EXPECT_EQ(tooBig->status, 413);
  EXPECT_EQ(errorCode(*tooBig), "PayloadTooLarge");

  auto fits = client->request("POST", "/v1/small", nlohmann::json(std::string(500, 'x')));
  ASSERT_TRUE(fits.ok());
  EXPECT_EQ(fits->status, 200);
}

TEST(HttpServerTest, ChunkedBodyOverTheLimitIs413) {
  TestServer server(apiRouter());
  RawConnection connection(server.port());
  std::string chunk(900, 'y');
  connection.send("POST /v1/small HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer admin-token\r\n"
                  "Transfer-Encoding: chunked\r\n\r\n384\r\n" + chunk + "\r\n384\r\n" + chunk +
                  "\r\n0\r\n\r\n");
  auto response = connection.readResponse();
  EXPECT_EQ(response.result_int(), 413);
  EXPECT_FALSE(response.keep_alive());
}

TEST(HttpServerTest, ExpectContinueIsRefusedBeforeTheBodyIsSent) {
  TestServer server(apiRouter());
  RawConnection connection(server.port());
  connection.send("POST /v1/small HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer admin-token\r\n"
                  "Expect: 100-continue\r\nContent-Length: 50000000\r\n\r\n");
  auto response = connection.readResponse();
  EXPECT_EQ(response.result_int(), 413);
  EXPECT_NE(response.body().find("50000000 bytes, over the limit of 1000"), std::string::npos);
}

TEST(HttpServerTest, OversizedHeadersAre431) {
  HttpServerOptions options;
  options.headerLimit = 1024;
  TestServer server(apiRouter(), options);
  RawConnection connection(server.port());
  connection.send(httptest::getRequest("/v1/deployments/d-1", "admin-token",
                                      "X-Padding: " + std::string(4000, 'p') + "\r\n"));
  EXPECT_EQ(connection.readResponse().result_int(), 431);
}

TEST(HttpServerTest, GarbageIs400) {
  TestServer server(apiRouter());
  RawConnection connection(server.port());
  connection.send("NOT HTTP AT ALL\r\n\r\n");
  auto response = connection.readResponse();
  EXPECT_EQ(response.result_int(), 400);
  EXPECT_TRUE(connection.closedByServer());
}

TEST(HttpServerTest, HandlerExceptionIs500AndTheServerGoesOn) {
  TestServer server(apiRouter());
  auto client = server.client();
  auto broken = client->get("/v1/broken");
  ASSERT_TRUE(broken.ok());
  EXPECT_EQ(broken->status, 500);
  EXPECT_NE(broken->toError().message.find("store is closed"), std::string::npos);
  auto next = client->get("/v1/deployments/d-1");
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->status, 200);
}

TEST(HttpServerTest, AuthenticationHookRefusesAndAllows) {
  auto calls = std::make_shared<std::atomic<int>>(0);
  TestServer server(apiRouter(), {}, httptest::fakeTokenAuthenticator(calls));

  auto anonymous = server.client("")->get("/v1/deployments/d-1");
  ASSERT_TRUE(anonymous.ok());
  EXPECT_EQ(anonymous->status, 401);
  EXPECT_EQ(errorCode(*anonymous), "Unauthenticated");

  auto unknownToken = server.client("stolen")->get("/v1/deployments/d-1");
  ASSERT_TRUE(unknownToken.ok());
  EXPECT_EQ(unknownToken->status, 401);

  auto viewer = server.client("viewer-token");
  auto viewerWrites = viewer->post("/v1/deployments", {{"revision", "r-1"}});
  ASSERT_TRUE(viewerWrites.ok());
  EXPECT_EQ(viewerWrites->status, 403);
  EXPECT_EQ(errorCode(*viewerWrites), "Forbidden");
  auto viewerReads = viewer->get("/v1/deployments/d-1");
  ASSERT_TRUE(viewerReads.ok());
  EXPECT_EQ(viewerReads->status, 200);
  EXPECT_EQ(nlohmann::json::parse(viewerReads->body)["caller"], "victor");

  // Unknown paths are not revealed to strangers: 401 before 404.
  auto probing = server.client("")->get("/v1/secret-admin-thing");
  ASSERT_TRUE(probing.ok());
  EXPECT_EQ(probing->status, 401);

  int callsBefore = calls->load();
  auto health = server.client("")->get("/healthz");
  ASSERT_TRUE(health.ok());
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(calls->load(), callsBefore) << "public routes must not consult the authenticator";
}

TEST(HttpServerTest, RefusedRequestWithoutBodyKeepsTheConnection) {
  TestServer server(apiRouter());
  RawConnection connection(server.port());
  connection.send(httptest::getRequest("/v1/deployments/d-1", "stolen"));
  auto refused = connection.readResponse();
  EXPECT_EQ(refused.result_int(), 401);
  EXPECT_EQ(refused[boost::beast::http::field::www_authenticate], "Bearer");
  connection.send(httptest::getRequest("/v1/deployments/d-2"));
  EXPECT_EQ(connection.readResponse().result_int(), 200);
}

TEST(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  TestServer server(apiRouter());
  RawConnection connection(server.port());
  for (int i = 0; i < 5; ++i) {
    connection.send(httptest::getRequest("/v1/deployments/d-" + std::to_string(i)));
    auto response = connection.readResponse();
    ASSERT_EQ(response.result_int(), 200);
    EXPECT_TRUE(response.keep_alive());
    EXPECT_EQ(nlohmann::json::parse(response.body())["id"], "d-" + std::to_string(i));
  }
  EXPECT_EQ(server.server().connectionCount(), 1u);

  // The client reuses its connection too: the server sees the same remote port every time.
  auto client = server.client();
  auto first = client->get("/v1/deployments/a");
  auto second = client->get("/v1/deployments/b");
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(nlohmann::json::parse(first->body)["from"], nlohmann::json::parse(second->body)["from"]);
}

TEST(HttpServerTest, ConnectionCloseIsHonoured) {
  TestServer server(apiRouter());
  RawConnection connection(server.port());
  connection.send(httptest::getRequest("/v1/deployments/d-1", "admin-token", "Connection: close\r\n"));
  auto response = connection.readResponse();
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_FALSE(response.keep_alive());
  EXPECT_TRUE(connection.closedByServer());
}

TEST(HttpServerTest, IdleConnectionsAreClosedAfterTheIdleTimeout) {
  HttpServerOptions options;
  options.idleTimeout = std::chrono::milliseconds(100);
  TestServer server(apiRouter(), options);
  RawConnection connection(server.port());
  EXPECT_TRUE(connection.closedByServer());
  EXPECT_TRUE(greenlight::testing::waitFor([&] { return server.server().connectionCount() == 0; }));
}

TEST(HttpServerTest, ListeningOnABusyPortIsAnErrorNamingThePort) {
  TestServer first(apiRouter());
  HttpServerOptions options;
  options.port = first.port();
  HttpServer second(options, apiRouter(), nullptr);
  auto started = second.start();
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.error().code, "ListenFailed");
  EXPECT_NE(started.error().message.find("127.0.0.1:" + std::to_string(first.port())),
            std::string::npos);
}

}  // namespace
}  // namespace greenlight::http
