// HttpServerOptions::onAnswered: one report per answered request, with the route's pattern (not
// the path), made before the answer is written, for refusals before dispatch too.
#include <gtest/gtest.h>

#include <mutex>
#include <vector>

#include "http/http_test_fixture.h"
#include "support/test_support.h"

namespace greenlight::http {
namespace {

using greenlight::testing::waitFor;
using httptest::ParkedRequests;
using httptest::RawConnection;
using httptest::TestServer;

struct Report {
  std::string method, route;
  int status = 0;
  bool operator==(const Report&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Report& report) {
  return out << report.method << " " << report.route << " " << report.status;
}

class Reports {
 public:
  std::function<void(const AnsweredRequest&)> recorder() {
    return [this](const AnsweredRequest& answered) {
      EXPECT_GE(answered.duration.count(), 0);
      std::lock_guard lock(mu_);
      reports_.push_back({std::string(answered.method), std::string(answered.routePattern),
                          answered.status});
    };
  }
  std::vector<Report> all() {
    std::lock_guard lock(mu_);
    return reports_;
  }
  Report last() {
    std::lock_guard lock(mu_);
    return reports_.empty() ? Report{} : reports_.back();
  }

 private:
  std::mutex mu_;
  std::vector<Report> reports_;
};

struct Api {
  ParkedRequests parked;

  Router router() {
    Router router;
    router.add("GET", "/v1/deployments/{id}",
               [](const HttpRequest&) { return jsonResponse({{"ok", true}}); });
    router.add("POST", "/v1/small", [](const HttpRequest&) { return jsonResponse({}); },
               RouteOptions::withBodyLimit(10));
    router.addAsync("GET", "/v1/wait/{id}", [this](HttpRequest& request, Responder responder) {
      parked.park(request.pathParam("id"), responder);
    });
    router.addAsync("GET", "/v1/stream", [](HttpRequest&, Responder responder) {
      responder.startEventStream().sendComment("hello");
    });
    return router;
  }
};

HttpServerOptions reportingTo(Reports& reports) {
  HttpServerOptions options;
  options.onAnswered = reports.recorder();
  return options;
}

TEST(AnsweredRequestTest, EachAnswerIsReportedOnceWithItsRoutePattern) {
  Reports reports;
  Api api;
  TestServer server(api.router(), reportingTo(reports));
  auto client = server.client();
  EXPECT_EQ(client->get("/v1/deployments/d-1")->status, 200);
  EXPECT_EQ(client->get("/v1/deployments/d-2")->status, 200);
  EXPECT_EQ(server.client("")->get("/v1/deployments/d-3")->status, 401);
  EXPECT_EQ(client->post("/v1/small", {{"padding", "more than ten bytes"}})->status, 413);
  EXPECT_EQ(client->get("/v1/nothing-here")->status, 404);
  EXPECT_EQ(client->remove("/v1/small")->status, 405);
  std::vector<Report> expected = {{"GET", "/v1/deployments/{id}", 200},
                                  {"GET", "/v1/deployments/{id}", 200},
                                  {"GET", "/v1/deployments/{id}", 401},
                                  {"POST", "/v1/small", 413},
                                  {"GET", "", 404},
                                  {"DELETE", "", 405}};
  EXPECT_EQ(reports.all(), expected);
}

TEST(AnsweredRequestTest, ALongPollIsReportedWhenAnsweredAndNotIfItsClientLeft) {
  Reports reports;
  Api api;
  TestServer server(api.router(), reportingTo(reports));
  {
    RawConnection leaving(server.port());
    leaving.send(httptest::getRequest("/v1/wait/left"));
    ASSERT_TRUE(waitFor([&] { return api.parked.count() == 1; }));
    leaving.close();
  }
  auto abandoned = api.parked.takeAll();
  ASSERT_TRUE(waitFor([&] { return !abandoned.at(0).responder.isOpen(); }));

  RawConnection waiting(server.port());
  waiting.send(httptest::getRequest("/v1/wait/answered"));
  ASSERT_TRUE(waitFor([&] { return api.parked.count() == 1; }));
  EXPECT_TRUE(reports.all().empty()) << "reported before it was answered";
  api.parked.takeAll().at(0).responder.send(jsonResponse({{"done", true}}, 202));
  EXPECT_EQ(waiting.readResponse().result_int(), 202);
  EXPECT_EQ(reports.all(), (std::vector<Report>{{"GET", "/v1/wait/{id}", 202}}));
}

TEST(AnsweredRequestTest, AnEventStreamIsReportedWhenItStarts) {
  Reports reports;
  Api api;
  TestServer server(api.router(), reportingTo(reports));
  RawConnection connection(server.port());
  connection.send(httptest::getRequest("/v1/stream"));
  EXPECT_NE(connection.readSome().find("200 OK"), std::string::npos);
  EXPECT_EQ(reports.all(), (std::vector<Report>{{"GET", "/v1/stream", 200}}));
}

TEST(AnsweredRequestTest, AnUnreadableRequestHasNoMethodNorRouteOfTheRequestBefore) {
  Reports reports;
  Api api;
  TestServer server(api.router(), reportingTo(reports));
  RawConnection connection(server.port());
  connection.send(httptest::getRequest("/v1/deployments/d-1"));
  EXPECT_EQ(connection.readResponse().result_int(), 200);
  connection.send("NOT HTTP AT ALL\r\n\r\n");
  EXPECT_EQ(connection.readResponse().result_int(), 400);
  EXPECT_EQ(reports.last(), (Report{"", "", 400}));
  EXPECT_EQ(reports.all().size(), 2u);
}

}  // namespace
}  // namespace greenlight::http
