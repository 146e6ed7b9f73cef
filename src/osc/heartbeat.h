// Heartbeat: writes the primary's UTC time into the changelog table every
// --heartbeat-interval-millis, so replica lag can be read on each replica as the age of the row
// replication delivered there (Throttler). Owns its connection and thread; Stop() is idempotent.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include "common/result.h"
#include "mysql/connection.h"
#include "osc/migration_plan.h"

namespace safeddl::osc {

// The changelog table's definition (gh-ost's shape: hint -> value, one row per hint).
std::string ChangelogCreateStatement(const MigrationPlan& plan);
// Replica lag in milliseconds, measured on `replica` from the heartbeat row; without a changelog
// table in `plan` (a run that writes nothing to the primary, such as a rehearsal's copy), the
// replica's Seconds_Behind_Master, in whole seconds.
Result<int64_t> ReadHeartbeatLagMillis(mysql::Connection& replica, const MigrationPlan& plan);

class Heartbeat {
 public:
  static Result<std::unique_ptr<Heartbeat>> Start(const mysql::ConnectOptions& connect,
                                                  const MigrationPlan& plan,
                                                  std::chrono::milliseconds interval);
  ~Heartbeat() { Stop(); }
  void Stop();

 private:
  Heartbeat() = default;
  std::unique_ptr<mysql::Connection> conn_;
  std::string statement_;
  std::chrono::milliseconds interval_{100};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace safeddl::osc
