// Executor: applies the spooled flashback to a server, transaction by transaction, each original
// transaction as one server transaction (a large one in several statements), with the conflict
// check: before a row is undone it must still hold what the binlog recorded.
//
// Rows go in runs (batch_sql.h): consecutive operations of one kind on one table, each on a
// different row, sent as one compound statement — a multi-row INSERT for reversed deletes, and
// for reversed inserts and updates first one locking read that checks every row of the run,
// then one DELETE ... WHERE key IN (..) or INSERT ... ON DUPLICATE KEY UPDATE. The block of a
// transaction's first run also starts the server transaction, the block of its last run commits
// it; a transaction that is a single run shares its block with the next such ones (up to 100,
// each between its START TRANSACTION and COMMIT), so small transactions cost a fraction of a
// round trip each. Statements stay under a quarter of max_allowed_packet. A run is checked just
// before it changes
// anything. A row that an earlier statement of the same transaction changed holds by then exactly
// the image the binlog recorded for this step (the statements replay the binlog's own order
// backwards), and a row no statement of the transaction touched yet is read under lock as it is
// now — so checking each run when it comes is the same as checking every row before the
// transaction starts; a conflict rolls the whole transaction back either way.
//
// When a run's check does not find every row as recorded, or its multi-row INSERT hits a
// duplicate key (the failed statement changes nothing), the run is replayed one row at a time
// (in a shared block: the transactions before it are committed, its own is open with nothing
// changed, and the ones after it go again):
// updates and deletes in their guarded form (the whole recorded row in the WHERE clause; the row
// lock is taken by the statement itself); when one changes no row, a locking read (SELECT ...
// FOR UPDATE, inside the same transaction) tells whether the row holds the recorded image anyway
// (an update that changes nothing) or was changed since (a conflict). An insert that hits a
// duplicate key is a conflict. Operations that cannot join a run (rows found by all columns,
// key changes, order-sensitive tables) always go this way, and so does everything on a server
// without compound statements (MySQL, MariaDB before 10.1.1). On a conflict the transaction is
// rolled back, so nothing of it is applied, and by policy the run stops (the default), skips
// that transaction, or forces the plain statement.
// The connection must outlive the call. Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "flashback/reverse_spool.h"
#include "flashback/sql_writer.h"
#include "mysql/connection.h"

namespace safeddl::flashback {

enum class ConflictPolicy : uint8_t { kStop, kSkipTransaction, kForce };

// Limits of one multi-row statement: rows, and bytes of the rows' encoded images.
inline constexpr size_t kDefaultRunRows = 1000;
inline constexpr size_t kDefaultRunBytes = 1 << 20;

struct ExecuteOptions {
  SpoolOrder order = SpoolOrder::kNewestFirst;
  ConflictPolicy policy = ConflictPolicy::kStop;
  size_t run_rows = kDefaultRunRows;  // 1: every row on its own (no multi-row statements)
  size_t run_bytes = kDefaultRunBytes;
};

struct Conflict {
  std::string transaction;  // the transaction's origin comment
  std::string row;          // which row ("`d`.`t` WHERE `id`=1 (the update at FILE:POS)")
  std::string found;        // what the row holds now, or that it is missing / present
};

struct ExecuteReport {
  uint64_t transactions_applied = 0;
  uint64_t transactions_skipped = 0;
  uint64_t rows_applied = 0;
  uint64_t rows_forced = 0;
  uint64_t statements = 0;     // statements sent for rows (checks, multi-row and single-row)
  uint64_t runs_replayed = 0;  // runs that went one row at a time after their check
  std::vector<Conflict> conflicts;
};

// Applies the flashback: the spool's kChange records, whose table indexes point into `targets`
// (Collector::targets()). FailedPrecondition on a conflict under kStop (the message names the
// row; transactions before it stay applied, that one is rolled back); server errors as they
// come, after rolling back the open transaction. `report` is filled either way.
Status ExecuteFlashback(ReverseSpool& spool, const std::vector<TableTarget>& targets,
                        mysql::Connection& conn, const ExecuteOptions& options,
                        ExecuteReport& report);

}  // namespace safeddl::flashback
