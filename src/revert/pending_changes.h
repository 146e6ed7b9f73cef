// How much a revert's catch-up has to replay: the table's row changes in the binlog from the
// swap's position to the server's current end, counted by reading them the way the catch-up will
// (osc::ChangeCapture). Refuses when the binlog no longer holds the swap's position.
// Not thread-safe (one connection; the capture has its own).
#pragma once

#include <cstdint>

#include "binlog/binlog_position.h"
#include "binlog/server_event_source.h"
#include "common/result.h"
#include "mysql/connection.h"
#include "osc/migration_plan.h"

namespace safeddl::revert {

struct PendingChanges {
  int64_t inserts = 0;
  int64_t updates = 0;
  int64_t deletes = 0;
  int64_t transactions = 0;      // transactions that changed the table
  uint64_t binlog_bytes = 0;     // binlog written since the swap, all tables
  binlog::BinlogPosition until;  // the server's end when counted
  double read_seconds = 0;

  int64_t rows() const { return inserts + updates + deletes; }
};

// `source` carries the connection and replica server id for the binlog stream.
Result<PendingChanges> CountPendingChanges(mysql::Connection& conn,
                                           binlog::ServerSourceOptions source,
                                           const osc::MigrationPlan& plan,
                                           const binlog::BinlogPosition& from);

}  // namespace safeddl::revert
