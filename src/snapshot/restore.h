// Restore: puts a snapshot's rows back into their table, by key — rows changed since are set
// back to the snapshot's values, rows deleted since are inserted again; rows the table gained
// since are counted and kept. Without `execute`, a dry run that only counts. Refused, with the
// column named, when the table's definition changed in a way the rows cannot follow (a column of
// the snapshot gone or of another type), and when putting a row back would collide with a
// different row on another UNIQUE key.
//
// The rows go back in key-ordered chunks (INSERT ... SELECT ... ON DUPLICATE KEY UPDATE, one
// short transaction each), so the table takes writes throughout; a write to a row between its
// chunk and the end is the application's and stays. Not thread-safe (one connection).
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
};

struct RestoreReport {
  SnapshotRecord snapshot;
  int64_t changed = 0;      // rows of the snapshot the table holds with other values
  int64_t deleted = 0;      // rows of the snapshot the table no longer holds
  int64_t added_since = 0;  // rows of the table (matching the snapshot's WHERE) it lacks
  bool executed = false;
  int64_t written = 0;  // rows put back (changed + deleted, with execute)
  // After an execute: rows still differing (0 unless the application changed them meanwhile).
  int64_t remaining = 0;
};

// REQUIRES: `conn` prepared with osc::PrepareSession (UTC, strict mode).
Result<RestoreReport> RestoreSnapshot(mysql::Connection& conn, const RestoreRequest& request);

}  // namespace safeddl::snapshot
