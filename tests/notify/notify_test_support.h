// Shared by the notification tests: a clock moved by hand, deployment views built by hand (the
// notifier reads nothing else of the engine), and a webhook sender that records every request
// and answers what the test scripts — or holds a send until it is released or cancelled.
#pragma once

#include <gtest/gtest.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "common/clock.h"
#include "engine/engine.h"
#include "notify/webhook_sender.h"

namespace greenlight::notify {

class ManualClock final : public Clock {
 public:
  WallTime now() const override {
    std::lock_guard lock(mutex_);
    return time_;
  }
  void advance(std::chrono::milliseconds by) {
    std::lock_guard lock(mutex_);
    time_ += by;
  }

 private:
  mutable std::mutex mutex_;
  WallTime time_ = parseTimestamp("2026-03-01T10:00:00.000Z");  // GUARDED_BY(mutex_)
};

inline WallTime at(const std::string& time) { return parseTimestamp("2026-03-01T" + time + "Z"); }

inline engine::TargetView target(const std::string& id, domain::InstanceStatus status,
                                 std::optional<WallTime> startedAt = std::nullopt,
                                 std::optional<WallTime> endedAt = std::nullopt) {
  engine::TargetView view;
  view.instanceId = id;
  view.hostName = "web-" + id;
  view.status = status;
  view.startedAt = startedAt;
  view.endedAt = endedAt;
  return view;
}

inline engine::DeploymentView deployment(domain::DeploymentStatus status,
                                         std::vector<engine::TargetView> targets = {}) {
  engine::DeploymentView view;
  view.id = "d-TEST00001";
  view.application = "shop";
  view.groupName = "web";
  view.groupId = "dg-0123456789ab";
  view.revision = std::string(64, 'a');
  view.configName = "CodeDeployDefault.OneAtATime";
  view.createdBy = "ops";
  view.status = status;
  view.targets = std::move(targets);
  view.version = 1;
  return view;
}

// A blue/green view: `phase`, the steps and where the shift is.
inline engine::DeploymentView blueGreen(domain::DeploymentStatus status, const std::string& phase,
                                        int stepIndex, std::vector<engine::TargetView> targets,
                                        nlohmann::json analyses = nlohmann::json::array()) {
  engine::DeploymentView view = deployment(status, std::move(targets));
  view.strategy = "blue-green";
  view.blueGreen = {{"fleetVersion", "shop-web-v002"},
                    {"previousFleetVersion", "shop-web-v001"},
                    {"switchBack", false},
                    {"phase", phase},
                    {"steps", nlohmann::json::array({{{"setWeight", 10}},
                                                     {{"pause", {{"seconds", 30}}}},
                                                     {{"setWeight", 100}}})},
                    {"stepIndex", stepIndex},
                    {"trafficPercent", 10},
                    {"analyses", std::move(analyses)},
                    {"waitUntil", nullptr}};
  return view;
}

// Records each request; answers the scripted statuses in order (then 200), an Error for a
// scripted 0, or, for the URL given to hold(), holds the send until release() or cancel().
class FakeSender final : public WebhookSender {
 public:
  Result<WebhookAnswer> send(const WebhookRequest& request) override {
    std::unique_lock lock(mutex_);
    requests_.push_back(request);
    changed_.notify_all();
    if (!held_.empty() && request.url == held_) {
      ++holding_;
      changed_.notify_all();
      changed_.wait(lock, [this] { return held_.empty() || cancelled_; });
      --holding_;
    }
    if (cancelled_) return Error{kCancelled, "cancelled"};
    long status = standing_;
    if (!script_.empty()) {
      status = script_.front();
      script_.pop_front();
    }
    if (status == 0) return Error{kUnreachable, "could not connect to " + request.url + ": refused"};
    return WebhookAnswer{status, status >= 300 ? "try later" : ""};
  }
  void cancel() override {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
    changed_.notify_all();
  }

  // A restarted server has a new sender: sends work again.
  void reopen() {
    std::lock_guard lock(mutex_);
    cancelled_ = false;
  }
  void script(std::vector<long> statuses) {
    std::lock_guard lock(mutex_);
    script_.assign(statuses.begin(), statuses.end());
  }
  void hold(const std::string& url) {
    std::lock_guard lock(mutex_);
    held_ = url;
  }
  void release() {
    std::lock_guard lock(mutex_);
    held_.clear();
    changed_.notify_all();
  }
  int holding() {
    std::lock_guard lock(mutex_);
    return holding_;
  }
  std::vector<WebhookRequest> requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<WebhookRequest> requests_;  // GUARDED_BY(mutex_)
  std::deque<long> script_;               // GUARDED_BY(mutex_)
  long standing_ = 200;
  std::string held_;
  bool cancelled_ = false;
  int holding_ = 0;
};

inline std::string headerOf(const WebhookRequest& request, const std::string& name) {
  for (const auto& [key, value] : request.headers) {
    if (key == name) return value;
  }
  return "";
}

}  // namespace greenlight::notify
