// The bridge that makes moto's EC2 instances real hosts for tests: it watches the instances moto
// reports (those greenlight tagged greenlight:managed=true) and starts a local `greenlight agent`
// for each running one with that instance's id and its group's enrolment token (what the user data
// does on EC2), so hooks really run on "EC2 instances". An instance moto terminates (its Auto
// Scaling group deleted) loses its agent and every process its hooks left, as on EC2. A stopped
// instance keeps its agent: the test is about what the load balancer and the group then report.
#pragma once

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "aws/aws_client.h"
#include "aws/query_params.h"
#include "aws/xml.h"
#include "fleet/local_fleet.h"
#include "support/test_support.h"

namespace greenlight::testing {

class MotoAgentBridge {
 public:
  // `dataDir`: the server's (its fleet/<group-id>/enrolment.token); `serverAddress` "127.0.0.1:N";
  // instances live in `workDir`/<instance-id>. Each agent gets a free port as GREENLIGHT_PORT.
  MotoAgentBridge(aws::AwsClient& ec2, std::filesystem::path dataDir, std::string serverAddress,
                  std::filesystem::path workDir)
      : ec2_(ec2), dataDir_(std::move(dataDir)), serverAddress_(std::move(serverAddress)),
        workDir_(std::move(workDir)), local_(fleet::LocalFleetOptions{greenlightBinary()}) {
    thread_ = std::thread([this] { run(); });
  }

  ~MotoAgentBridge() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
    for (const auto& [id, agent] : agents_) (void)local_.terminate(id, agent.launched.pid, agent.launched.startTime);
  }

  // Instances that have (or had) an agent, and the last problem the bridge met ("" none).
  std::set<std::string> bridged() const {
    std::lock_guard lock(mutex_);
    std::set<std::string> ids;
    for (const auto& [id, agent] : agents_) ids.insert(id);
    return ids;
  }
  std::string problem() const {
    std::lock_guard lock(mutex_);
    return problem_;
  }
  // The port an instance's app was given (0 when not bridged).
  int portOf(const std::string& instanceId) const {
    std::lock_guard lock(mutex_);
    auto found = agents_.find(instanceId);
    return found == agents_.end() ? 0 : found->second.port;
  }

 private:
  struct Agent {
    fleet::LaunchedAgent launched;
    int port = 0;
  };

  void run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      lock.unlock();
      poll();
      lock.lock();
      wake_.wait_for(lock, std::chrono::milliseconds(150), [this] { return stopping_; });
    }
  }

  void poll() {
    aws::QueryParams params;
    params.addFilter("tag:greenlight:managed", {"true"});
    auto answer = ec2_.query("ec2", "2016-11-15", "DescribeInstances", params);
    if (!answer.ok()) {
      std::lock_guard lock(mutex_);
      problem_ = answer.error().message;
      return;
    }
    std::map<std::string, std::pair<std::string, std::string>> seen;  // id -> (state, group)
    for (const aws::Xml& reservation : answer->list("reservationSet")) {
      for (const aws::Xml& instance : reservation.list("instancesSet")) {
        std::string group;
        for (const aws::Xml& tag : instance.list("tagSet")) {
          if (tag.text("key") == "greenlight:group") group = tag.text("value");
        }
        seen[instance.text("instanceId")] = {instance.text("instanceState/name"), group};
      }
    }
    for (const auto& [id, facts] : seen) {
      const auto& [state, group] = facts;
      std::unique_lock lock(mutex_);
      const bool known = agents_.count(id) != 0 || gone_.count(id) != 0;
      lock.unlock();
      if (state == "running" && !known && !group.empty()) start(id, group);
    }
    std::vector<std::pair<std::string, Agent>> ended;
    {
      std::lock_guard lock(mutex_);
      for (auto it = agents_.begin(); it != agents_.end();) {
        auto found = seen.find(it->first);
        const bool terminated = found == seen.end() || found->second.first == "terminated" ||
                                found->second.first == "shutting-down";
        if (!terminated) {
          ++it;
          continue;
        }
        ended.emplace_back(*it);
        gone_.insert(it->first);
        it = agents_.erase(it);
      }
    }
    for (const auto& [id, agent] : ended) (void)local_.terminate(id, agent.launched.pid, agent.launched.startTime);
  }

  void start(const std::string& id, const std::string& group) {
    const std::filesystem::path token = dataDir_ / "fleet" / group / "enrolment.token";
    if (!std::filesystem::exists(token)) {
      std::lock_guard lock(mutex_);
      problem_ = "no enrolment token at " + token.string();
      return;
    }
    fleet::LocalAgentSpec spec;
    spec.instanceId = id;
    spec.groupId = group;
    spec.hostName = id;
    spec.port = freePort();
    spec.instanceDir = workDir_ / id;
    spec.serverAddress = serverAddress_;
    spec.enrolmentTokenFile = token;
    auto launched = local_.launch(spec);
    std::lock_guard lock(mutex_);
    if (!launched.ok()) {
      problem_ = "cannot start the agent of " + id + ": " + launched.error().message;
      return;
    }
    agents_[id] = Agent{*launched, spec.port};
  }

  aws::AwsClient& ec2_;
  const std::filesystem::path dataDir_;
  const std::string serverAddress_;
  const std::filesystem::path workDir_;
  fleet::LocalFleet local_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;                // GUARDED_BY(mutex_)
  std::map<std::string, Agent> agents_;  // GUARDED_BY(mutex_)
  std::set<std::string> gone_;           // GUARDED_BY(mutex_)
  std::string problem_;                  // GUARDED_BY(mutex_)
  std::thread thread_;
};

}  // namespace greenlight::testing
