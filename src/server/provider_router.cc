#include "server/provider_router.h"

#include "catalog/catalog.h"
#include "catalog/traffic_spec.h"
#include "common/error_codes.h"

namespace greenlight::server {

ProviderRouter::ProviderRouter(store::SerializedSqliteDatabase& database, const Clock& clock,
                               fleet::ComputeProvider* local, fleet::ComputeProvider* aws,
                               traffic::TrafficProvider* haproxy, traffic::TrafficProvider* elbv2)
    : database_(database), clock_(clock), local_(local), aws_(aws), haproxy_(haproxy), elbv2_(elbv2) {}

Result<fleet::ComputeProvider*> ProviderRouter::compute(const std::string& groupId) {
  auto group = database_.withConnection([&](store::SqliteDatabase& db) {
    return catalog::Catalog(db, clock_).getGroupById(groupId);
  });
  if (!group.ok()) return group.error();
  if (group->spec.fleet.provider != catalog::FleetProvider::Aws) {
    if (local_ == nullptr) return Error{codes::kUnavailable, "the local fleet is not started yet"};
    return local_;
  }
  if (aws_ == nullptr) {
    return Error{codes::kProviderNotConfigured,
                 "group " + group->spec.application + "/" + group->spec.name +
                     " has an aws fleet and this server has no AWS settings (--aws-region)"};
  }
  return aws_;
}

Result<traffic::TrafficProvider*> ProviderRouter::traffic(const std::string& poolId) {
  auto group = database_.withConnection([&](store::SqliteDatabase& db) {
    return catalog::Catalog(db, clock_).getGroupById(poolId);
  });
  if (!group.ok()) {
    if (group.error().code == codes::kNotFound) return haproxy_;
    return group.error();
  }
  auto balancer = catalog::loadBalancerOf(*group);
  if (balancer.ok() && balancer->has_value() && (*balancer)->isElbv2()) {
    if (elbv2_ == nullptr) {
      return Error{codes::kProviderNotConfigured,
                   "group " + group->spec.application + "/" + group->spec.name +
                       " uses aws-elbv2 and this server has no AWS settings (--aws-region)"};
    }
    return elbv2_;
  }
  return haproxy_;
}

Result<std::vector<catalog::Instance>> ProviderRouter::provisionFleetVersion(const std::string& groupId,
                                                                             const std::string& fleetVersion,
                                                                             int count) {
  auto provider = compute(groupId);
  if (!provider.ok()) return provider.error();
  return (*provider)->provisionFleetVersion(groupId, fleetVersion, count);
}

Status ProviderRouter::retireFleetVersion(const std::string& groupId, const std::string& fleetVersion,
                                          const std::string& reason) {
  auto provider = compute(groupId);
  if (!provider.ok()) return provider.error();
  return (*provider)->retireFleetVersion(groupId, fleetVersion, reason);
}

Result<std::string> ProviderRouter::unhealthyInstances(const std::string& groupId,
                                                       const std::string& fleetVersion) {
  auto provider = compute(groupId);
  if (!provider.ok()) return provider.error();
  return (*provider)->unhealthyInstances(groupId, fleetVersion);
}

Status ProviderRouter::fleetVersionServing(const std::string& groupId, const std::string& fleetVersion) {
  auto provider = compute(groupId);
  if (!provider.ok()) return provider.error();
  return (*provider)->fleetVersionServing(groupId, fleetVersion);
}

Status ProviderRouter::retireGroup(const std::string& groupId, const std::string& reason) {
  auto provider = compute(groupId);
  if (!provider.ok()) return provider.error();
  return (*provider)->retireGroup(groupId, reason);
}

Status ProviderRouter::ensurePool(const traffic::Pool& pool) {
  auto provider = traffic(pool.id);
  if (!provider.ok()) return provider.error();
  return (*provider)->ensurePool(pool);
}

Status ProviderRouter::removePool(const std::string& poolId) {
  auto provider = traffic(poolId);
  if (!provider.ok()) return provider.error();
  return (*provider)->removePool(poolId);
}

Status ProviderRouter::addMember(const std::string& poolId, const traffic::Member& member) {
  auto provider = traffic(poolId);
  if (!provider.ok()) return provider.error();
  return (*provider)->addMember(poolId, member);
}

Status ProviderRouter::setWeights(const std::string& poolId, const std::map<std::string, int>& weights) {
  auto provider = traffic(poolId);
  if (!provider.ok()) return provider.error();
  return (*provider)->setWeights(poolId, weights);
}

Result<bool> ProviderRouter::removeMember(const std::string& poolId, const std::string& instanceId) {
  auto provider = traffic(poolId);
  if (!provider.ok()) return provider.error();
  return (*provider)->removeMember(poolId, instanceId);
}

Result<std::vector<traffic::MemberStatus>> ProviderRouter::status(const std::string& poolId) {
  auto provider = traffic(poolId);
  if (!provider.ok()) return provider.error();
  return (*provider)->status(poolId);
}

}  // namespace greenlight::server
