// The lifecycle runner's seam to the load balancer in front of this host: BlockTraffic takes the
// instance out of it (and waits for its requests to drain), AllowTraffic puts it back (and waits
// for its health check to pass). The agent asks the server, which drives the balancer; a test
// gives a fake.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace greenlight::agent {

enum class TrafficEvent { Block, Allow };

// "BlockTraffic" or "AllowTraffic": the lifecycle event the call carries out.
std::string_view eventName(TrafficEvent event);

// The error code of a BlockTraffic or AllowTraffic event that failed (CodeDeploy reports its own
// load balancer failures as one code, with the cause in the message).
inline constexpr const char* kTrafficControlFailed = "TrafficControlFailed";

// Called on the runner's thread, one call at a time; an implementation need not be thread-safe.
// Not owned by the runner (LifecycleRequest::traffic is a non-owning pointer).
class TrafficControl {
 public:
  TrafficControl() = default;
  virtual ~TrafficControl() = default;
  TrafficControl(const TrafficControl&) = delete;
  TrafficControl& operator=(const TrafficControl&) = delete;

  // Carries out `event` for this host and returns only when it is done (or its time is up).
  // Returns what an operator should read in the event's record ("drained: no request in
  // flight"), or an error whose message says what the load balancer still reports and what to do.
  // May block for as long as the event's timeout.
  virtual Result<std::string> carryOut(TrafficEvent event) = 0;
};

}  // namespace greenlight::agent
