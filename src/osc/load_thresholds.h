// Parses gh-ost's --max-load / --critical-load syntax: "Threads_running=50,Threads_connected=500"
// (a bare number is not accepted: gh-ost requires name=value). Pure; thread-safe.
#pragma once

#include <string_view>

#include "common/result.h"
#include "osc/migration_options.h"

namespace safeddl::osc {

Result<LoadThresholds> ParseLoadThresholds(std::string_view text, std::string_view flag_name);

// Back to text: "Threads_connected=500,Threads_running=50" (empty for none).
std::string FormatLoadThresholds(const LoadThresholds& thresholds);

// The first status variable at or over its threshold, as "Threads_running=61 >= 50"; empty when
// none is. `status` maps variable names (any case) to their current values.
std::string FirstExceeded(const LoadThresholds& thresholds,
                          const std::map<std::string, int64_t>& status);

}  // namespace safeddl::osc
