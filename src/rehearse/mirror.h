// The production table's writes replayed on the rehearsal's copy as they happen: osc's binlog
// capture on the production server (from a position taken before the copy, so that copy and
// replay cannot miss a row, as in an online ALTER) and osc's applier on the rehearsal server, by
// key. The copy then takes the same writes, at the same rate, as the table in production while
// the rehearsed ALTER runs on it. Each apply is timed: its p99 is the write latency the
// application would have seen, cut-over stall included.
//
// A write that no longer fits the copy once the ALTER has swapped it (a dropped column) ends the
// replay; that is reported, not an error. Thread-safe: Start and Stop from one thread, the replay
// runs on its own.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "binlog/binlog_position.h"
#include "common/result.h"
#include "mysql/connect_options.h"
#include "mysql/connection.h"
#include "osc/applier.h"
#include "osc/change_capture.h"
#include "osc/migration_plan.h"

namespace safeddl::rehearse {

struct MirrorStats {
  int64_t row_changes = 0;
  int64_t applies = 0;
  double p99_ms = 0;
  double max_ms = 0;
  std::string ended_by;  // why the replay ended before Stop(), "" when it did not
};

class Mirror {
 public:
  static Result<std::unique_ptr<Mirror>> Start(const mysql::ConnectOptions& source,
                                               uint32_t server_id,
                                               const mysql::ConnectOptions& target,
                                               const std::string& db, const std::string& table,
                                               const binlog::BinlogPosition& from);
  ~Mirror();
  // Ends the replay and returns what it did.
  MirrorStats Stop();

 private:
  Mirror() = default;
  void Loop();

  osc::MigrationPlan plan_;
  std::unique_ptr<mysql::Connection> target_;
  std::unique_ptr<osc::Applier> applier_;
  std::unique_ptr<osc::ChangeCapture> capture_;
  std::atomic<bool> stop_{false};
  std::vector<double> latencies_ms_;
  MirrorStats stats_;
  std::thread thread_;
};

}  // namespace safeddl::rehearse
