// Timestamp formatting for records and logs.
#include "common/clock.h"

#include <cstdio>
#include <ctime>

namespace greenlight {

std::string formatTimestamp(WallTime time) {
  auto sinceEpoch = time.time_since_epoch();
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(sinceEpoch);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(sinceEpoch - seconds).count();
  std::time_t raw = static_cast<std::time_t>(seconds.count());
  std::tm utc{};
  ::gmtime_r(&raw, &utc);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(millis));
  return buffer;
}

WallTime parseTimestamp(const std::string& text) {
  std::tm utc{};
  int millis = 0;
  if (std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%d.%dZ", &utc.tm_year, &utc.tm_mon, &utc.tm_mday, &utc.tm_hour,
                  &utc.tm_min, &utc.tm_sec, &millis) < 6) {
    return WallTime{};
  }
  utc.tm_year -= 1900;
  utc.tm_mon -= 1;
  return std::chrono::system_clock::from_time_t(::timegm(&utc)) + std::chrono::milliseconds(millis);
}

}  // namespace greenlight
