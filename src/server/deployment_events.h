// Live deployment pages: the streams of GET /v1/deployments/{id}/events. One thread reads a
// changed deployment once for all its streams and sends each stream a "snapshot" (the whole
// deployment, first) or an "update" (the deployment's own fields and only the instances that
// changed), so a deployment to hundreds of instances costs one read per change, not one per viewer,
// and its pages receive kilobytes, not the whole grid, per change.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "engine/engine.h"
#include "http/responder.h"

namespace greenlight::server {

// The deployment JSON a page needs: engine::toJson without the hooks' log tails (a page fetches an
// instance's on demand), each event saying whether it has one ("hasLog").
nlohmann::json liveDeploymentJson(const engine::DeploymentView& deployment);

// Thread-safe. Changes of one deployment are coalesced: at most one read and one event per stream
// per `minimumInterval`, however often the engine reports a change.
class DeploymentEventHub {
 public:
  using Reader = std::function<Result<engine::DeploymentView>(const std::string& deploymentId)>;

  explicit DeploymentEventHub(Reader reader,
                              std::chrono::milliseconds minimumInterval = std::chrono::milliseconds(100));
  ~DeploymentEventHub();  // stop()s
  DeploymentEventHub(const DeploymentEventHub&) = delete;
  DeploymentEventHub& operator=(const DeploymentEventHub&) = delete;

  // Adds a stream; its snapshot is sent from the hub's thread, before any update.
  void subscribe(const std::string& deploymentId, const http::EventStream& stream);
  // The engine's deploymentChanged hook: cheap, never blocks on I/O.
  void changed(const std::string& deploymentId);
  // Open streams, every deployment together.
  std::size_t streamCount() const;
  // Ends every stream and joins the thread. Idempotent.
  void stop();

 private:
  struct Subscriber {
    http::EventStream stream;
    bool needsSnapshot = true;
  };
  struct Feed {
    std::vector<Subscriber> subscribers;
    std::map<std::string, std::string> lastTargets;  // instance id -> its JSON as last sent
    bool known = false;                              // lastTargets holds a read
  };

  void run();
  // REQUIRES: mutex_ held; unlocks it while reading the store.
  void publish(std::unique_lock<std::mutex>& lock, const std::string& deploymentId);

  Reader reader_;
  const std::chrono::milliseconds minimumInterval_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::map<std::string, Feed> feeds_;  // GUARDED_BY(mutex_)
  std::set<std::string> dirty_;        // GUARDED_BY(mutex_)
  bool stopping_ = false;              // GUARDED_BY(mutex_)
  std::thread thread_;
};

}  // namespace greenlight::server
