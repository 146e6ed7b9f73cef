// A snapshot as a SQL file (`safeddl snapshot --to-file`): the rows of a snapshot table written
// as REPLACE statements that put them back by key when the file is loaded (`mariadb DB < FILE`),
// after a header with the snapshot's coordinates (source, WHERE, rows, checksum, binlog position,
// GTID, time; also as one JSON line) and the table's CREATE (IF NOT EXISTS).
//
// Values are written exactly (literal_rows.h), temporal ones in time zone +00:00 (the file sets
// it); generated columns are left out (the server computes them).
// Not thread-safe (the connection is not).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "common/result.h"
#include "mysql/connection.h"
#include "snapshot/catalog.h"

namespace safeddl::snapshot {

struct FileWritten {
  int64_t rows = 0;
  int64_t bytes = 0;
};

// Writes `record`'s rows (its table in the snapshot schema) to `path`, which must not exist: the
// file is written beside it under a temporary name, readable by its owner only, and renamed into
// place when complete. `progress` (may be empty) is told the rows written so far.
Result<FileWritten> WriteSnapshotFile(mysql::Connection& conn, const SnapshotRecord& record,
                                      const std::string& path,
                                      const std::function<void(int64_t)>& progress = nullptr);

}  // namespace safeddl::snapshot
