// Checkpoint: what a migration that died mid-way (kill -9, a lost client machine) needs to go on
// with `--resume`: how far the copy is (every row at or below the watermark is in the ghost), how
// far the binlog is applied (every change up to the position is in the ghost), and what the
// migration was (the ALTER, both tables' definitions) so a resume of something else is refused.
// Saved every few seconds as the one row of `_<t>_ghk`, next to the ghost it describes.
//
// Why resuming from it is exact: replaying row images from an earlier binlog position is
// idempotent (each change sets a row to its full after image, or deletes it, in commit order), and
// a chunk copied again leaves rows already in the ghost alone (INSERT IGNORE); the checksum before
// the swap proves the result either way. Functions are thread-compatible (one connection each).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "binlog/binlog_position.h"
#include "common/result.h"
#include "mysql/connection.h"
#include "osc/migration_plan.h"

namespace safeddl::osc {

struct Checkpoint {
  std::string alter;                        // --alter as given
  std::string original_create;              // TableDefinition() of the original
  std::string ghost_create;                 // TableDefinition() of the ghost
  std::vector<std::string> copy_watermark;  // canonical key text; empty: nothing copied yet
  bool copy_done = false;
  binlog::BinlogPosition applied;
  int64_t rows_copied = 0;
  int64_t changes_applied = 0;
  // The ghost's indexes left out during the copy, built after it (deferred_indexes.h).
  std::vector<std::string> deferred_indexes;
};

std::string CheckpointCreateStatement(const MigrationPlan& plan);
Status SaveCheckpoint(mysql::Connection& conn, const MigrationPlan& plan, const Checkpoint& c);
// NotFound when there is no checkpoint table or it is empty.
Result<Checkpoint> LoadCheckpoint(mysql::Connection& conn, const MigrationPlan& plan);

// The exact position of an apply that records it in the transaction of each batch
// (Applier::RecordAppliedIn), as the one row of plan.q_applied: a resume from it replays nothing
// twice. A revert needs that: replaying a key change again would not find the row it moves, and
// the columns the apply keeps would be lost. `label` names the run the position belongs to.
std::string AppliedPositionCreateStatement(const MigrationPlan& plan);
std::string SaveAppliedPositionStatement(const MigrationPlan& plan, const std::string& label,
                                         const binlog::BinlogPosition& position);
// nullopt when there is no such table or it holds no position of `label`.
Result<std::optional<binlog::BinlogPosition>> LoadAppliedPosition(mysql::Connection& conn,
                                                                  const MigrationPlan& plan,
                                                                  const std::string& label);

// Refuses a resume whose checkpoint does not describe this migration, or whose binlog position
// the server no longer has; the message says what differs and what to do.
Status CheckResumable(const Checkpoint& saved, const Checkpoint& now,
                      const std::vector<std::string>& binlog_files);

}  // namespace safeddl::osc
