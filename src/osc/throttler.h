// Throttler: watches what should pause the migration — flag files, server load, the throttle
// query, replica lag read from heartbeats, a throttle asked for by command — every
// kThrottleCheckInterval on its own thread, and answers "throttled? why?" to the copy and apply
// loops. Critical load (re-checked after --critical-load-interval-millis) makes critical()
// non-OK: the migration aborts. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/result.h"
#include "mysql/connection.h"
#include "osc/migration_options.h"
#include "osc/migration_plan.h"
#include "osc/throttle_decision.h"

namespace safeddl::osc {

inline constexpr std::chrono::milliseconds kThrottleCheckInterval{100};

class Throttler {
 public:
  // Connects to the primary and to each replica to watch: --throttle-control-replicas, or the
  // replicas the primary lists (SHOW REPLICA HOSTS) when none are given.
  static Result<std::unique_ptr<Throttler>> Start(const mysql::ConnectOptions& primary,
                                                  const MigrationOptions& options,
                                                  const MigrationPlan& plan);
  ~Throttler() { Stop(); }
  void Stop();

  bool throttled() const;
  std::string reason() const;
  Status critical() const;
  void set_requested(bool on) { requested_.store(on); }
  // Seconds spent throttled so far.
  double throttled_seconds() const;
  std::vector<ReplicaLag> lags() const;
  std::vector<std::string> replicas() const { return replica_names_; }

 private:
  Throttler(const MigrationOptions& options, const MigrationPlan& plan)
      : options_(options), plan_(plan) {}
  void Loop();
  ThrottleInputs Observe();

  const MigrationOptions& options_;
  const MigrationPlan& plan_;
  std::unique_ptr<mysql::Connection> primary_;
  std::vector<std::unique_ptr<mysql::Connection>> replicas_;
  std::vector<std::string> replica_names_;
  std::atomic<bool> requested_{false};
  std::atomic<bool> stop_{false};
  std::thread thread_;

  mutable std::mutex mu_;
  ThrottleDecision decision_;
  std::vector<ReplicaLag> lags_;
  Status critical_;
  double throttled_ms_ = 0;
};

}  // namespace safeddl::osc
