// The agent's traffic events carried out by the server: the agent cannot reach the load balancer
// itself, so for BlockTraffic and AllowTraffic it asks the server, which drains or restores the
// instance and answers at once "done" or "waiting" (requests still in flight, a health check not
// passing yet). The agent asks again until done or the command's timeout for the event.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "agent/traffic_control.h"
#include "agentd/agent_daemon.h"
#include "agentd/agent_log.h"
#include "agentd/server_client.h"

namespace greenlight::agentd {

// How long each event may wait: the group's loadBalancer.drainTimeoutSeconds and
// startGracePeriodSeconds, frozen in the command.
struct TrafficTimeouts {
  std::chrono::seconds block{30};
  std::chrono::seconds allow{60};
};

// The command's "loadBalancer" {blockTimeoutSeconds, allowTimeoutSeconds}; none when the command
// has none (the group has no load balancer: no traffic events).
std::optional<TrafficTimeouts> trafficTimeoutsOf(const nlohmann::json& command);

// How often the agent asks again while the server says "waiting".
inline constexpr std::chrono::milliseconds kTrafficPollInterval{150};

// POST /v1/agent/commands/{commandId}/traffic {"event": "BlockTraffic" | "AllowTraffic"}, asked
// again every kTrafficPollInterval while the answer is "waiting", and with the agent's backoff
// while the server cannot be reached, all within the event's timeout:
//   - AllowTraffic not done by then fails, with the server's last detail;
//   - BlockTraffic still draining by then succeeds, its message naming the requests still in
//     flight: the instance already takes no new request, and CodeDeploy (after its deregistration
//     delay) and kamal-proxy (after its drain timeout) go on the same way;
//   - either fails when the server never answered.
// Like a hook, a started event is finished even when the agent is asked to stop: the wait is
// bounded by the timeout. One per command; used on the command's thread only (as `client` is).
class ServerTrafficControl final : public agent::TrafficControl {
 public:
  // REQUIRES: `client`, `options` and `log` outlive this.
  ServerTrafficControl(ServerClient& client, const AgentOptions& options, AgentLog& log, std::string commandId,
                       TrafficTimeouts timeouts);

  Result<std::string> carryOut(agent::TrafficEvent event) override;

 private:
  ServerClient& client_;
  const AgentOptions& options_;
  AgentLog& log_;
  std::string commandId_;
  TrafficTimeouts timeouts_;
};

}  // namespace greenlight::agentd
