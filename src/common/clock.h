// Time behind an interface, so tests can run on a simulated clock.
#pragma once

#include <chrono>
#include <string>

namespace greenlight {

using WallTime = std::chrono::system_clock::time_point;

// Thread-safe implementations only.
class Clock {
 public:
  virtual ~Clock() = default;
  Clock() = default;
  Clock(const Clock&) = delete;
  Clock& operator=(const Clock&) = delete;
  virtual WallTime now() const = 0;
};

class SystemClock final : public Clock {
 public:
  WallTime now() const override { return std::chrono::system_clock::now(); }
};

// RFC 3339 in UTC with milliseconds: 2026-11-22T02:18:10.123Z
std::string formatTimestamp(WallTime time);
// Parses what formatTimestamp writes; returns the epoch when it cannot.
WallTime parseTimestamp(const std::string& text);

}  // namespace greenlight
