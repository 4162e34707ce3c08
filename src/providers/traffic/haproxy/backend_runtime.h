// The runtime steps on one backend through a stats socket, shared by embedded pools and pools of
// an existing HAProxy: safe bring-up, weights and admin states, retirement, the servers' rows.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/result.h"
#include "providers/traffic/haproxy/runtime_session.h"
#include "providers/traffic/haproxy/stat_table.h"
#include "traffic/traffic_provider.h"

namespace greenlight::providers::haproxy {

class BackendRuntime {
 public:
  // `session` must outlive this object.
  BackendRuntime(RuntimeSession& session, std::string backend) : session_(session), backend_(std::move(backend)) {}

  // The backend's server rows by server name; NotFound when HAProxy has no such backend.
  Result<std::map<std::string, StatRow>> servers();

  // add server (weight 0, checks as in `check`, both connection-pool options: dynamic servers
  // do not inherit default-server) → enable health → state drain → health down (no traffic
  // before `rise` checks pass, whatever weight it is given meanwhile).
  Status bringUp(const traffic::Member& member, const traffic::HealthCheck& check);
  Status setAddress(const traffic::Member& member);
  Status setWeight(const std::string& server, int weight);
  Status setState(const std::string& server, const std::string& state);  // ready, drain, maint
  // `del server`; false when HAProxy refuses because requests are still attached.
  Result<bool> remove(const std::string& server);

  const std::string& backend() const { return backend_; }

 private:
  // Runs `command`; HAProxy's reply must equal `expected` (after trimming) or start with one of
  // `acceptedPrefixes`, otherwise it is an Error quoting the reply.
  Result<std::string> run(const std::string& command, const std::vector<std::string>& acceptedPrefixes,
                          const std::string& subject);

  RuntimeSession& session_;
  std::string backend_;
};

}  // namespace greenlight::providers::haproxy
