// Following a deployment against a fake API: the change lines, the exit code by outcome, and
// riding out a server that answers 503 for a while.
#include <gtest/gtest.h>

#include <atomic>
#include <sstream>

#include "cli/client_watch.h"
#include "http/authentication.h"
#include "http/http_server.h"
#include "http/router.h"

namespace greenlight::cli {
namespace {

using nlohmann::json;

json deploymentAt(int version, const std::string& status, const std::string& eventStatus) {
  return json{{"id", "d-FAKE00001"},
              {"status", status},
              {"version", version},
              {"errorMessage", status == "Failed" ? "1 of 1 instances failed" : ""},
              {"targets",
               json::array({json{{"instanceId", "i-1"},
                                 {"hostName", "web-0"},
                                 {"status", status == "Failed" ? "Failed" : "InProgress"},
                                 {"events", json::array({json{{"event", "ValidateService"},
                                                              {"status", eventStatus},
                                                              {"durationMs", 250},
                                                              {"errorCode", eventStatus == "Failed" ? "ScriptFailed" : ""},
                                                              {"logTail", "port closed\n"}}})}}})}};
}

class FakeWatchServer {
 public:
  explicit FakeWatchServer(int unavailableAnswers) : unavailableLeft_(unavailableAnswers) {
    http::Router router;
    router.add("GET", "/v1/deployments/{id}/watch", [this](const http::HttpRequest& request) {
      if (unavailableLeft_.fetch_sub(1) > 0) {
        http::HttpResponse response;
        response.status = 503;
        response.contentType = "text/plain";
        response.body = "restarting";
        return response;
      }
      int after = std::stoi(request.queryParam("after").value_or("0"));
      afters_.push_back(after);
      if (after < 1) return http::jsonResponse(deploymentAt(1, "InProgress", "InProgress"));
      return http::jsonResponse(deploymentAt(2, "Failed", "Failed"));
    });
    server_ = std::make_unique<http::HttpServer>(http::HttpServerOptions{}, std::move(router),
                                                 [](const http::HttpRequest&) {
                                                   return http::AuthDecision::allow(http::Principal{"test", {"admin"}});
                                                 });
    EXPECT_TRUE(server_->start().ok());
  }
  std::string address() const { return "127.0.0.1:" + std::to_string(server_->port()); }
  std::vector<int> afters() const { return afters_; }

 private:
  std::atomic<int> unavailableLeft_;
  std::vector<int> afters_;  // only touched by one request at a time: the client waits for each answer
  std::unique_ptr<http::HttpServer> server_;
};

struct Followed {
  int exitCode = -1;
  std::string out;
  std::string err;
};

// followDeployment of d-FAKE00001 from `server` in text, with one-second polls.
Followed follow(const FakeWatchServer& server, FollowOptions options) {
  ApiClient client(ClientSettings{server.address(), "glt_test"});
  CommonClientOptions common;
  std::ostringstream out, err;
  ClientSession session(common, out, err);
  options.pollWaitSeconds = 1;
  Followed followed;
  followed.exitCode = followDeployment(session, client, "d-FAKE00001", options);
  followed.out = out.str();
  followed.err = err.str();
  return followed;
}

TEST(ClientWatchTest, PrintsEachChangeOnceAndExitsFourWhenTheDeploymentFails) {
  FakeWatchServer server(0);
  Followed followed = follow(server, FollowOptions{});
  EXPECT_EQ(followed.exitCode, 4) << followed.out << followed.err;
  const std::string& text = followed.out;
  EXPECT_NE(text.find("instance web-0 (i-1): event ValidateService InProgress\n"), std::string::npos) << text;
  EXPECT_NE(text.find("instance web-0 (i-1): event ValidateService Failed in 0.250s: ScriptFailed\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("deployment d-FAKE00001: Failed\n"), std::string::npos) << text;
  EXPECT_NE(followed.err.find("greenlight: deployment d-FAKE00001 failed: 1 of 1 instances failed"), std::string::npos)
      << followed.err;
  EXPECT_EQ(text.find('\033'), std::string::npos) << "no escape off a terminal: " << text;
  EXPECT_EQ(server.afters(), (std::vector<int>{0, 1})) << "each poll asks for what follows the version it has";
}

TEST(ClientWatchTest, LiveViewRedrawsTheTreeInPlaceOverThePreviousFrame) {
  FakeWatchServer server(0);
  FollowOptions options;
  options.liveView = true;
  options.unicode = true;
  options.columns = 100;
  options.rows = 40;
  Followed followed = follow(server, options);
  EXPECT_EQ(followed.exitCode, 4) << followed.out << followed.err;
  const std::string& text = followed.out;
  // Frame 1 (InProgress: the deployment and its instance), then frame 2 written over it from its
  // top line: no blank frame between them, the rest of each line erased, what is below cleared.
  std::string first = "\u27f3 d-FAKE00001  InProgress  in-place\033[K\n"
                      "\u2514\u2500\u2500 \u27f3 i-1 web-0  InProgress\033[K\n\033[J";
  EXPECT_EQ(text.rfind(first, 0), 0u) << text;
  std::string second = "\033[2F\u2716 d-FAKE00001  Failed  in-place\033[K\n"
                       "\u251c\u2500\u2500 \u2716 1 of 1 instances failed\033[K\n"
                       "\u2514\u2500\u2500 \u2716 i-1 web-0  Failed\033[K\n"
                       "    \u2514\u2500\u2500 \u2716 ValidateService  ScriptFailed\033[K\n\033[J";
  EXPECT_EQ(text.find(second), first.size()) << text;
  EXPECT_NE(text.find("Deployment d-FAKE00001 Failed."), std::string::npos) << text;
  EXPECT_EQ(text.find("Following deployment"), std::string::npos) << "the tree says it: " << text;
}

TEST(ClientWatchTest, RetriesWhileTheServerIsUnavailableAndSaysSo) {
  FakeWatchServer server(2);
  ApiClient client(ClientSettings{server.address(), "glt_test"});
  CommonClientOptions common;
  common.output = "json";
  std::ostringstream out, err;
  ClientSession session(common, out, err);
  FollowOptions options;
  options.pollWaitSeconds = 1;
  options.initialBackoff = std::chrono::milliseconds(1);
  EXPECT_EQ(followDeployment(session, client, "d-FAKE00001", options), 4) << err.str();
  EXPECT_NE(err.str().find("lost the server while following d-FAKE00001"), std::string::npos) << err.str();
  EXPECT_NE(err.str().find("reconnected"), std::string::npos) << err.str();
  json finalDeployment = json::parse(out.str());
  EXPECT_EQ(finalDeployment["status"], "Failed") << "--output json prints only the final deployment";
}

TEST(ClientWatchTest, GivesUpWhenTheServerStaysAwayPastTheLimit) {
  FakeWatchServer server(1000000);
  ApiClient client(ClientSettings{server.address(), "glt_test"});
  CommonClientOptions common;
  std::ostringstream out, err;
  ClientSession session(common, out, err);
  FollowOptions options;
  options.initialBackoff = std::chrono::milliseconds(1);
  options.reconnectLimit = std::chrono::seconds(0);
  EXPECT_EQ(followDeployment(session, client, "d-FAKE00001", options), 1);
  EXPECT_NE(err.str().find("gave up following deployment d-FAKE00001"), std::string::npos) << err.str();
}

}  // namespace
}  // namespace greenlight::cli
