// Copier: copies the original table's rows into the ghost in key-ordered chunks, from several
// connections at once. A ChunkPlanner cuts the key range into chunks (one cheap index read per
// chunk, in key order); workers copy chunks with CopyChunk:
//   INSERT IGNORE INTO ghost (...) SELECT ... FROM original FORCE INDEX (key)
//   WHERE key > lower AND key <= upper LOCK IN SHARE MODE NOWAIT
// The locking read sees the latest committed row, and IGNORE leaves rows the applier already
// wrote alone, so copy and binlog apply can run in any order without losing a row (DESIGN.md).
// NOWAIT: the copy never waits for a row lock the application holds, so it can never be part of
// a deadlock with the application's transactions (InnoDB would often pick the application's
// transaction as the victim); a chunk that meets a locked row is retried a moment later.
// Chunks are kept short (kTargetChunkTime) so an application write that meets the copy's shared
// locks waits a few milliseconds at most.
#pragma once

#include <cstdint>
#include <string>

#include "common/result.h"
#include "mysql/connection.h"
#include "osc/chunk_planner.h"
#include "osc/migration_plan.h"

namespace safeddl::osc {

struct ChunkResult {
  int64_t rows = 0;  // rows inserted (duplicates already in the ghost not counted)
  double millis = 0;
  int lock_conflicts = 0;  // attempts that met a row lock and were retried
  // The server warned of something other than rows the applier had already written (a value
  // converted, a row dropped over a UNIQUE key): the chunk may differ from the original, and the
  // checksum must compare it (changed_rows.h).
  bool unverified = false;
};

// Copies one chunk on `conn` (prepared with PrepareSession()). Retries lock conflicts itself;
// other errors are returned for the caller's retry policy. With `panic_on_warnings`, a warning
// other than a duplicate of the shared key (a row the applier already wrote) aborts. `filter`, when
// given, is a condition over the original's columns the copied rows must also meet (a snapshot's
// --where).
Result<ChunkResult> CopyChunkRows(mysql::Connection& conn, const MigrationPlan& plan,
                                  const KeyChunk& chunk, bool panic_on_warnings,
                                  const std::string& filter = "");

// The statement copying rows of the original matching `where_original` into the ghost.
std::string CopyStatement(const MigrationPlan& plan, const std::string& where_original,
                          bool nowait);

}  // namespace safeddl::osc
