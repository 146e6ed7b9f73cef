// Load runs: a run of reversed updates sent as LOAD DATA LOCAL instead of SQL literals (pure).
// Parsing the literals of a multi-row statement is the largest part of the server's work when
// the executor undoes updates (docs/benchmarks.md); rows loaded as tab-separated fields into a
// session temporary table cost the server almost nothing, and one set-based
//   UPDATE tmp STRAIGHT_JOIN t ON key = tmp.key AND every comparable column <=> its current value
//     SET every other column = its target value
// both checks and changes the run: ROW_COUNT() must equal the run's length, or the block rolls
// back to a savepoint taken just before it and signals kRunRowsDiffer (nothing of the run
// changed: the executor replays it row by row, as for a failed check).
//
// The fields are the literals' own bytes, so the server stores exactly what the SQL statement
// would have: numbers as their text; strings, dates and times as the bytes the literal stands for
// (loaded with CHARACTER SET binary, so they land in the column's charset unconverted — the
// binlog's bytes); TIMESTAMP as the FROM_UNIXTIME argument through the same FROM_UNIXTIME in a
// SET clause; NULL as \N. A table loads only when every column has such a form (integers,
// DECIMAL, character and binary strings, TEXT/BLOB/JSON, DATE, TIME, DATETIME, TIMESTAMP); FLOAT,
// DOUBLE, BIT, YEAR, ENUM, SET and spatial columns keep the SQL path, and so does any run with
// a literal of another form (a zero TIMESTAMP, DEFAULT).
// Pure functions: thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "binlog/column_type.h"
#include "flashback/sql_writer.h"

namespace safeddl::flashback {

// Runs shorter than this go as SQL: loading costs two more round trips than the SQL block, which
// the server's saving repays only over many rows.
inline constexpr size_t kMinLoadRows = 100;

// The form of a column as the table map describes it.
LoadForm LoadFormOf(const binlog::ColumnDef& column);

// True when runs of reversed updates of `target` can load: a primary key and a form for every
// column.
bool TableLoads(const TableTarget& target);

// Appends one line for `op` (its current image, then its target image, as fields) to `out`.
// False, with `out` as it was, when a literal has no field form (the run takes the SQL path).
// REQUIRES: TableLoads(target).
bool AppendLoadLine(const TableTarget& target, const LiteralOp& op, std::string& out);

// The session temporary table a table's runs load into, in the table's database (one per
// target; `index` tells them apart).
std::string LoadTableName(const TableTarget& target, uint32_t index);

// CREATE TEMPORARY TABLE IF NOT EXISTS `name` (the target's column types, each twice: cN for the
// current image, tN for the target image), non-transactional (Aria) so emptying it survives a
// rollback to the savepoint.
std::string CreateLoadTableSql(const TableTarget& target, const std::string& table);

// LOAD DATA LOCAL INFILE ... INTO TABLE `name` of the lines AppendLoadLine wrote.
std::string LoadDataSql(const TableTarget& target, const std::string& table);

// The block's statements (for BlockSql) that apply a loaded run of `rows` rows and empty the
// table; `start` / `commit` as in RunStatements.
std::string LoadedRunStatements(const TableTarget& target, const std::string& table, size_t rows,
                                bool start, bool commit);

}  // namespace safeddl::flashback
