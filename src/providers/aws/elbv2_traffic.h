// The `aws-elbv2` traffic provider: a group's pool is its ELBv2 target groups.
//
// With a listener (loadBalancer.listenerArn, exactly two target groups): a new fleet version's
// instances are registered in the target group the listener does not send traffic to, where the
// load balancer's own health check runs on them; the split is the listener's weighted forward
// action (or the listener rule's). ELB weights whole target groups, so every member of one target
// group has one weight: the group's forward weight is that weight times its registered members
// (exact shares over unequal fleets), and the member weight is kept as the target group's
// `greenlight:member-weight` tag, from which status() reads each member's weight back.
//
// Without a listener (Goployer's way): every member is registered in every target group and
// serves once healthy; weights are not enforced by ELB (they are remembered, for the engine's
// bookkeeping) and a version leaves by being deregistered (drained).
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "catalog/traffic_spec.h"
#include "providers/aws/aws_clients.h"
#include "traffic/traffic_provider.h"

namespace greenlight::providers::aws {

inline constexpr const char* kTagMemberWeight = "greenlight:member-weight";

// Target groups as ARNs: names (as a group file may give them) are looked up; ARNs pass through.
// NotFound names a target group that does not exist in the client's region.
Result<std::vector<std::string>> targetGroupArns(greenlight::aws::AwsClient& client,
                                                 const std::vector<std::string>& namesOrArns);

// The group's aws-elbv2 settings for a pool id (the group id).
using Elbv2Lookup = std::function<Result<catalog::Elbv2Spec>(const std::string& poolId)>;

// Thread-safe.
class Elbv2TrafficProvider final : public traffic::TrafficProvider {
 public:
  Elbv2TrafficProvider(AwsClients& clients, Elbv2Lookup lookup);

  // Checks that the target groups (and the listener) exist; creates nothing.
  Status ensurePool(const traffic::Pool& pool) override;
  // Nothing to remove: the target groups and the listener are the operator's.
  Status removePool(const std::string& poolId) override;
  Status addMember(const std::string& poolId, const traffic::Member& member) override;
  // InvalidArgument when two members of one target group are given different weights.
  Status setWeights(const std::string& poolId, const std::map<std::string, int>& weights) override;
  Result<bool> removeMember(const std::string& poolId, const std::string& instanceId) override;
  Result<std::vector<traffic::MemberStatus>> status(const std::string& poolId) override;

 private:
  struct Pool;
  Result<Pool> open(const std::string& poolId);

  AwsClients& clients_;
  Elbv2Lookup lookup_;
  std::mutex mutex_;
  // Without a listener: the weights last set, by pool then member.
  std::map<std::string, std::map<std::string, int>> remembered_;  // GUARDED_BY(mutex_)
};

}  // namespace greenlight::providers::aws
