// A webhook receiver for tests of checks and alarms: a real HTTP server on an ephemeral port that
// records each POST's JSON body and answers the status it is told to.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "http/http_server.h"

namespace greenlight::testing {

class CheckReceiver {
 public:
  CheckReceiver() {
    http::Router router;
    router.add("POST", "/check", [this](const http::HttpRequest& request) {
      std::lock_guard lock(mutex_);
      bodies_.push_back(nlohmann::json::parse(request.body, nullptr, false));
      return http::jsonResponse({{"answer", status_}}, status_);
    });
    server_ = std::make_unique<http::HttpServer>(http::HttpServerOptions{}, std::move(router),
                                                 [](const http::HttpRequest&) {
                                                   return http::AuthDecision::allow(http::Principal{"test", {"admin"}});
                                                 });
    EXPECT_TRUE(server_->start().ok());
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()) + "/check"; }
  // The receiver goes away: its port refuses connections.
  void stop() { server_->stop(); }
  void answer(int status) {
    std::lock_guard lock(mutex_);
    status_ = status;
  }
  std::vector<nlohmann::json> bodies() {
    std::lock_guard lock(mutex_);
    return bodies_;
  }

 private:
  std::mutex mutex_;
  int status_ = 200;
  std::vector<nlohmann::json> bodies_;
  std::unique_ptr<http::HttpServer> server_;
};

}  // namespace greenlight::testing
