#include "osc/throttle_decision.h"

#include <fmt/format.h>

namespace safeddl::osc {

ThrottleDecision DecideThrottle(const ThrottleInputs& in, const MigrationOptions& options) {
  ThrottleDecision d;
  if (!in.critical_load_exceeded.empty()) {
    d.critical = true;
    d.critical_reason = "critical load: " + in.critical_load_exceeded;
  }
  auto set = [&d](std::string reason) {
    if (!d.throttle) {
      d.throttle = true;
      d.reason = std::move(reason);
    }
  };
  if (in.requested) set("throttled by command");
  if (in.flag_file_present) set("flag file " + options.throttle_flag_file + " exists");
  if (in.additional_flag_file_present) {
    set("flag file " + options.throttle_additional_flag_file + " exists");
  }
  if (!in.max_load_exceeded.empty()) set("max load: " + in.max_load_exceeded);
  if (in.throttle_query_value && *in.throttle_query_value > 0) {
    set(fmt::format("throttle query returned {}", *in.throttle_query_value));
  }
  if (!options.throttle_http.empty()) {
    if (in.http_status && *in.http_status != 200) {
      set(fmt::format("{} answered HTTP {}", options.throttle_http, *in.http_status));
    } else if (!in.http_status && !options.ignore_http_errors) {
      set(fmt::format("{} did not answer: {}", options.throttle_http,
                      in.http_error.empty() ? "no check yet" : in.http_error));
    }
  }
  for (const ReplicaLag& r : in.replica_lags) {
    if (!r.lag_ms) {
      set("replica " + r.replica + " lag unknown (no heartbeat read)");
    } else if (*r.lag_ms > options.max_lag_millis) {
      set(fmt::format("replica {} lag {}ms > {}ms", r.replica, *r.lag_ms, options.max_lag_millis));
    }
  }
  return d;
}

}  // namespace safeddl::osc
