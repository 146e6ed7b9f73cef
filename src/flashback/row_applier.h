// ApplyGuardedRow: one row operation on its own, inside the caller's open transaction, with the
// conflict check. Updates and deletes run in their guarded form (the whole recorded row in the
// WHERE clause; the row lock is taken by the statement itself); when one changes no row, a
// locking read (SELECT ... FOR UPDATE) tells whether the row holds the recorded image anyway (an
// update that changes nothing) or was changed since. An insert that hits a duplicate key is a
// conflict. What the executor does for rows that cannot join a multi-row run, and for the rows
// of a run whose check failed. The connection must outlive the call. Not thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "common/result.h"
#include "flashback/sql_writer.h"
#include "mysql/connection.h"

namespace safeddl::flashback {

struct GuardedRowResult {
  bool applied = false;
  std::string found;  // on a conflict: what the row holds now, or that it is missing / present
};

// Applies `op` to `target` through `conn`; adds the statements it sent to `statements`. Server
// errors other than the insert's duplicate key as they come.
Result<GuardedRowResult> ApplyGuardedRow(mysql::Connection& conn, const TableTarget& target,
                                         const LiteralOp& op, uint64_t& statements);

}  // namespace safeddl::flashback
