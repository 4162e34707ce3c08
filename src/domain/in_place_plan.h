// What an in-place deployment would do if every instance succeeded: the batches, in order, and
// the numbers behind them. Shown by `greenlight deploy --plan` before anything runs.
#pragma once

#include <string>
#include <vector>

#include "domain/in_place_decision.h"

namespace greenlight::domain {

struct InPlacePlan {
  std::string configName;
  InPlaceNumbers numbers;
  std::vector<std::vector<std::string>> batches;  // instance ids, each batch in deployment order
  bool feasible = true;
  std::string errorCode;  // when not feasible: as InPlaceDecision::errorCode
  std::string reason;     // when not feasible: why, and what to change
};

// Built by running `decide` in waves where every instance started or in flight succeeds, so the
// plan and the real deployment follow the same rules. Targets already Succeeded, Failed, etc. are
// taken as they are: a plan can be made for a deployment resumed halfway.
InPlacePlan planBatches(const InPlacePolicy& policy, const std::vector<TargetState>& targets);

}  // namespace greenlight::domain
