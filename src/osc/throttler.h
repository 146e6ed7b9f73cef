// Throttler: watches what should pause the migration — flag files, server load, the throttle
// query, replica lag read from heartbeats, a throttle asked for by command — every
// kThrottleCheckInterval on its own thread (and --throttle-http's URL every
// --throttle-http-interval-millis on a second one, as a slow answer must not delay the rest), and
// answers "throttled? why?" to the copy and apply loops. Critical load (re-checked after
// --critical-load-interval-millis) makes critical() non-OK: the migration aborts. Thresholds, the
// throttle query and the replicas to watch are re-read from LiveSettings on every check (the
// control socket changes them). Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "mysql/connection.h"
#include "osc/live_settings.h"
#include "osc/migration_options.h"
#include "osc/migration_plan.h"
#include "osc/throttle_decision.h"

namespace safeddl::osc {

inline constexpr std::chrono::milliseconds kThrottleCheckInterval{100};

class Throttler {
 public:
  // Connects to the primary and to each replica to watch: --throttle-control-replicas, or the
  // replicas the primary lists (SHOW REPLICA HOSTS) when none are given. `plan` and `live` must
  // outlive the Throttler.
  static Result<std::unique_ptr<Throttler>> Start(const mysql::ConnectOptions& primary,
                                                  const MigrationOptions& options,
                                                  const MigrationPlan& plan, LiveSettings& live);
  ~Throttler() { Stop(); }
  void Stop();

  bool throttled() const;
  std::string reason() const;
  Status critical() const;
  // Seconds spent throttled so far.
  double throttled_seconds() const;
  // For work between its own steps (a snapshot's chunks, a rehearsal's reads): returns once not
  // throttled, with critical()'s error if the load turned critical. The first wait is logged as
  // "<who> throttled (<reason>)"; `meanwhile` (may be empty) runs every check interval.
  Status WaitWhileThrottled(std::string_view who,
                            const std::function<Status()>& meanwhile = nullptr) const;
  std::vector<ReplicaLag> lags() const;

 private:
  Throttler(const mysql::ConnectOptions& primary, const MigrationOptions& options,
            const MigrationPlan& plan, LiveSettings& live)
      : primary_options_(primary), options_(options), plan_(plan), live_(live) {}
  // Connects to each of `specs`; one that cannot be reached is kept without a connection (its
  // lag is unknown, which throttles) when `tolerate_unreachable`, else an error.
  Status ConnectReplicas(const std::vector<std::string>& specs, bool tolerate_unreachable);
  void Loop();
  void HttpLoop(std::chrono::milliseconds interval, std::chrono::milliseconds timeout);
  // HEADs the current --throttle-http URL (if any) and records the answer.
  void CheckHttpOnce(std::chrono::milliseconds timeout);
  // One check: observe, decide, record. `last` is the previous check's time.
  void CheckOnce(TimePoint& last);
  ThrottleInputs Observe();

  const mysql::ConnectOptions primary_options_;
  MigrationOptions options_;  // the throttler thread's copy, refreshed from live_ each check
  const MigrationPlan& plan_;
  LiveSettings& live_;
  uint64_t replicas_generation_ = 0;
  std::unique_ptr<mysql::Connection> primary_;
  std::vector<std::unique_ptr<mysql::Connection>> replicas_;  // null: not reachable
  std::vector<std::string> replica_names_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::thread http_thread_;

  mutable std::mutex mu_;
  ThrottleDecision decision_;
  std::vector<ReplicaLag> lags_;
  Status critical_;
  double throttled_ms_ = 0;
  std::string http_url_;  // the URL the last HTTP check was of
  std::optional<int> http_status_;
  std::string http_error_;
};

}  // namespace safeddl::osc
