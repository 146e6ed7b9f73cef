// Executor: applies the spooled flashback to a server, transaction by transaction, each in one
// server transaction, with the conflict check: before a row is undone it must still hold what
// the binlog recorded. Updates and deletes run in their guarded form (the whole recorded row in
// the WHERE clause; the row lock is taken by the statement itself); when it changes no row, a
// locking read (SELECT ... FOR UPDATE, inside the same transaction) tells whether the row holds
// the recorded image anyway (an update that changes nothing) or was changed since (a conflict).
// An insert that hits a duplicate key is a conflict. On a conflict the transaction is rolled
// back, so nothing of it is applied, and by policy the run stops (the default), skips that
// transaction, or forces the plain statement.
// The connection must outlive the call. Not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "flashback/reverse_spool.h"
#include "mysql/connection.h"

namespace safeddl::flashback {

enum class ConflictPolicy : uint8_t { kStop, kSkipTransaction, kForce };

struct ExecuteOptions {
  SpoolOrder order = SpoolOrder::kNewestFirst;
  ConflictPolicy policy = ConflictPolicy::kStop;
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
  std::vector<Conflict> conflicts;
};

// Applies the flashback. FailedPrecondition on a conflict under kStop (the message names the row;
// transactions before it stay applied, that one is rolled back); server errors as they come,
// after rolling back the open transaction. `report` is filled either way.
Status ExecuteFlashback(ReverseSpool& spool, mysql::Connection& conn, const ExecuteOptions& options,
                        ExecuteReport& report);

}  // namespace safeddl::flashback
