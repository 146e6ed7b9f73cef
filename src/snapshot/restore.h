// Restore: puts a snapshot's rows back into their table, by key — rows changed since are set
// back to the snapshot's values, rows deleted since are inserted again; rows the table gained
// since are counted and kept. Without `execute`, a dry run that only counts. Refused, with the
// column named, when the table's definition changed in a way the rows cannot follow (a column of
// the snapshot gone or of another type), and when putting a row back would collide with a
// different row on another UNIQUE key.
//
// A column snapshot (take.h: SnapshotRequest::columns) sets its columns back in the rows the
// table still has, by key (UPDATE ... JOIN); it cannot bring deleted rows back, which it counts.
//
// The rows go back in key-ordered chunks (INSERT ... SELECT ... ON DUPLICATE KEY UPDATE, one
// short transaction each), so the table takes writes throughout; a write to a row between its
// chunk and the end is the application's and stays.
//
// With `replace_table` the whole table goes back instead: the rows are copied into a new table
// of the table's current definition (`_<t>_rst`), which is swapped in by one RENAME, and the
// table it replaces is kept as `_<t>_pre_restore`. Rows added since are not in it, nor any write
// made after the copy. Only for a snapshot of every row (no WHERE), and refused for a table with
// triggers or foreign keys (the RENAME would leave them on the kept table).
// Not thread-safe (one connection).
#pragma once

#include <cstdint>

#include "common/result.h"
#include "mysql/connection.h"
#include "snapshot/catalog.h"

namespace safeddl::snapshot {

struct RestoreRequest {
  uint64_t id = 0;
  bool execute = false;
  int64_t chunk_rows = 1000;
  // The rows to put back, in the snapshot schema: the snapshot's own table when empty, or the
  // snapshot brought forward to a point in time (point_in_time.h).
  std::string from_table;
  bool replace_table = false;
  int lock_wait_timeout_seconds = 10;  // the swap's wait for the table's metadata lock
};

struct RestoreReport {
  SnapshotRecord snapshot;
  int64_t changed = 0;      // rows of the snapshot the table holds with other values
  int64_t deleted = 0;      // rows of the snapshot the table no longer holds
  int64_t added_since = 0;  // rows of the table (matching the snapshot's WHERE) it lacks
  bool column_snapshot = false;  // only some columns: deleted rows are not put back
  bool executed = false;
  int64_t written = 0;  // rows put back (changed + deleted, with execute)
  // After an execute: rows still differing (0 unless the application changed them meanwhile).
  int64_t remaining = 0;
  // replace_table: where the table it replaced is kept (after an execute; its name before).
  std::string replaced_kept_as;
};

// REQUIRES: `conn` prepared with osc::PrepareSession (UTC, strict mode).
Result<RestoreReport> RestoreSnapshot(mysql::Connection& conn, const RestoreRequest& request);

}  // namespace safeddl::snapshot
