// TakeSnapshot: copies the rows of a table (all, or those a WHERE selects) into a table of the
// snapshot schema, online and consistent at one binlog position, and records it in the catalog.
//
// It is osc's engine without the ALTER and the swap: the binlog capture starts first, the rows
// are copied in key-ordered chunks (osc::CopyChunkRows: a short locking read per chunk, NOWAIT,
// as safeddl alter copies), the captured changes are applied by key (osc::Applier), and once the
// copy is done the apply is brought exactly to the binlog's end as of then, P. Every row then
// holds its state at P: rows changed after their chunk was copied got their image as of P from
// the binlog. With a WHERE, rows are copied only when they match, changes are applied for every
// row, and at P the rows that do not match are removed: the snapshot is the rows that matched
// at P. P, its GTID position (BINLOG_GTID_POS), the row count and checksum go into the catalog.
//
// The copy is throttled like alter's (osc::Throttler): while replicas lag more than
// max_lag_millis (measured by heartbeats written into `h<id>_heartbeat` in the snapshot schema,
// dropped at the end), while --max-load is exceeded, or while the throttle flag file exists, no
// chunk is copied (captured changes are still applied); --critical-load aborts.
//
// Needs what alter needs: binlog_format=ROW, binlog_row_image=FULL, an InnoDB table with a
// PRIMARY or NOT NULL UNIQUE key. A failure drops the half-made snapshot. Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/result.h"
#include "mysql/connect_options.h"
#include "mysql/connection.h"
#include "osc/migration_options.h"
#include "schema/table_schema.h"
#include "snapshot/catalog.h"

namespace safeddl::snapshot {

struct SnapshotRequest {
  std::string database;
  std::string table;
  // A condition over the table's columns, as in `mariadb-dump --where`: the user's own SQL,
  // run on the user's own connection; refused when it holds a ';' or unbalanced parentheses.
  std::string where;
  // Only these columns, with the key's (a column snapshot: `alter --snapshot-column-data`); all
  // when empty. A restore of it sets those columns back in rows still there.
  std::vector<std::string> columns;
  int64_t chunk_size = 1000;
  uint32_t server_id = 0;  // the binlog is read as this server_id (must be unique)
  // What throttles the copy, with alter's meaning: max_lag_millis, max_load, critical_load,
  // throttle_flag_file, throttle_control_replicas, heartbeat_interval_millis.
  osc::MigrationOptions throttle;
};

// `progress` (may be empty) is told the rows copied so far, after each chunk.
Result<SnapshotRecord> TakeSnapshot(const mysql::ConnectOptions& connect,
                                    const SnapshotRequest& request,
                                    const std::function<void(int64_t)>& progress = nullptr);

// The comment a column snapshot's table carries (restore.h: rows deleted since are not put back).
inline constexpr std::string_view kColumnSnapshotComment = "safeddl column snapshot";

// What the catalog records of a snapshot's rows: COUNT(*) and the BIT_XOR of
// osc::RowChecksumExpression over `table`'s non-generated columns, for the rows `where` selects
// (all when empty). `q_table` is `table` quoted as the statement should name it.
struct RowsAndChecksum {
  int64_t rows = 0;
  std::string checksum;
  bool operator==(const RowsAndChecksum&) const = default;
};
Result<RowsAndChecksum> CountRowsAndChecksum(mysql::Connection& conn,
                                             const schema::TableSchema& table,
                                             const std::string& q_table, const std::string& where);

// The key a snapshot's rows are identified by: the primary key, else the first unique key of
// NOT NULL columns without a prefix part; nullptr when there is none.
const schema::Index* SnapshotKey(const schema::TableSchema& table);

// The checks on a --where text (exposed for tests): kInvalidArgument naming the problem.
Status CheckWhere(std::string_view where);

}  // namespace safeddl::snapshot
