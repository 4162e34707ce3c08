// A load balancer in memory for tests: pools and members kept as the TrafficProvider contract
// says (safe bring-up at weight 0, idempotent mutations), with what the balancer would observe
// (health, requests in flight) set by the test, and every mutation recorded. Thread-safe.
// Header-only: test binaries are built from *_test.cc files.
#pragma once

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "traffic/traffic_provider.h"

namespace greenlight::testing {

class FakeTrafficProvider final : public traffic::TrafficProvider {
 public:
  Status ensurePool(const traffic::Pool& pool) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto refused = refusal()) return *refused;
    calls_.push_back("ensurePool " + pool.id);
    pools_[pool.id].pool = pool;
    return Status::success();
  }
  Status removePool(const std::string& poolId) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto refused = refusal()) return *refused;
    calls_.push_back("removePool " + poolId);
    pools_.erase(poolId);
    return Status::success();
  }
  Status addMember(const std::string& poolId, const traffic::Member& member) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto refused = refusal()) return *refused;
    if (auto why = refusedMembers_.find(member.instanceId); why != refusedMembers_.end()) {
      return Error{"Aws.InvalidTarget", why->second};
    }
    auto pool = pools_.find(poolId);
    if (pool == pools_.end()) return Error{"NotFound", "no pool " + poolId};
    calls_.push_back("addMember " + poolId + " " + member.instanceId + " " + member.address + ":" +
                     std::to_string(member.port));
    auto [entry, added] = pool->second.members.try_emplace(member.instanceId);
    traffic::MemberStatus& kept = entry->second;
    if (added) {
      kept.instanceId = member.instanceId;
      kept.weight = 0;
      kept.adminState = "drain";
    }
    kept.address = member.address;
    kept.port = member.port;
    observe(kept);
    return Status::success();
  }
  Status setWeights(const std::string& poolId, const std::map<std::string, int>& weights) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto refused = refusal()) return *refused;
    auto pool = pools_.find(poolId);
    if (pool == pools_.end()) return Error{"NotFound", "no pool " + poolId};
    for (const auto& [id, weight] : weights) {
      if (pool->second.members.count(id) == 0) return Error{"NotFound", "no member " + id};
    }
    for (const auto& [id, weight] : weights) {
      calls_.push_back("setWeights " + poolId + " " + id + "=" + std::to_string(weight));
      auto& member = pool->second.members[id];
      member.weight = weight;
      member.adminState = weight > 0 ? "ready" : "drain";
    }
    return Status::success();
  }
  Result<bool> removeMember(const std::string& poolId, const std::string& instanceId) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto refused = refusal()) return *refused;
    auto pool = pools_.find(poolId);
    if (pool == pools_.end()) return true;
    auto member = pool->second.members.find(instanceId);
    if (member == pool->second.members.end()) return true;
    calls_.push_back("removeMember " + poolId + " " + instanceId);
    member->second.weight = 0;
    member->second.adminState = "drain";
    observe(member->second);
    if (member->second.inFlight > 0) return false;
    pool->second.members.erase(member);
    return true;
  }
  Result<std::vector<traffic::MemberStatus>> status(const std::string& poolId) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto refused = refusal()) return *refused;
    auto pool = pools_.find(poolId);
    if (pool == pools_.end()) return Error{"NotFound", "no pool " + poolId};
    std::vector<traffic::MemberStatus> members;
    for (auto& [id, member] : pool->second.members) {
      observe(member);
      members.push_back(member);
    }
    return members;
  }

  // What the balancer sees of an instance, now and for a member added later.
  void setInFlight(const std::string& instanceId, int requests) {
    std::lock_guard<std::mutex> lock(mu_);
    observed_[instanceId].inFlight = requests;
  }
  void setHealth(const std::string& instanceId, bool healthy, std::string checkStatus, std::string checkDetail) {
    std::lock_guard<std::mutex> lock(mu_);
    auto& seen = observed_[instanceId];
    seen.healthy = healthy;
    seen.checkStatus = std::move(checkStatus);
    seen.checkDetail = std::move(checkDetail);
  }
  // The balancer's counters for an instance: served so far, 5xx among them, average response time.
  void setCounters(const std::string& instanceId, std::uint64_t requests, std::uint64_t errors5xx,
                   int responseTimeMs = 0) {
    std::lock_guard<std::mutex> lock(mu_);
    auto& seen = observed_[instanceId];
    seen.totalRequests = requests;
    seen.responses5xx = errors5xx;
    seen.responseTimeMs = responseTimeMs;
  }
  // addMember of this instance fails with `why` (an ELB target that is not running).
  void refuseMember(const std::string& instanceId, const std::string& why) {
    std::lock_guard<std::mutex> lock(mu_);
    refusedMembers_[instanceId] = why;
  }
  // Every call fails with Unavailable until cleared (the balancer is away).
  void setAway(bool away) {
    std::lock_guard<std::mutex> lock(mu_);
    away_ = away;
  }

  std::vector<std::string> calls() const {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }
  std::optional<traffic::Pool> findPool(const std::string& poolId) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto found = pools_.find(poolId);
    if (found == pools_.end()) return std::nullopt;
    return found->second.pool;
  }
  std::optional<traffic::MemberStatus> findMember(const std::string& poolId, const std::string& instanceId) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto pool = pools_.find(poolId);
    if (pool == pools_.end()) return std::nullopt;
    auto found = pool->second.members.find(instanceId);
    if (found == pool->second.members.end()) return std::nullopt;
    return found->second;
  }

 private:
  struct Observed {
    bool healthy = false;
    std::string checkStatus = "INI";
    std::string checkDetail;
    int inFlight = 0;
    std::uint64_t totalRequests = 0;
    std::uint64_t responses5xx = 0;
    int responseTimeMs = 0;
  };
  struct PoolState {
    traffic::Pool pool;
    std::map<std::string, traffic::MemberStatus> members;
  };

  std::optional<Error> refusal() const {
    if (!away_) return std::nullopt;
    return Error{"Unavailable", "the fake load balancer is away"};
  }
  // REQUIRES: mu_ held.
  void observe(traffic::MemberStatus& member) {
    auto seen = observed_.find(member.instanceId);
    Observed now = seen == observed_.end() ? Observed{} : seen->second;
    member.healthy = now.healthy;
    member.checkStatus = now.checkStatus;
    member.checkDetail = now.checkDetail;
    member.inFlight = now.inFlight;
    member.totalRequests = now.totalRequests;
    member.responses5xx = now.responses5xx;
    member.responseTimeMs = now.responseTimeMs;
    member.status = !now.healthy ? "DOWN" : member.weight > 0 ? "UP" : "DRAIN";
  }

  mutable std::mutex mu_;
  std::map<std::string, PoolState> pools_;      // GUARDED_BY(mu_)
  std::map<std::string, Observed> observed_;    // GUARDED_BY(mu_)
  std::vector<std::string> calls_;              // GUARDED_BY(mu_)
  bool away_ = false;                           // GUARDED_BY(mu_)
  std::map<std::string, std::string> refusedMembers_;  // GUARDED_BY(mu_)
};

}  // namespace greenlight::testing
