// SQL writer: renders a RowOp as one statement on one line (pure) —
//   INSERT INTO `d`.`t` (`id`, `v`) VALUES (1, 'x');
//   UPDATE `d`.`t` SET `v`='x' WHERE `id`=1 LIMIT 1;
//   DELETE FROM `d`.`t` WHERE `id`=1 LIMIT 1;
// WHERE by the RowLocator (primary key, unique key, else every comparable column with `<=>`);
// a row whose key columns are NULL or missing falls back to all columns. UPDATE sets the columns
// that differ. Values by binlog::ToSqlLiteral (binary as hex, exact DECIMAL, fractional seconds;
// TIMESTAMP as FROM_UNIXTIME, exact under time_zone '+00:00', which SessionPreamble sets).
//
// For --execute there is also the guarded form — the same statement whose WHERE also requires
// every comparable column of the row to hold its recorded value, so it changes nothing when the
// row was changed since — and the locking read that tells what the row holds now.
// Pure functions: thread-safe.
#pragma once

#include <string>

#include "binlog/column_naming.h"
#include "binlog/table_map_event.h"
#include "common/result.h"
#include "flashback/row_locator.h"
#include "flashback/row_op.h"

namespace safeddl::flashback {

// One table as the writer needs it. The pointers must outlive the writer's calls.
struct TableTarget {
  std::string quoted;  // `d`.`t`
  const binlog::TableMapEvent* table = nullptr;
  const binlog::ColumnNaming* naming = nullptr;
  RowLocator locator;
};

// Resolves the quoted name and the locator. FailedPrecondition when the columns have no names
// (no metadata and no fitting schema): a statement cannot name them.
Result<TableTarget> MakeTableTarget(const binlog::TableMapEvent& table,
                                    const binlog::ColumnNaming& naming,
                                    const std::vector<UniqueKey>& unique_keys);

// The statement (with ';') that performs `op`.
Result<std::string> RowOpSql(const TableTarget& target, const RowOp& op);

// Updates and deletes with the whole recorded current row in the WHERE clause (expect one
// affected row); inserts as RowOpSql (a duplicate key means the row is back already).
Result<std::string> GuardedRowOpSql(const TableTarget& target, const RowOp& op);

// SELECT (<row holds the recorded current image>) AS safeddl_matches, t.* FROM t WHERE <locate>
// LIMIT 1 FOR UPDATE — for inserts, locates the row to be inserted (any row found is a conflict).
Result<std::string> CurrentRowSql(const TableTarget& target, const RowOp& op);

// The locating condition, for reports: "`id`=1".
Result<std::string> LocateCondition(const TableTarget& target, const RowOp& op);

// Session settings under which the statements mean exactly what the binlog recorded: utf8mb4,
// UTC for FROM_UNIXTIME, and a sql_mode that accepts zero dates and keeps 0 in AUTO_INCREMENT
// columns. One statement per line.
std::string SessionPreamble();

}  // namespace safeddl::flashback
