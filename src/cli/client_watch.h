// Following a deployment to its end with the watch long-poll: a live tree on a terminal, one
// plain line per change otherwise (CI logs), reconnecting with backoff when the server is away.
#pragma once

#include <chrono>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/client_session.h"

namespace greenlight::cli {

struct FollowOptions {
  bool liveView = false;       // redraw a tree in place (stdout is a terminal)
  bool colour = false;
  bool unicode = false;        // box-drawing characters and symbols (the locale is UTF-8)
  // The live view's size; 0 reads the terminal's at each frame (so a resize is followed).
  std::size_t columns = 0;
  std::size_t rows = 0;
  int pollWaitSeconds = 20;    // how long the server may hold each watch request
  // First wait before trying again after losing the server; doubles up to 10 s.
  std::chrono::milliseconds initialBackoff{500};
  // Give up after the server has been unreachable this long without a break.
  std::chrono::seconds reconnectLimit = std::chrono::minutes(10);
};

// FollowOptions for this process: live view and colour when stdout is a terminal (and NO_COLOR
// is unset), Unicode when the locale is UTF-8, shorter polls then so running durations tick.
FollowOptions followOptionsForTerminal();

// Follows deployment `id` until it is final; prints as it goes (nothing but the final deployment
// with --output json), then the summary. Off a terminal each change line starts with the time
// it was seen (UTC); the live view never leaves a redraw escape in a file. Returns 0 Succeeded, 4 Failed, 5 Stopped, 1 on error.
int followDeployment(ClientSession& session, ApiClient& client, const std::string& id,
                     const FollowOptions& options);

}  // namespace greenlight::cli
