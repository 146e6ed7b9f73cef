// CutOver: the atomic swap of the original and the ghost table on MariaDB, by the sentry-table
// method (DESIGN.md), one attempt at a time:
//   1. lock connection: CREATE TABLE <old> (the sentry); LOCK TABLES <t> WRITE, <old> WRITE
//   2. read the binlog position P; wait until the applier has applied everything before P; then
//      the optional prepare_ghost hook (the triggers)
//   3. rename connection: RENAME TABLE <t> TO <old>, <ghost> TO <t> (and <old> TO the plan's
//      q_rename_old_to when set) — it queues behind the lock
//   4. lock connection: see the rename waiting; DROP TABLE <old>; wait until the rename holds the
//      ghost's lock (its request for <t> is then queued ahead of every writer); UNLOCK TABLES
// If either connection dies, the sentry makes the rename fail and the original stays in place;
// every lock wait is bounded by lock_wait_timeout. The write stall is from step 1's lock to the
// rename. Not thread-safe: the Migrator runs one attempt at a time.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "common/result.h"
#include "mysql/connect_options.h"
#include "osc/binlog_position.h"
#include "osc/migration_plan.h"

namespace safeddl::osc {

struct CutOverHooks {
  // Waits (at most `timeout`) until every change before `position` is applied to the ghost and
  // holds the applier there; false on time-out.
  std::function<bool(const BinlogPosition& position, std::chrono::milliseconds timeout)>
      sync_applier_to;
  // Lets the applier continue after a failed attempt.
  std::function<void()> release_applier;
  // Optional. Runs with writes locked and the applier held, right before the rename (creates the
  // triggers on the ghost); a failure ends the attempt. `undo_prepare_ghost` reverses it when the
  // attempt fails after it, before the applier is released.
  std::function<Status()> prepare_ghost;
  std::function<void()> undo_prepare_ghost;
  // Optional. Runs last before the rename, with writes locked, with the position P the ghost is
  // synced to (every change to the original is before P; after P the table's row events are the
  // new table's): records what a revert needs. A failure ends the attempt.
  std::function<Status(const BinlogPosition& position)> before_rename;
};

struct CutOverAttempt {
  bool swapped = false;
  double stall_ms = 0;  // writes to the table blocked from the lock to the rename
  std::string failure;  // why the attempt did not swap (the original is untouched)
  BinlogPosition position;  // P: the binlog position read under the write lock
};

// One attempt. A non-OK Status means something unexpected (e.g. the sentry could not be dropped);
// a failed but clean attempt returns swapped=false with the reason.
Result<CutOverAttempt> AttemptCutOver(const mysql::ConnectOptions& connect,
                                      const MigrationPlan& plan, std::chrono::seconds lock_timeout,
                                      const CutOverHooks& hooks);

// The oldest open transactions, which may hold the table's metadata lock (for messages):
// "connection 42 (app@10.0.0.7, idle in a transaction for 95s, 3 rows modified)", or empty.
std::string DescribeTableLockHolders(const mysql::ConnectOptions& connect);

}  // namespace safeddl::osc
