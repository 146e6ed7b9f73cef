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

double SecondsSince(TimePoint start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
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

std::optional<std::chrono::seconds> ParseDurationText(std::string_view text) {
  int64_t total = 0;
  size_t i = 0;
  if (text.empty()) return std::nullopt;
  while (i < text.size()) {
    int64_t n = 0;
    const size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      n = n * 10 + (text[i] - '0');
      if (n > 100000000) return std::nullopt;
      ++i;
    }
    if (i == start) return std::nullopt;
    if (i == text.size()) {
      if (start != 0) return std::nullopt;  // "1h30" is not a duration
      total = n;
      break;
    }
    switch (text[i++]) {
      case 'd':
        total += n * 86400;
        break;
      case 'h':
        total += n * 3600;
        break;
      case 'm':
        total += n * 60;
        break;
      case 's':
        total += n;
        break;
      default:
        return std::nullopt;
    }
  }
  if (total <= 0) return std::nullopt;
  return std::chrono::seconds(total);
}

std::string HumanDuration(double seconds) {
  if (seconds < 0) seconds = 0;
  if (seconds < 1) return fmt::format("{}ms", static_cast<long>(seconds * 1000 + 0.5));
  if (seconds < 60) return fmt::format("{:.1f}s", seconds);
  const long total = static_cast<long>(seconds + 0.5);
  if (total < 3600) return fmt::format("{}m{:02}s", total / 60, total % 60);
  return fmt::format("{}h{:02}m", total / 3600, (total % 3600) / 60);
}

Result<std::chrono::seconds> ParseDurationFlag(std::string_view flag, std::string_view text) {
  if (text == "0" || text == "0s") return std::chrono::seconds(0);
  std::optional<std::chrono::seconds> d = ParseDurationText(text);
  if (!d) {
    return InvalidArgumentError(
        fmt::format("{} '{}' is not a duration (e.g. 30s, 10m, 1h30m)", flag, text));
  }
  return *d;
}

}  // namespace safeddl
