// Multi-row statements for a run of row operations of one kind on one table: what the executor
// sends instead of one statement per row, one round trip per run or per few small transactions
// (pure) —
//   INSERT INTO t (cols) VALUES (..), (..);                    a run of reversed deletes
//   DELETE FROM t WHERE key IN (..);                           reversed inserts, after the check
//   INSERT INTO t (cols) VALUES (..), (..)
//     ON DUPLICATE KEY UPDATE c=VALUES(c), ..;                 reversed updates, after the check
// and the conflict check for a run of deletes or updates, one locking read:
//   SELECT COUNT(*) FROM t WHERE key IN (..)
//     AND ((c1, c2, ..) IN ((..), (..)) [AND cN IS NULL ..] OR ..) FOR UPDATE
// It counts the rows that hold their recorded current image in every comparable column (rows
// with NULLs are grouped by which columns are NULL: `=` never matches NULL). Every operation of
// a run has its own key (the run is cut where a key repeats), so a row matches at most one
// operation's image: the count equals the run's length exactly when every row holds what the
// binlog recorded, and the read has locked them all.
//
// A run goes inside a MariaDB compound statement (BEGIN NOT ATOMIC .. END, 10.1.1 and later):
// optionally START TRANSACTION, the check with SIGNAL when the count is short (nothing changed
// yet), the multi-row statement with SIGNAL when an INSERT or DELETE changed another number of
// rows than the run has, optionally COMMIT. One block may hold several small transactions, each
// its run between START TRANSACTION and COMMIT. An error stops the block where it happens.
//
// Which operations may join a run (MultiRowKindOf):
//  - inserts, on any table: a duplicate key fails the whole statement and changes nothing;
//  - deletes found by a primary or unique key with no NULL in it (and no FLOAT or DOUBLE column:
//    the count needs each image to name its row exactly);
//  - updates of a table with a primary key that keep the key: the row exists (the check locked
//    it), so INSERT .. ON DUPLICATE KEY UPDATE meets the primary key first and updates that
//    row in place, rows in the order given, with every column set to the recorded value.
// Updates and deletes of an order-sensitive table (triggers, a foreign key to itself) never do:
// a multi-row DELETE removes rows in key order, and ON DUPLICATE KEY UPDATE fires INSERT
// triggers. Everything else runs one row at a time (executor.h).
// Pure functions: thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "flashback/sql_writer.h"

namespace safeddl::flashback {

enum class MultiRowKind : uint8_t { kNone, kInsert, kDelete, kUpsert };

// How `op` on `target` can be merged with its neighbours; kNone: one row at a time.
MultiRowKind MultiRowKindOf(const TableTarget& target, const LiteralOp& op);

// The identity of the row `op` locates, for telling whether a run already has it: its key
// values, or all its comparable values when it has no usable key. Equal strings, same row.
std::string RowIdentity(const TableTarget& target, const LiteralOp& op);

// INSERT INTO t (cols) VALUES (..), ..; of the ops' target images.
std::string MultiRowInsertSql(const TableTarget& target, const std::vector<LiteralOp>& ops);

// The same, ON DUPLICATE KEY UPDATE every column that is not part of the primary key.
std::string MultiRowUpsertSql(const TableTarget& target, const std::vector<LiteralOp>& ops);

// DELETE FROM t WHERE key IN (..); of the ops' current images. REQUIRES: every key usable.
std::string MultiRowDeleteSql(const TableTarget& target, const std::vector<LiteralOp>& ops);

// The MESSAGE_TEXT of the block's SIGNALs: a row of the run does not hold its recorded image
// (nothing of the run was changed), and a multi-row INSERT or DELETE changed an unexpected number
// of rows (the transaction must be rolled back).
inline constexpr std::string_view kRunRowsDiffer = "safeddl: a row of the run is not as recorded";
inline constexpr std::string_view kRunRowCount = "safeddl: the run changed another number of rows";

// The statements of a run of `kind` for a compound statement (each with ' ' before and ';'
// after): the check above (counting into n) for deletes and updates, the multi-row statement
// and the SIGNALs; `start`: open the transaction first, `commit`: commit it at the end.
// REQUIRES: every op's key usable and distinct (MultiRowKindOf, RowIdentity).
std::string RunStatements(const TableTarget& target, MultiRowKind kind,
                          const std::vector<LiteralOp>& ops, bool start, bool commit);

// BEGIN NOT ATOMIC DECLARE n BIGINT;<statements> END — the variable the checks count into.
std::string BlockSql(std::string_view statements);

}  // namespace safeddl::flashback
