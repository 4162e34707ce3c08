// Writes each line whole, under a lock, with an RFC 3339 timestamp.
#include "server/event_log.h"

#include <chrono>
#include <iostream>
#include <mutex>
#include <string>

#include "common/clock.h"

namespace greenlight::server {

void logEvent(std::string_view message) {
  static std::mutex mutex;
  std::string line = formatTimestamp(std::chrono::system_clock::now());
  line += ' ';
  line += message;
  line += '\n';
  std::lock_guard lock(mutex);
  std::cerr << line << std::flush;
}

}  // namespace greenlight::server
