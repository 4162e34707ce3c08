// The judgement between an in-place deployment's batches (catalog/analysis_spec.h): with a group
// analysis, an in-place deployment runs in whole batches, and after each batch but the last the
// group's checks compare the instances on the new revision with those still on the old one for
// analysis.batchSeconds before the next batch starts. Kept in the deployment's `in_place` column.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/analysis.h"
#include "engine/deployment_rows.h"

namespace greenlight::engine {

struct InPlaceJudgement {
  // One window per batch boundary; a window's stepIndex is the number of instances finished when
  // it opened (which names the boundary), trafficPercent the share of instances on the new revision.
  std::vector<AnalysisWindow> analyses;
  bool continueRequested = false;
  std::string waitingFor;  // "greenlight continue (inconclusive after batch 1)" or ""
  bool operator==(const InPlaceJudgement&) const = default;
};

nlohmann::json toJson(const InPlaceJudgement& judgement);
InPlaceJudgement inPlaceJudgementFromJson(const nlohmann::json& json);  // tolerant: defaults

// Where an in-place deployment with analysis stands between batches.
enum class BatchBoundary {
  None,     // not at a boundary: nothing has finished yet, a batch is in flight, or none is left
  Judging,  // at a boundary whose window has not ended (or waits for `continue`)
  Judged,   // at a boundary whose window passed, or was continued: the next batch may start
};

// The boundary the targets are at, and what the judgement says of it.
BatchBoundary batchBoundary(const std::vector<rows::TargetRow>& targets,
                            const InPlaceJudgement& judgement);

// The number of finished targets (Succeeded, Failed, Skipped, Ready, Unknown): the boundary's name.
int finishedTargets(const std::vector<rows::TargetRow>& targets);

}  // namespace greenlight::engine
