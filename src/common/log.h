// Diagnostic logging to stderr for humans: "safeddl: warning: ...".
//
// Reports meant for machines (JSON) go to stdout through each command's own writer, never
// through this. The level is process-wide and set once by `cli/main.cc`; logging is thread-safe
// (one line per call, written under a mutex).
#pragma once

#include <fmt/format.h>

#include <string_view>

namespace safeddl {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3, kQuiet = 4 };

void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();
void LogLine(LogLevel level, std::string_view message);

template <typename... Args>
void LogDebug(fmt::format_string<Args...> f, Args&&... args) {
  if (GetLogLevel() <= LogLevel::kDebug)
    LogLine(LogLevel::kDebug, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void LogInfo(fmt::format_string<Args...> f, Args&&... args) {
  if (GetLogLevel() <= LogLevel::kInfo)
    LogLine(LogLevel::kInfo, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void LogWarning(fmt::format_string<Args...> f, Args&&... args) {
  if (GetLogLevel() <= LogLevel::kWarning)
    LogLine(LogLevel::kWarning, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void LogError(fmt::format_string<Args...> f, Args&&... args) {
  if (GetLogLevel() <= LogLevel::kError)
    LogLine(LogLevel::kError, fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace safeddl
