// Following a blue/green deployment off a terminal against a fake watch route: one line per
// change of phase, step or traffic split, none for answers that change nothing of those.
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <sstream>

#include "cli/client_watch.h"
#include "http/authentication.h"
#include "http/http_server.h"
#include "http/router.h"

namespace greenlight::cli {
namespace {

using nlohmann::json;

json at(int version, const std::string& phase, int stepIndex, double newPercent, int newHealthy = 4) {
  return json{
      {"id", "d-BLUEGREEN"},
      {"status", phase == "Done" ? "Succeeded" : "InProgress"},
      {"version", version},
      {"strategy", "blue-green"},
      {"blueGreen",
       {{"fleetVersion", "sample-web-v002"},
        {"previousFleetVersion", "sample-web-v001"},
        {"phase", phase},
        {"steps", json::parse(R"([{"setWeight": 10}, {"pause": {}}, {"setWeight": 100}])")},
        {"stepIndex", stepIndex},
        {"trafficPercent", newPercent},
        {"waitingFor", stepIndex == 1 ? "greenlight continue (step 2 of 3)" : ""},
        {"traffic",
         json::array({json{{"fleetVersion", "sample-web-v001"}, {"percent", 100 - newPercent}, {"instances", 4},
                           {"healthy", 4}},
                      json{{"fleetVersion", "sample-web-v002"}, {"percent", newPercent}, {"instances", 4},
                           {"healthy", newHealthy}}})}}},
      {"targets", json::array()}};
}

// Answers the watch with the deployment that follows `after` in a fixed history.
class SequenceWatchServer {
 public:
  explicit SequenceWatchServer(std::vector<json> history) : history_(std::move(history)) {
    http::Router router;
    router.add("GET", "/v1/deployments/{id}/watch", [this](const http::HttpRequest& request) {
      std::size_t after = std::stoul(request.queryParam("after").value_or("0"));
      return http::jsonResponse(history_[std::min(after, history_.size() - 1)]);
    });
    server_ = std::make_unique<http::HttpServer>(http::HttpServerOptions{}, std::move(router),
                                                 [](const http::HttpRequest&) {
                                                   return http::AuthDecision::allow(http::Principal{"test", {"admin"}});
                                                 });
    EXPECT_TRUE(server_->start().ok());
  }
  std::string address() const { return "127.0.0.1:" + std::to_string(server_->port()); }

 private:
  std::vector<json> history_;  // history_[v] has version v + 1
  std::unique_ptr<http::HttpServer> server_;
};

TEST(ClientWatchBlueGreenTest, OneLinePerChangeOfPhaseStepOrSplit) {
  json waiting = at(5, "Shifting", 1, 10);
  json stillWaiting = at(6, "Shifting", 1, 10, 3);  // only a health count moved
  stillWaiting["blueGreen"]["waitingFor"] = "greenlight continue (step 2 of 3), asked 1 min ago";
  SequenceWatchServer server({at(1, "Provisioning", 0, 0), at(2, "Provisioning", 0, 0, 2), at(3, "Shifting", 0, 0),
                              at(4, "Shifting", 0, 10), waiting, stillWaiting, at(7, "Shifting", 2, 100),
                              at(8, "Done", 2, 100)});
  ApiClient client(ClientSettings{server.address(), "glt_test"});
  CommonClientOptions common;
  std::ostringstream out, err;
  ClientSession session(common, out, err);
  FollowOptions options;
  options.pollWaitSeconds = 1;
  EXPECT_EQ(followDeployment(session, client, "d-BLUEGREEN", options), 0) << out.str() << err.str();
  std::string expected =
      "Following deployment d-BLUEGREEN (Ctrl-C stops following; the deployment goes on)\n"
      "deployment d-BLUEGREEN: InProgress\n"
      "deployment d-BLUEGREEN: new fleet sample-web-v002, previous sample-web-v001\n"
      "deployment d-BLUEGREEN: phase Provisioning (starting the new fleet)\n"
      "deployment d-BLUEGREEN: traffic sample-web-v001 100%, sample-web-v002 0%\n"
      "deployment d-BLUEGREEN: phase Shifting (moving traffic to the new fleet)\n"
      "deployment d-BLUEGREEN: step 1 of 3: 10% to sample-web-v002\n"
      "deployment d-BLUEGREEN: traffic sample-web-v001 90%, sample-web-v002 10%\n"
      "deployment d-BLUEGREEN: step 2 of 3: 10% to sample-web-v002, waiting for greenlight continue\n"
      "deployment d-BLUEGREEN: step 3 of 3: 100% to sample-web-v002\n"
      "deployment d-BLUEGREEN: traffic sample-web-v001 0%, sample-web-v002 100%\n"
      "deployment d-BLUEGREEN: phase Done (done)\n"
      "deployment d-BLUEGREEN: Succeeded\n"
      "Deployment d-BLUEGREEN Succeeded. Traffic: sample-web-v001 0%, sample-web-v002 100%.\n";
  // Each change line starts with the time it was seen (UTC); the rest is fixed.
  static const std::regex kClock("(^|\n)[0-2][0-9]:[0-5][0-9]:[0-6][0-9] deployment ");
  std::string text = out.str();
  auto stamped = std::distance(std::sregex_iterator(text.begin(), text.end(), kClock), std::sregex_iterator());
  EXPECT_EQ(stamped, 12) << text;
  EXPECT_EQ(std::regex_replace(text, kClock, "$1deployment "), expected);
  EXPECT_EQ(text.find('\033'), std::string::npos) << "no escape off a terminal";
}

}  // namespace
}  // namespace greenlight::cli
