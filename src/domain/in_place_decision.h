// The in-place strategy as a pure step function: given the policy and every target's state, which
// instances to start now, and whether the deployment goes on, has succeeded or has failed.
#pragma once

#include <string>
#include <vector>

#include "domain/in_place_policy.h"
#include "domain/target_state.h"

namespace greenlight::domain {

enum class InPlaceOutcome { Continue, Succeeded, Failed };
const char* toString(InPlaceOutcome outcome);

// The counts a decision was made from, for logs and the dashboard.
struct InPlaceCounts {
  InPlaceNumbers numbers;
  int healthy = 0;    // healthy and not being deployed: what keeps serving right now
  int inFlight = 0;   // InProgress
  int succeeded = 0;  // Succeeded or Ready, and still healthy
  int pending = 0;    // not started yet
};

struct InPlaceDecision {
  InPlaceOutcome outcome = InPlaceOutcome::Continue;
  std::vector<std::string> instancesToStart;  // in deployment order; only with Continue
  // When Failed: CodeDeploy's codes, "NO_INSTANCES", "HEALTH_CONSTRAINTS_INVALID" (could never
  // start) or "HEALTH_CONSTRAINTS" (cannot finish). Empty otherwise.
  std::string errorCode;
  std::string reason;  // always set, written for the operator
  InPlaceCounts counts;
};

// Called by the engine at the start and every time a target's status or health changes; the
// caller marks the returned instances InProgress before calling again. The same input always
// gives the same decision. On Failed, instances still in flight are left to the caller (to stop
// or to let finish); nothing more should be started.
//
// A target counts as healthy when its health is Healthy and it is Pending, Succeeded, Ready or
// Skipped; Failed and Unknown targets are unhealthy whatever their health says. A Succeeded
// target that has since turned Unhealthy no longer counts as a success.
InPlaceDecision decide(const InPlacePolicy& policy, const std::vector<TargetState>& targets);

}  // namespace greenlight::domain
