// The engine sees one compute provider and one traffic provider; a server may run several (local
// and aws fleets, HAProxy and aws-elbv2). The router sends each call to the provider of the group
// it is about: fleet.provider for compute, loadBalancer.provider for traffic (a pool id is its
// group's id).
#pragma once

#include <functional>

#include "common/clock.h"
#include "fleet/compute_provider.h"
#include "store/sqlite_serialized.h"
#include "traffic/traffic_provider.h"

namespace greenlight::server {

// Thread-safe when the providers are. Null providers are "not on this server".
class ProviderRouter final : public fleet::ComputeProvider, public traffic::TrafficProvider {
 public:
  ProviderRouter(store::SerializedSqliteDatabase& database, const Clock& clock,
                 fleet::ComputeProvider* local, fleet::ComputeProvider* aws,
                 traffic::TrafficProvider* haproxy, traffic::TrafficProvider* elbv2);

  Result<std::vector<catalog::Instance>> provisionFleetVersion(const std::string& groupId,
                                                               const std::string& fleetVersion,
                                                               int count) override;
  Status retireFleetVersion(const std::string& groupId, const std::string& fleetVersion,
                            const std::string& reason) override;
  Result<std::string> unhealthyInstances(const std::string& groupId,
                                         const std::string& fleetVersion) override;
  Status fleetVersionServing(const std::string& groupId, const std::string& fleetVersion) override;
  Status retireGroup(const std::string& groupId, const std::string& reason) override;

  Status ensurePool(const traffic::Pool& pool) override;
  Status removePool(const std::string& poolId) override;
  Status addMember(const std::string& poolId, const traffic::Member& member) override;
  Status setWeights(const std::string& poolId, const std::map<std::string, int>& weights) override;
  Result<bool> removeMember(const std::string& poolId, const std::string& instanceId) override;
  Result<std::vector<traffic::MemberStatus>> status(const std::string& poolId) override;

  // The compute providers exist once the server has started (set before the engine runs).
  void setComputeProviders(fleet::ComputeProvider* local, fleet::ComputeProvider* aws) {
    local_ = local;
    aws_ = aws;
  }

 private:
  Result<fleet::ComputeProvider*> compute(const std::string& groupId);
  // A group that no longer exists was HAProxy's (aws-elbv2 pools hold nothing to remove).
  Result<traffic::TrafficProvider*> traffic(const std::string& poolId);

  store::SerializedSqliteDatabase& database_;
  const Clock& clock_;
  fleet::ComputeProvider* local_;
  fleet::ComputeProvider* aws_;
  traffic::TrafficProvider* haproxy_;
  traffic::TrafficProvider* elbv2_;
};

}  // namespace greenlight::server
