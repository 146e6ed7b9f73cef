// Executor: applies the spooled flashback to a server, transaction by transaction, with the
// conflict check (TransactionApplier, transaction_applier.h, says how a transaction is applied).
//
// Small transactions are applied in groups: up to --group-transactions whole transactions of at
// most --batch-rows rows together go as one server transaction, their statements merged
// (multi-row statements cross their boundaries), so a hundred transactions of ten rows cost what
// one of a thousand rows does. The outcome is the one of applying them one by one — all of them
// were checked and all are applied — and a group is never weaker: it commits all or nothing.
// When a row of a group is not as recorded, the group is rolled back and its transactions go one
// by one, so a conflict stops (or skips, or forces) exactly the transaction it is in, with the
// ones before it applied. A transaction larger than a group goes on its own, streamed.
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
inline constexpr size_t kDefaultGroupTransactions = 100;

struct ExecuteOptions {
  SpoolOrder order = SpoolOrder::kNewestFirst;
  ConflictPolicy policy = ConflictPolicy::kStop;
  size_t run_rows = kDefaultRunRows;  // 1: every row on its own (no multi-row statements)
  size_t run_bytes = kDefaultRunBytes;
  // Whole transactions undone in one server transaction, at most (1: each its own); a group
  // holds at most run_rows rows and run_bytes bytes, or the transactions it started with.
  size_t group_transactions = kDefaultGroupTransactions;
  // Runs of updates go as LOAD DATA LOCAL into a temporary table plus one UPDATE (load_data.h)
  // where the table and the server allow; false: always as SQL literals.
  bool load_data = true;
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
  uint64_t groups = 0;         // groups of transactions applied as one server transaction
  uint64_t groups_split = 0;   // groups that met a row not as recorded and went one by one
  uint64_t runs_loaded = 0;    // runs of updates sent as LOAD DATA LOCAL (load_data.h)
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
