// A snapshot as a SQL file (`safeddl snapshot --to-file`): the rows of a snapshot table written
// as REPLACE statements that put them back by key when the file is loaded (`mariadb DB < FILE`),
// after a header with the snapshot's coordinates (source, WHERE, rows, checksum, binlog position,
// GTID, time; also as one JSON line) and the table's CREATE (IF NOT EXISTS).
//
// Values are written exactly: the server renders each column as a literal that stores the same
// value again — text as hex with its charset's introducer (_latin1 X'E9'), binary and spatial
// values as X'..', FLOAT through DOUBLE's 17 digits (FLOAT's own text drops digits), DOUBLE and
// DECIMAL and integers as the server prints them, BIT as its number, temporal values quoted in
// time zone +00:00 (the file sets it), INET6/UUID as text. Generated columns are left out (the
// server computes them). Read in key order, a bounded number of bytes at a time.
// Not thread-safe (the connection is not).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "common/result.h"
#include "mysql/connection.h"
#include "schema/table_schema.h"
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

// The SELECT expression that reads `column` as the text of an exact literal, or NULL for NULL
// (exposed for tests). Unsupported for a type it does not know.
Result<std::string> LiteralExpression(const schema::Column& column);

}  // namespace safeddl::snapshot
