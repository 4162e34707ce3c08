// What `greenlight rollback APP GROUP` offers when no revision is named: the group's recent good
// revisions, newest first, each with when it was deployed, how long that took and by whom; and
// reading the operator's pick. Pure: the history's JSON (and the time) in, text out.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/clock.h"

namespace greenlight::cli {

struct RollbackChoice {
  std::string revision;      // sha256
  std::string deploymentId;  // the deployment that put it in place
  std::string endedAt;       // RFC 3339
  std::optional<long long> durationMs;
  std::string createdBy;
};

// From GET /v1/deployments?application=&group= (newest first): the revisions of Succeeded
// deployments older than the newest deployment (which a rollback undoes), each once, newest
// first, at most `limit`. The first is the one the server picks when none is named.
std::vector<RollbackChoice> rollbackChoices(const nlohmann::json& history, std::size_t limit);

// The numbered list, the first marked as the default:
//   "  1) 0123456789ab  2026-12-07 10:01:02 (5m ago)  took 3.200s  by admin  d-ABC  (default)"
std::string renderRollbackChoices(const std::vector<RollbackChoice>& choices, WallTime now);

// "Rolling back to the last good revision 0123456789ab (deployed 2026-12-07 10:01:02 by admin in d-ABC)."
std::string describeRollbackChoice(const RollbackChoice& choice, bool lastGood);

// The operator's answer to "which one?": Enter for the first (index 0), or a number from 1 to
// `count`; nullopt for anything else.
std::optional<std::size_t> parseRollbackAnswer(const std::string& answer, std::size_t count);

}  // namespace greenlight::cli
