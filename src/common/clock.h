// Time: a replaceable clock seam, plus helpers for wall-clock and monotonic readings.
//
// Code that waits, times out or measures durations takes a `Clock&` so tests can substitute a
// fake one. SystemClock is stateless and thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace safeddl {

using Duration = std::chrono::steady_clock::duration;
using TimePoint = std::chrono::steady_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
  virtual void SleepFor(Duration d) = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::steady_clock::now(); }
  void SleepFor(Duration d) override;
  // A process-wide instance.
  static SystemClock& Get();
};

// Milliseconds (fractional) between two steady-clock readings.
double MillisBetween(TimePoint start, TimePoint end);
// Seconds (fractional) from a steady-clock reading until now.
double SecondsSince(TimePoint start);

// The current UTC wall-clock time as ISO 8601 with microseconds: "2026-11-22T08:12:59.123456Z".
std::string UtcTimestampNow();

// "1.2s", "340ms", "3m05s", "2h01m": compact durations for human reports.
std::string HumanDuration(double seconds);

// A duration as people write it on a command line: "90s", "30m", "2h", "1h30m", "1d", or a plain
// number of seconds. nullopt when it is not one (or is zero).
std::optional<std::chrono::seconds> ParseDurationText(std::string_view text);

// A duration flag's value: ParseDurationText's forms, or "0"/"0s"; InvalidArgument naming
// `flag` otherwise.
Result<std::chrono::seconds> ParseDurationFlag(std::string_view flag, std::string_view text);

}  // namespace safeddl
