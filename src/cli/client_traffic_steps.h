// The `--steps` list of `greenlight config create` ("10,pause,50,pause=30s,100") as the API's
// Steps routing. Only the syntax is checked here; the server decides what a valid routing is.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace greenlight::cli {

// Items, comma-separated: N or N% sets the new fleet's weight (0 to 100); `pause` waits for
// `greenlight continue`; `pause=S` (or `pause=Ss`, `pause=Mm`) waits that long; `gate[continue
// webhook=URL every=10s timeout=5s deadline=1h on-deadline=stop]` (any of its words; `gate` alone is
// gate[continue]) holds the shift until continue and/or the webhook's 2xx. Answers the steps
// array: [{"setWeight": 10}, {"pause": {}}, {"pause": {"seconds": 30}}, ...]; an error naming the
// item that is not understood.
Result<nlohmann::json> parseTrafficSteps(const std::string& text);

}  // namespace greenlight::cli
