// Names of the traffic events.
#include "agent/traffic_control.h"

namespace greenlight::agent {

std::string_view eventName(TrafficEvent event) {
  return event == TrafficEvent::Block ? "BlockTraffic" : "AllowTraffic";
}

}  // namespace greenlight::agent
