#include "common/clock.h"

#include <fmt/format.h>

#include <ctime>
#include <thread>

namespace safeddl {

void SystemClock::SleepFor(Duration d) { std::this_thread::sleep_for(d); }

SystemClock& SystemClock::Get() {
  static SystemClock clock;
  return clock;
}

double MillisBetween(TimePoint start, TimePoint end) {
  return std::chrono::duration<double, std::milli>(end - start).count();
}

std::string UtcTimestampNow() {
  const auto now = std::chrono::system_clock::now();
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(micros / 1000000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, micros % 1000000);
}

std::string HumanDuration(double seconds) {
  if (seconds < 0) seconds = 0;
  if (seconds < 1) return fmt::format("{}ms", static_cast<long>(seconds * 1000 + 0.5));
  if (seconds < 60) return fmt::format("{:.1f}s", seconds);
  const long total = static_cast<long>(seconds + 0.5);
  if (total < 3600) return fmt::format("{}m{:02}s", total / 60, total % 60);
  return fmt::format("{}h{:02}m", total / 3600, (total % 3600) / 60);
}

}  // namespace safeddl
