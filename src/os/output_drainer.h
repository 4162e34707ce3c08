// Keeps a hook's output pipe read after greenlight stops listening, so that a daemon the hook
// left behind can write to its stdout/stderr for as long as it lives without SIGPIPE or blocking.
#pragma once

#include "os/unique_fd.h"

namespace greenlight::os {

// Hands `readEnd` to a detached drainer process (its own session, not our child, so never our
// zombie) that reads and discards until every writer is gone. Takes the descriptor either way;
// returns false when no drainer could be started (the descriptor is then closed).
bool handOffToDrainer(UniqueFd readEnd);

}  // namespace greenlight::os
