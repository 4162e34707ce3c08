// The live view of `status --watch` and `deploy --wait` on a terminal, drawn as a tree the way
// Argo Rollouts' `get rollout --watch` draws one: deployment → fleet versions (blue/green) →
// instances → the current lifecycle event, with the step being waited on. Pure: JSON, the width
// and the time in, lines out; the watch loop (client_watch.cc) does the drawing.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/clock.h"

namespace greenlight::cli {

struct TreeOptions {
  std::size_t width = 80;  // columns: longer lines are cut, ending in "…"
  bool unicode = true;     // box-drawing and status symbols; plain ASCII when false
  bool colour = false;     // ANSI colours on the symbols and statuses
  // When the tree would be taller, the instances done, pending or skipped are folded into one
  // line per fleet (or deployment) that counts them; those running or failed stay. 0: no limit.
  std::size_t maxLines = 0;
};

// The tree of `deployment` (the Deployment schema of docs/openapi.yaml). `groupInstances` is the
// answer of GET /v1/applications/{app}/groups/{group}/instances, or null: with it, instances
// show whether their agent is online, and the fleets a deployment does not deploy to (the
// previous blue/green fleet) list their instances and revision. `now` ticks running durations.
//
//   ⟳ d-ABC123  sample/web  revision 0123456789ab  InProgress  1m05s  2/2 instances  blue/green canary-10
//   ├── ‖ step 2/3: pause, waiting for `greenlight continue d-ABC123`
//   ├── ✔ sample-web-v001  revision 89abcdef0123  90% ▕█████████░▏ serving  2/2 healthy
//   │   └── ✔ i-1 web-0:8001  online  Running
//   └── ⟳ sample-web-v002  revision 0123456789ab  10% ▕█░░░░░░░░░▏ new  2/2 healthy
//       ├── ✔ i-3 web-0:8003  online  Succeeded  4s
//       └── ⟳ i-4 web-1:8004  online  InProgress  5s
//           └── ⟳ ValidateService  running 2s
std::vector<std::string> renderDeploymentTree(const nlohmann::json& deployment, const nlohmann::json& groupInstances,
                                              WallTime now, const TreeOptions& options);

// At most `rows` lines: when there are more, the first rows-1 and "… N more lines".
std::vector<std::string> fitToHeight(std::vector<std::string> lines, std::size_t rows, bool unicode);

}  // namespace greenlight::cli
