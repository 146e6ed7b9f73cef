// SQL writer: renders one row operation as one statement on one line (pure) —
//   INSERT INTO `d`.`t` (`id`, `v`) VALUES (1, 'x');
//   UPDATE `d`.`t` SET `v`='x' WHERE `id`=1 LIMIT 1;
//   DELETE FROM `d`.`t` WHERE `id`=1 LIMIT 1;
// WHERE by the RowLocator (primary key, unique key, else every comparable column with `<=>`);
// a row whose key columns are NULL falls back to all columns. UPDATE sets the columns that
// differ. Values by binlog::ToSqlLiteral (binary as hex, exact DECIMAL, fractional seconds;
// TIMESTAMP as FROM_UNIXTIME, exact under time_zone '+00:00', which SessionPreamble sets), except
// that latin1 text of printable ASCII is quoted rather than hex (the same value, half the bytes).
//
// Statements are rendered from a LiteralOp: the row images as SQL literals, column by column.
// The collector turns binlog row images into literals once (ImageLiterals); the spool keeps the
// literals; the SQL script and the executor render statements from them.
//
// For --execute there is also the guarded form — the same statement whose WHERE also requires
// every comparable column of the row to hold its recorded value, so it changes nothing when the
// row was changed since — and the locking read that tells what the row holds now.
// Pure functions: thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "binlog/column_naming.h"
#include "binlog/rows_event.h"
#include "binlog/table_map_event.h"
#include "common/result.h"
#include "flashback/row_locator.h"
#include "flashback/row_op.h"

namespace safeddl::flashback {

// How a column's literals become LOAD DATA fields (load_data.h); kNone: they do not.
enum class LoadForm : uint8_t { kNone, kNumber, kBytes, kEpoch };

// One table as the writer needs it: self-contained, so it outlives the table map it came from.
struct TableTarget {
  std::string quoted;                // `d`.`t`
  std::string quoted_database;       // `d`
  std::vector<std::string> columns;  // quoted column names, in table-map order
  std::vector<bool> comparable;      // per column: compared for equality (not FLOAT or DOUBLE)
  RowLocator locator;
  // The locator's index as FORCE INDEX names it: PRIMARY or the quoted unique key; empty when
  // rows are found by all columns.
  std::string key_index;
  // Row order inside one statement could matter (the table has triggers, or a foreign key to
  // itself): its updates and deletes are never merged into multi-row statements.
  bool order_sensitive = false;
  // Per column: how its literals load as LOAD DATA fields (load_data.h).
  std::vector<LoadForm> load_forms;
};

// Resolves the quoted names and the locator. FailedPrecondition when the columns have no names
// (no metadata and no fitting schema): a statement cannot name them.
Result<TableTarget> MakeTableTarget(const binlog::TableMapEvent& table,
                                    const binlog::ColumnNaming& naming,
                                    const std::vector<UniqueKey>& unique_keys);

// The SQL literal of every column of `image`, in table-map order. Unsupported when a column is
// absent (a partial row image cannot be written back exactly).
Status ImageLiterals(const binlog::ColumnNaming& naming, const binlog::RowImage& image,
                     std::vector<std::string>& out);

// A row operation with its images as SQL literals (views: what they point to must outlive the
// use). Both images are whole, or empty where the kind has none (current for inserts, target
// for deletes).
struct LiteralOp {
  OpKind kind = OpKind::kInsert;
  std::vector<std::string_view> current;  // the row as it must be now
  std::vector<std::string_view> target;   // the row as it is to become
};

// "NULL" is the only literal of SQL NULL.
inline bool IsNullLiteral(std::string_view literal) { return literal == "NULL"; }

// The image the operation finds its row by: the current row, or for inserts the row to be
// inserted.
inline const std::vector<std::string_view>& LocatedImage(const LiteralOp& op) {
  return op.kind == OpKind::kInsert ? op.target : op.current;
}

// True when `image` can be found by the locator's key: the table has a primary or unique key
// and none of its columns is NULL in `image`.
bool KeyUsable(const TableTarget& target, const std::vector<std::string_view>& image);

// True when column `i` is part of the locator's key.
bool IsKeyColumn(const TableTarget& target, uint32_t i);

// The statement (with ';') that performs `op`.
Result<std::string> RowOpSql(const TableTarget& target, const LiteralOp& op);

// Updates and deletes with the whole recorded current row in the WHERE clause (expect one
// affected row); inserts as RowOpSql (a duplicate key means the row is back already).
Result<std::string> GuardedRowOpSql(const TableTarget& target, const LiteralOp& op);

// SELECT (<row holds the recorded current image>) AS safeddl_matches, t.* FROM t WHERE <locate>
// LIMIT 1 FOR UPDATE — for inserts, locates the row to be inserted (any row found is a conflict).
Result<std::string> CurrentRowSql(const TableTarget& target, const LiteralOp& op);

// The locating condition, for reports: "`id`=1".
Result<std::string> LocateCondition(const TableTarget& target, const LiteralOp& op);

// Session settings under which the statements mean exactly what the binlog recorded: utf8mb4,
// UTC for FROM_UNIXTIME, and a sql_mode that accepts zero dates and keeps 0 in AUTO_INCREMENT
// columns. One statement per line.
std::string SessionPreamble();

}  // namespace safeddl::flashback
