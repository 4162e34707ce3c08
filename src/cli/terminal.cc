// Terminal presentation helpers.
#include "cli/terminal.h"

#include <cstdio>

namespace greenlight::cli {

std::string padRight(const std::string& text, std::size_t width) {
  return text.size() >= width ? text + " " : text + std::string(width - text.size(), ' ');
}

std::string formatDuration(long long milliseconds) {
  char buffer[32];
  if (milliseconds < 60000) {
    std::snprintf(buffer, sizeof buffer, "%.3fs", static_cast<double>(milliseconds) / 1000.0);
  } else {
    std::snprintf(buffer, sizeof buffer, "%lldm%02llds", milliseconds / 60000, (milliseconds / 1000) % 60);
  }
  return buffer;
}

}  // namespace greenlight::cli
