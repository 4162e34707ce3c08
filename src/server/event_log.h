// The server's operator log: one timestamped line per notable event, on stderr.
#pragma once

#include <string_view>

namespace greenlight::server {

// Thread-safe; lines from different threads never interleave.
void logEvent(std::string_view message);

}  // namespace greenlight::server
