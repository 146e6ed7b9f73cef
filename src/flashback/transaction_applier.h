// TransactionApplier: applies spooled flashback records to a server, each original transaction as
// one server transaction (a large one in several statements), with the conflict check: before a
// row is undone it must still hold what the binlog recorded.
//
// Rows go in runs (batch_sql.h): consecutive operations of one kind on one table, each on a
// different row, sent as one compound statement — a multi-row INSERT for reversed deletes, and
// for reversed inserts and updates first one locking read that checks every row of the run,
// then one DELETE ... WHERE key IN (..) or INSERT ... ON DUPLICATE KEY UPDATE. The block of a
// transaction's first run also starts the server transaction, the block of its last run commits
// it; a transaction that is a single run shares its block with the next such ones (up to 100,
// each between its START TRANSACTION and COMMIT), so small transactions cost a fraction of a
// round trip each. A run of at least kMinLoadRows updates of a table that loads goes instead as
// LOAD DATA LOCAL into a temporary table and one checking UPDATE (load_data.h): the same check,
// the same rows set, without the server parsing the values; the server runs such a run's UPDATE
// while the applier gathers the next one (on a second thread, which alone uses the connection
// until the outcome is taken; no other statement goes before it). Statements stay under a
// quarter of max_allowed_packet. A run is checked just before it changes
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
//
// Grouped: several whole transactions inside one server transaction that the caller opened and
// commits. Boundaries commit nothing and runs go on across them, so the rows of many small
// transactions merge into the same multi-row statements, and the runs go together in compound
// statements of up to run_bytes. The first thing that one by one would have to look into (a
// row not as recorded, a duplicate key, a row count) stops it with a status IsGroupDiffers()
// knows; the caller rolls the group back and applies it transaction by transaction.
// The connection and the targets must outlive the applier. Not thread-safe (it may use the
// connection from a thread of its own while a call of it has returned; see above).
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "flashback/executor.h"
#include "flashback/sql_writer.h"
#include "mysql/connection.h"

namespace safeddl::flashback {

// The message of the status a grouped applier stops with.
inline constexpr std::string_view kGroupDiffers =
    "safeddl: a row of the group is not as recorded";
bool IsGroupDiffers(const Status& s);

// What the appliers of one execution share about loading runs of updates (load_data.h).
// A temporary table is empty between runs: the block of a loaded run empties it whether it
// applies the run or signals a row not as recorded, and any other failure ends the execution.
struct LoadState {
  bool enabled = false;          // the session loads; turned off for good at the first refusal
  std::vector<uint8_t> created;  // per target: its temporary table exists
};

class TransactionApplier {
 public:
  // `run_bytes`: the byte limit of one multi-row statement (already fitted to the server's
  // max_allowed_packet). `report` is filled as records are applied. `load`: null, or how runs
  // of updates load (shared by the appliers of one execution, outliving them).
  TransactionApplier(const std::vector<TableTarget>& targets, mysql::Connection& conn,
                     const ExecuteOptions& options, uint64_t run_bytes, ExecuteReport& report,
                     bool grouped, LoadState* load);
  ~TransactionApplier();

  // One spool record, in spool order.
  Status Record(std::string_view bytes);
  // Sends what is still waiting. REQUIRES: the records given so far end a transaction.
  Status Finish();
  // Rolls back a transaction left open by an error.
  void Abandon();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace safeddl::flashback
