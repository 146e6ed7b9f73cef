#include "osc/load_thresholds.h"

#include <fmt/format.h>

#include "common/strings.h"

namespace safeddl::osc {

Result<LoadThresholds> ParseLoadThresholds(std::string_view text, std::string_view flag_name) {
  LoadThresholds out;
  if (TrimWhitespace(text).empty()) return out;
  for (const std::string& part : SplitString(text, ',')) {
    std::string_view item = TrimWhitespace(part);
    if (item.empty()) continue;
    const size_t eq = item.find('=');
    const std::string_view name =
        eq == std::string_view::npos ? "" : TrimWhitespace(item.substr(0, eq));
    const auto value = eq == std::string_view::npos
                           ? std::nullopt
                           : ParseInt64(TrimWhitespace(item.substr(eq + 1)));
    if (name.empty() || !value || *value < 0) {
      return InvalidArgumentError(
          fmt::format("{}: '{}' is not status_variable=threshold (example: Threads_running=50)",
                      flag_name, item));
    }
    for (char c : name) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') {
        return InvalidArgumentError(
            fmt::format("{}: '{}' is not a status variable name", flag_name, name));
      }
    }
    out[std::string(name)] = *value;
  }
  return out;
}

std::string FormatLoadThresholds(const LoadThresholds& thresholds) {
  std::vector<std::string> parts;
  for (const auto& [name, limit] : thresholds) parts.push_back(fmt::format("{}={}", name, limit));
  return JoinStrings(parts, ",");
}

std::string FirstExceeded(const LoadThresholds& thresholds,
                          const std::map<std::string, int64_t>& status) {
  for (const auto& [name, limit] : thresholds) {
    for (const auto& [status_name, value] : status) {
      if (EqualsIgnoreCase(name, status_name) && value >= limit) {
        return fmt::format("{}={} >= {}", name, value, limit);
      }
    }
  }
  return "";
}

}  // namespace safeddl::osc
