// The throttling rule of an online ALTER, as a pure function of what was observed: flag files,
// --max-load, --critical-load, --throttle-query, --throttle-http, replica lag against --max-lag-millis, and a
// throttle asked for on the control socket. gh-ost's semantics. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "osc/migration_options.h"

namespace safeddl::osc {

struct ReplicaLag {
  std::string replica;            // "127.0.0.1:3311"
  std::optional<int64_t> lag_ms;  // nullopt: could not be measured (counts as too far behind)
};

struct ThrottleInputs {
  bool flag_file_present = false;             // --throttle-flag-file
  bool additional_flag_file_present = false;  // --throttle-additional-flag-file
  std::string max_load_exceeded;              // FirstExceeded() of --max-load
  std::string critical_load_exceeded;         // FirstExceeded() of --critical-load
  std::optional<int64_t> throttle_query_value;
  // The last answer of --throttle-http's URL: its status code, or why there was none.
  std::optional<int> http_status;
  std::string http_error;
  std::vector<ReplicaLag> replica_lags;
  bool requested = false;  // "throttle" on the control socket
};

struct ThrottleDecision {
  bool throttle = false;
  std::string reason;     // first reason found, e.g. "replica 127.0.0.1:3311 lag 2300ms > 1500ms"
  bool critical = false;  // --critical-load exceeded: abort (after the interval re-check)
  std::string critical_reason;
};

ThrottleDecision DecideThrottle(const ThrottleInputs& in, const MigrationOptions& options);

}  // namespace safeddl::osc
