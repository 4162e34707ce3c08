// Text views of a blue/green deployment's progress (the deployment's `blueGreen` member, see
// BlueGreenProgress in docs/openapi.yaml): the phase, the fleets, the traffic split as the load
// balancer reports it, the current traffic step and what the deployment waits for. Pure: JSON
// (and the time) in, text out. Everything reads as plain text: the bar is only a picture of the
// percentages printed beside it.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/clock.h"

namespace greenlight::cli {

// "Shifting (moving traffic to the new fleet)": the phase and what it means.
std::string phaseText(const std::string& phase);
// "10:04:12" from an RFC 3339 time (UTC, as every time the client prints).
std::string timeOfDay(const std::string& timestamp);

// "90%", "33.3%" (one decimal only when the share is not whole).
std::string percentText(double percent);

// "traffic: sample-web-v001 90% ▕█████████░▏ sample-web-v002 10%": the older fleets on the left,
// the new one on the right, the bar filled by the new fleet's share. "" when the load balancer
// reported nothing yet.
std::string renderTrafficSplit(const nlohmann::json& blueGreen);
// The same split without the bar, for log lines: "sample-web-v001 90%, sample-web-v002 10%".
std::string trafficSplitText(const nlohmann::json& blueGreen);

// "step 2 of 3: 10% to sample-web-v002, waiting for greenlight continue",
// "step 2 of 3: 10% to sample-web-v002, pausing until 10:04:12" (UTC, as every time the client
// prints). "" outside the Shifting phase or without steps.
std::string renderTrafficStep(const nlohmann::json& blueGreen);

// The block of the status view: phase, fleets, split, step, waiting (with how long is left
// against `now`, and the command to run when it waits for `greenlight continue`).
std::string renderBlueGreenBlock(const nlohmann::json& deployment, WallTime now);
// An in-place deployment's latest judgement between batches, and what it waits for ("" without).
std::string renderInPlaceBlock(const nlohmann::json& deployment);

// What `greenlight continue` prints: "Deployment d-X: InProgress, phase Shifting; step 3 of 3:
// 100% to sample-web-v002." and how to follow it.
std::string renderContinued(const nlohmann::json& deployment);

// The change lines of `describeChanges` for blue/green: one when the phase, the step or the
// traffic split changed from `previous` (null at first) to `current`, none otherwise.
std::vector<std::string> describeBlueGreenChanges(const nlohmann::json& previous,
                                                  const nlohmann::json& current);

}  // namespace greenlight::cli
