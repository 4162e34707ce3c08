// Opening the embedded HAProxy on first use, and forwarding to it.
#include "server/lazy_traffic_provider.h"

#include "common/error_codes.h"
#include "providers/traffic/haproxy/embedded_haproxy.h"
#include "server/event_log.h"

namespace greenlight::server {

LazyTrafficProvider::LazyTrafficProvider(std::filesystem::path dir, std::string binary,
                                         std::string metricsListen)
    : dir_(std::move(dir)), binary_(std::move(binary)), metricsListen_(std::move(metricsListen)) {}

LazyTrafficProvider::~LazyTrafficProvider() = default;

Result<traffic::TrafficProvider*> LazyTrafficProvider::provider() {
  std::lock_guard lock(mutex_);
  if (haproxy_) return static_cast<traffic::TrafficProvider*>(haproxy_.get());
  providers::haproxy::EmbeddedHaproxyOptions options;
  options.dir = dir_;
  options.binary = binary_;
  options.metricsListen = metricsListen_;
  options.log = [](const std::string& message) { logEvent("load balancer: " + message); };
  auto opened = providers::haproxy::EmbeddedHaproxy::open(options);
  if (!opened.ok()) {
    return Error{opened.error().code,
                 "Cannot set up the embedded HAProxy in " + dir_.string() + ": " +
                     opened.error().message};
  }
  if (Status started = (*opened)->start(); !started.ok()) {
    return Error{started.error().code,
                 "Cannot start the embedded HAProxy in " + dir_.string() + ": " +
                     started.error().message};
  }
  haproxy_ = std::move(*opened);
  logEvent("load balancer: HAProxy running from " + dir_.string());
  return static_cast<traffic::TrafficProvider*>(haproxy_.get());
}

Status LazyTrafficProvider::startIfConfigured() {
  std::error_code error;
  if (!std::filesystem::exists(dir_ / "pools.json", error)) return {};
  auto started = provider();
  if (!started.ok()) return started.error();
  return {};
}

Status LazyTrafficProvider::supervise() {
  providers::haproxy::EmbeddedHaproxy* haproxy = nullptr;
  {
    std::lock_guard lock(mutex_);
    haproxy = haproxy_.get();
  }
  if (haproxy == nullptr) return {};
  return haproxy->supervise();
}

Status LazyTrafficProvider::ensurePool(const traffic::Pool& pool) {
  auto target = provider();
  if (!target.ok()) return target.error();
  return (*target)->ensurePool(pool);
}

Status LazyTrafficProvider::removePool(const std::string& poolId) {
  auto target = provider();
  if (!target.ok()) return target.error();
  return (*target)->removePool(poolId);
}

Status LazyTrafficProvider::addMember(const std::string& poolId, const traffic::Member& member) {
  auto target = provider();
  if (!target.ok()) return target.error();
  return (*target)->addMember(poolId, member);
}

Status LazyTrafficProvider::setWeights(const std::string& poolId,
                                       const std::map<std::string, int>& weights) {
  auto target = provider();
  if (!target.ok()) return target.error();
  return (*target)->setWeights(poolId, weights);
}

Result<bool> LazyTrafficProvider::removeMember(const std::string& poolId,
                                               const std::string& instanceId) {
  auto target = provider();
  if (!target.ok()) return target.error();
  return (*target)->removeMember(poolId, instanceId);
}

Result<std::vector<traffic::MemberStatus>> LazyTrafficProvider::status(const std::string& poolId) {
  auto target = provider();
  if (!target.ok()) return target.error();
  return (*target)->status(poolId);
}

}  // namespace greenlight::server
