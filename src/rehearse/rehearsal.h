// `safeddl rehearse`: the ALTER run on a copy of the table on another server (a throwaway
// sandbox, or a test server the user gives) while the production table's writes are replayed
// there as they happen, to measure what the real run will cost before it is made.
//
// 0. With match_durability, the rehearsal server takes production's commit durability.
// 1. The production binlog position is taken, then the table is copied (clone.h: all rows or a
//    sample by key; production only serves short reads), paced like alter's copy by the user's
//    throttle flags (osc::Throttler: --max-load, flag files, --throttle-query/-http, replica lag
//    as Seconds_Behind_Master, since a rehearsal writes no heartbeat to production);
//    --critical-load stops it.
// 2. The replay starts from that position (mirror.h): the copy takes production's writes live.
// 3. The same ALTER, with the user's flags, runs on the copy (osc::Migrator, --execute).
// 4. The report: the ALTER's time and phases, its cut-over stall, the replayed writes' p99 and
//    worst latency, and the time extrapolated to the whole table (rows in production over rows
//    rehearsed).
// Production is never written. Not thread-safe.
#pragma once

#include <cstdint>

#include "common/result.h"
#include "mysql/connect_options.h"
#include "osc/migration_options.h"
#include "osc/migration_report.h"
#include "osc/migrator.h"
#include "rehearse/clone.h"
#include "rehearse/mirror.h"

namespace safeddl::rehearse {

struct RehearsalRequest {
  mysql::ConnectOptions production;
  mysql::ConnectOptions target;
  osc::MigrationOptions migration;  // the user's alter flags; run with execute
  double sample_percent = 100;
  uint32_t server_id = 0;  // the replay reads production's binlog as this server_id
  // Give the rehearsal server production's commit durability first (innodb_flush_log_at_trx_commit,
  // sync_binlog): a throwaway sandbox's fast settings would make the rehearsal faster than the
  // real run. Off for a test server of the user's, whose settings are left alone.
  bool match_durability = false;
  osc::Migrator::ProgressFn progress;
};

struct RehearsalReport {
  CloneResult clone;
  osc::MigrationReport alter;
  MirrorStats replay;
  int64_t production_rows = 0;  // information_schema's estimate
  double extrapolated_seconds = 0;
};

Result<RehearsalReport> Rehearse(const RehearsalRequest& request);

}  // namespace safeddl::rehearse
