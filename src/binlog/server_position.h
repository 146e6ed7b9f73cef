// Where a live server's binlog ends now (SHOW MASTER STATUS): the start point of a capture, the
// stop point of a bounded read, and the sync point of a cut-over. Stateless; thread-safe as long
// as each thread uses its own connection.
#pragma once

#include <string_view>

#include "binlog/binlog_position.h"
#include "common/result.h"
#include "mysql/connection.h"

namespace safeddl::binlog {

// FailedPrecondition when the binlog is off (the message says how to turn it on).
Result<BinlogPosition> CurrentBinlogPosition(mysql::Connection& conn);

// The binlog position of the snapshot `conn`'s transaction was opened with (START TRANSACTION WITH
// CONSISTENT SNAPSHOT; MariaDB's binlog_snapshot_file/position): every transaction committed
// before it is in the snapshot, none after.
Result<BinlogPosition> SnapshotBinlogPosition(mysql::Connection& conn);

// The start of the oldest binlog file the server still holds (SHOW BINARY LOGS).
Result<BinlogPosition> OldestBinlogPosition(mysql::Connection& conn);

// FailedPrecondition when the server's binlog no longer holds `position` (its file was purged),
// naming it as `what` ("the swap's position"), with what to do.
Status CheckBinlogHolds(mysql::Connection& conn, const BinlogPosition& position,
                        std::string_view what);

}  // namespace safeddl::binlog
