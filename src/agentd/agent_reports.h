// What the agent tells the server, in the agent protocol's JSON: an EventReport per lifecycle
// event as it starts and ends, and the command's result with every event that ran.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "agent/deployment_record.h"

namespace greenlight::agentd {

inline constexpr std::size_t kLogTailBytes = 4096;

// {"event","status","startedAt","endedAt","errorCode","message","logTail"}; times RFC 3339 or
// null; the log tail is the event's last 4 KiB of output; notes (e.g. outputs left open) are
// appended to the message.
nlohmann::json eventReport(const agent::EventRecord& event);
// {"status":"Succeeded"|"Failed","errorCode","message","events":[...]}: events that never started
// (Pending after an earlier failure) are left out; one still InProgress is reported Failed.
nlohmann::json resultReport(const agent::DeploymentRecord& record);

}  // namespace greenlight::agentd
