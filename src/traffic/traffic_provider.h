// The seam between the engine and a load balancer: pools of instances (one per deployment group),
// members added with a safe bring-up, weighted, drained and removed, and the balancer's own view
// of each member (its health check, its requests in flight, its counters). The engine and the
// agent's traffic events depend on this interface only; providers live under src/providers/traffic.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/result.h"

namespace greenlight::traffic {

// The weight of an in-place instance serving its share (AllowTraffic); 0 is drained.
inline constexpr int kServingWeight = 100;

// How the balancer checks a member: an HTTP GET of `path` answering 200.
struct HealthCheck {
  std::string path = "/health";
  int intervalMs = 500;       // between checks (HAProxy `inter`)
  int timeoutMs = 1000;       // one check's timeout (HAProxy `timeout check`)
  int healthyThreshold = 2;   // consecutive passes to become healthy (`rise`)
  int unhealthyThreshold = 2; // consecutive failures to become unhealthy (`fall`)
  bool operator==(const HealthCheck&) const = default;
};

// One group's pool. With `frontend` set the provider serves it (the embedded HAProxy binds it);
// otherwise `backend` names a backend of an existing HAProxy reached through `adminSocket`.
struct Pool {
  std::string id;        // the group id: stable, [a-z0-9-]
  std::string name;      // for people and the generated configuration: "<app>/<group>"
  std::string frontend;  // "127.0.0.1:8080" (embedded), or empty (existing HAProxy)
  std::string adminSocket;  // existing HAProxy: its stats socket at level admin
  std::string backend;      // existing HAProxy: the backend to manage
  HealthCheck healthCheck;
  bool operator==(const Pool&) const = default;
};

struct Member {
  std::string instanceId;  // the server's name in the balancer
  std::string address = "127.0.0.1";
  int port = 0;
  // The blue/green fleet version it belongs to ("" otherwise): a balancer that places members by
  // fleet (aws-elbv2: one target group per version) puts a later batch beside its fleet.
  std::string fleetVersion;
};

// What the balancer says about one member, read from it (never from our own bookkeeping).
struct MemberStatus {
  std::string instanceId;
  std::string address;
  int port = 0;
  int weight = 0;                  // 0..256
  std::string adminState;          // "ready", "drain", "maint"
  bool healthy = false;            // the balancer's check passes and it is UP
  std::string status;              // HAProxy's: "UP", "DOWN", "NOLB", "MAINT", "DRAIN", "no check"
  std::string checkStatus;         // e.g. "L7OK", "L4CON", "L7STS", "INI"
  std::string checkDetail;         // what the last check saw, for an operator
  int inFlight = 0;                // requests being served or queued (scur + qcur)
  std::uint64_t totalRequests = 0; // stot
  std::uint64_t responses5xx = 0;  // hrsp_5xx
  int responseTimeMs = 0;          // rtime: average response time of its last 1024 requests
};

// Thread-safe: the engine's thread and API threads call it at once. Every mutation is idempotent
// (calling it again with the same arguments changes nothing), so a restarted server can simply
// assert what it wants again. No call blocks for longer than a few balancer round trips; waits
// (draining, a health check passing) are the caller's, by calling `status` again.
class TrafficProvider {
 public:
  TrafficProvider() = default;
  virtual ~TrafficProvider() = default;
  TrafficProvider(const TrafficProvider&) = delete;
  TrafficProvider& operator=(const TrafficProvider&) = delete;

  // Creates the pool (frontend and backend) or brings it in line with `pool`; keeps its members.
  virtual Status ensurePool(const Pool& pool) = 0;
  // Removes the pool and its frontend. NotFound is not an error.
  virtual Status removePool(const std::string& poolId) = 0;

  // Adds `member` if absent, safely: health checks on, admin state drain, weight 0, so it gets no
  // request before `setWeights` gives it one. A member already present is left as it is (a changed
  // address or port is updated).
  virtual Status addMember(const std::string& poolId, const Member& member) = 0;
  // Sets members' weights (0..256). A weight above 0 makes the member ready, 0 drains it (no new
  // requests; checks continue). Raises come before reductions, so traffic always has somewhere to
  // go. Members not named keep their weights. NotFound names a member that is not in the pool.
  virtual Status setWeights(const std::string& poolId, const std::map<std::string, int>& weights) = 0;
  // Retirement, one step per call: drains the member, and once it has no request in flight puts it
  // in maintenance and deletes it. Returns true when the member is gone (or was never there),
  // false while requests are still in flight (call again).
  virtual Result<bool> removeMember(const std::string& poolId, const std::string& instanceId) = 0;

  // Every member of the pool as the balancer sees it now.
  virtual Result<std::vector<MemberStatus>> status(const std::string& poolId) = 0;
};

}  // namespace greenlight::traffic
