// The hub's thread: wait for changed deployments, read each once, send snapshots and updates,
// then rest for the minimum interval so a burst of changes becomes one event.
#include "server/deployment_events.h"

namespace greenlight::server {

using nlohmann::json;

json liveDeploymentJson(const engine::DeploymentView& deployment) {
  json value = engine::toJson(deployment);
  if (!value.contains("targets")) value["targets"] = json::array();
  for (json& target : value["targets"]) {
    for (json& event : target["events"]) {
      event["hasLog"] = !event.value("logTail", "").empty();
      event.erase("logTail");
    }
  }
  return value;
}

DeploymentEventHub::DeploymentEventHub(Reader reader, std::chrono::milliseconds minimumInterval)
    : reader_(std::move(reader)), minimumInterval_(minimumInterval) {
  thread_ = std::thread([this] { run(); });
}

DeploymentEventHub::~DeploymentEventHub() { stop(); }

void DeploymentEventHub::subscribe(const std::string& deploymentId,
                                   const http::EventStream& stream) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) {
      stream.close();
      return;
    }
    feeds_[deploymentId].subscribers.push_back(Subscriber{stream, true});
    dirty_.insert(deploymentId);
  }
  wake_.notify_one();
}

void DeploymentEventHub::changed(const std::string& deploymentId) {
  {
    std::lock_guard lock(mutex_);
    if (!feeds_.contains(deploymentId)) return;
    dirty_.insert(deploymentId);
  }
  wake_.notify_one();
}

std::size_t DeploymentEventHub::streamCount() const {
  std::lock_guard lock(mutex_);
  std::size_t count = 0;
  for (const auto& [id, feed] : feeds_) {
    for (const Subscriber& subscriber : feed.subscribers) count += subscriber.stream.isOpen();
  }
  return count;
}

void DeploymentEventHub::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
    for (auto& [id, feed] : feeds_) {
      for (Subscriber& subscriber : feed.subscribers) subscriber.stream.close();
    }
    feeds_.clear();
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void DeploymentEventHub::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || !dirty_.empty(); });
    if (stopping_) return;
    std::set<std::string> due;
    due.swap(dirty_);
    for (const std::string& deploymentId : due) {
      publish(lock, deploymentId);
      if (stopping_) return;
    }
    // Changes arriving meanwhile wait for the next round: one event for the whole burst.
    wake_.wait_for(lock, minimumInterval_, [this] { return stopping_; });
  }
}

void DeploymentEventHub::publish(std::unique_lock<std::mutex>& lock,
                                 const std::string& deploymentId) {
  lock.unlock();
  Result<engine::DeploymentView> read = reader_(deploymentId);
  lock.lock();
  auto found = feeds_.find(deploymentId);
  if (found == feeds_.end()) return;
  Feed& feed = found->second;
  std::erase_if(feed.subscribers, [](const Subscriber& s) { return !s.stream.isOpen(); });
  if (feed.subscribers.empty()) {
    feeds_.erase(found);
    return;
  }
  if (!read.ok()) {
    for (Subscriber& subscriber : feed.subscribers) {
      subscriber.stream.send({"problem", json{{"message", read.error().message}}.dump(), ""});
    }
    return;
  }
  json whole = liveDeploymentJson(*read);
  json targets = std::move(whole["targets"]);
  whole.erase("targets");
  json changedTargets = json::array();
  std::map<std::string, std::string> current;
  for (const json& target : targets) {
    std::string text = target.dump();
    std::string instanceId = target.value("instanceId", "");
    auto last = feed.lastTargets.find(instanceId);
    if (!feed.known || last == feed.lastTargets.end() || last->second != text) {
      changedTargets.push_back(target);
    }
    current.emplace(instanceId, std::move(text));
  }
  feed.lastTargets = std::move(current);
  feed.known = true;
  std::string id = std::to_string(read->version);
  // When the event left, so a page (and the dashboard bench) can tell how late it shows it.
  auto sentAtMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  std::string snapshot;
  std::string update =
      json{{"deployment", whole}, {"targets", changedTargets}, {"sentAtMs", sentAtMs}}.dump();
  for (Subscriber& subscriber : feed.subscribers) {
    if (subscriber.needsSnapshot) {
      if (snapshot.empty()) {
        snapshot = json{{"deployment", whole}, {"targets", targets}, {"sentAtMs", sentAtMs}}.dump();
      }
      subscriber.stream.send({"snapshot", snapshot, id});
      subscriber.needsSnapshot = false;
    } else {
      subscriber.stream.send({"update", update, id});
    }
  }
}

}  // namespace greenlight::server
