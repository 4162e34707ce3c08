// The server's load balancer: the embedded HAProxy, opened and started the first time a group
// needs it (a server with no load-balanced group runs no HAProxy), then supervised — restarted from
// its configuration if it dies. HAProxy outlives the server, so a restart of greenlight drops no
// request; the next server adopts it.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include "common/result.h"
#include "traffic/traffic_provider.h"

namespace greenlight::providers::haproxy {
class EmbeddedHaproxy;
}

namespace greenlight::server {

class LazyTrafficProvider : public traffic::TrafficProvider {
 public:
  // HAProxy lives in `dir` (configuration, sockets, model); `binary` is the haproxy to run.
  // `metricsListen`: where HAProxy serves its Prometheus exporter ("" none).
  LazyTrafficProvider(std::filesystem::path dir, std::string binary, std::string metricsListen = "");
  ~LazyTrafficProvider() override;

  // At server start: adopts or starts HAProxy when its folder already holds pools.
  Status startIfConfigured();
  // Periodic: restarts a dead HAProxy. Does nothing before the first use.
  Status supervise();

  Status ensurePool(const traffic::Pool& pool) override;
  Status removePool(const std::string& poolId) override;
  Status addMember(const std::string& poolId, const traffic::Member& member) override;
  Status setWeights(const std::string& poolId, const std::map<std::string, int>& weights) override;
  Result<bool> removeMember(const std::string& poolId, const std::string& instanceId) override;
  Result<std::vector<traffic::MemberStatus>> status(const std::string& poolId) override;

 private:
  // The started provider, or why it cannot be had (HAProxy missing, a bad folder ...).
  Result<traffic::TrafficProvider*> provider();

  const std::filesystem::path dir_;
  const std::string binary_;
  const std::string metricsListen_;
  std::mutex mutex_;
  std::unique_ptr<providers::haproxy::EmbeddedHaproxy> haproxy_;  // GUARDED_BY(mutex_) once set
};

}  // namespace greenlight::server
