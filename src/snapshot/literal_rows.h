// A table's rows as tuples of exact literals, read in key order a bounded number of bytes at a
// time: what a snapshot file holds (to_file.h), and what a snapshot taken from a replica
// (from_replica.h) or a rehearsal's copy (rehearse/clone.h) sends to another server.
//
// Each column is read as the text of a literal that stores the same value again: text as hex with
// its charset's introducer (_latin1 X'E9'), binary and spatial values as X'..', FLOAT through
// DOUBLE's 17 digits, DOUBLE, DECIMAL and integers as the server prints them, BIT as its number,
// temporal values quoted (the reading session's time zone: set +00:00 and write them back in
// +00:00), INET6/UUID as text. Generated columns are left out. Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/result.h"
#include "mysql/connection.h"
#include "schema/table_schema.h"

namespace safeddl::snapshot {

// The SELECT expression that reads `column` as the text of an exact literal, or NULL for NULL.
// Unsupported for a type it does not know.
Result<std::string> LiteralExpression(const schema::Column& column);

// One batch of rows: "(v1,v2,...)" each, in key order.
using LiteralRowsSink = std::function<Status(const std::vector<std::string>& tuples)>;

struct LiteralRowsRead {
  std::vector<std::string> columns;  // the quoted column names the tuples hold, in order
  int64_t rows = 0;
};

// Reads the rows of `db`.`table` (those `where` selects, when given) in the order of its snapshot
// key (take.h: SnapshotKey) and hands them to `sink` batch by batch. `columns_known` (may be
// empty) is told the column list before the first batch.
Result<LiteralRowsRead> ReadLiteralRows(
    mysql::Connection& conn, const std::string& db, const std::string& table,
    const std::string& where, const LiteralRowsSink& sink,
    const std::function<Status(const std::vector<std::string>& columns)>& columns_known = nullptr);

// Copies the rows of `db`.`table` on `from` (those `where` selects) into `into` (a quoted table
// name) on `to`, as INSERT statements of exact literals, about 1 MiB each. Both sessions are set to
// time zone +00:00, and `to` to a strict sql_mode with NO_AUTO_VALUE_ON_ZERO (a 0 in an
// AUTO_INCREMENT column stays 0). `between_reads` (may be empty) runs after each read from
// `from`, before the next: a throttle's wait; its error stops the copy. Returns the rows copied.
Result<int64_t> CopyLiteralRows(mysql::Connection& from, const std::string& db,
                                const std::string& table, const std::string& where,
                                mysql::Connection& to, const std::string& into,
                                const std::function<Status()>& between_reads = nullptr);

// Groups tuples into statements `prefix` + "(..),\n(..)" of about 1 MiB at most (well under the
// client's max_allowed_packet), handing each complete statement to `emit`.
class StatementBatcher {
 public:
  StatementBatcher(std::string prefix, std::function<Status(const std::string&)> emit)
      : prefix_(std::move(prefix)), emit_(std::move(emit)) {}
  Status Add(const std::string& tuple);
  Status Flush();

 private:
  std::string prefix_;
  std::function<Status(const std::string&)> emit_;
  std::string statement_;
  size_t tuples_ = 0;
};

}  // namespace safeddl::snapshot
