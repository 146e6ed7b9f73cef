#include "common/log.h"

#include <atomic>
#include <cstdio>
#include <mutex>

namespace safeddl {
namespace {

std::atomic<LogLevel> g_level{LogLevel::kInfo};
std::mutex g_mutex;

std::string_view Prefix(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug: ";
    case LogLevel::kWarning:
      return "warning: ";
    case LogLevel::kError:
      return "error: ";
    default:
      return "";
  }
}

}  // namespace

void SetLogLevel(LogLevel level) { g_level.store(level); }
LogLevel GetLogLevel() { return g_level.load(); }

void LogLine(LogLevel level, std::string_view message) {
  std::lock_guard<std::mutex> lock(g_mutex);
  fmt::print(stderr, "safeddl: {}{}\n", Prefix(level), message);
  std::fflush(stderr);
}

}  // namespace safeddl
