// Checksum: proves the ghost holds what the original holds before the swap.
//
// Both tables are read in one consistent snapshot (REPEATABLE READ) opened at a moment when the
// applier had applied every change up to the same binlog point (see
// Migrator::ChecksumUntilClean), on several connections that all opened it in that moment. The
// original's key space is cut into ranges (ChunkPlanner); per range, COUNT(*) and
// BIT_XOR of a per-row hash over the shared columns (a converted column through its conversion,
// checksum_columns.h) are compared, ranges spread over the connections. Ranges that differ are
// reported for re-copy. CompareChanged compares the same sums over only the rows that can differ
// (changed_rows.h says why those are enough).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "mysql/connection.h"
#include "osc/changed_rows.h"
#include "osc/migration_plan.h"

namespace safeddl::osc {

struct ChecksumResult {
  int64_t ranges = 0;
  int64_t rows_original = 0;
  int64_t rows_ghost = 0;
  std::vector<KeyRangeBounds> differing;
  int64_t keys = 0;            // CompareChanged: keys compared
  int64_t differing_keys = 0;  // CompareChanged: keys in the batches that differ
  bool clean() const {
    return differing.empty() && differing_keys == 0 && rows_original == rows_ghost;
  }
};

// REQUIRES: every connection is inside the same snapshot; at least two: the first plans the
// ranges, the others compare them, one thread each.
Result<ChecksumResult> CompareTables(const std::vector<mysql::Connection*>& conns,
                                     const MigrationPlan& plan, int64_t rows_per_range);

// Compares what changed (changed_rows.h) instead of both tables whole: `changed.ranges` range by
// range and `changed.keys` in batches of `keys_per_batch`; with `count_rows`, also both tables'
// row counts (rows_original/rows_ghost; 0 without). The original is read on `original_side`, the
// ghost on `ghost_side`, at once.
// REQUIRES: each connection inside a snapshot in which the ghost holds every change the original
// holds in its own (Migrator::CompareChangedRows).
Result<ChecksumResult> CompareChanged(mysql::Connection& original_side,
                                      mysql::Connection& ghost_side, const MigrationPlan& plan,
                                      const ChangedRowsSnapshot& changed, size_t keys_per_batch,
                                      bool count_rows);

// Whether a row can leave the ghost outside the changed keys: its UNIQUE key other than the
// shared key, over which the applier's REPLACE removes the row that holds a value first
// (changed_rows.h). CompareChanged then needs the row counts.
bool GhostCanLoseRowsOutsideKeys(const MigrationPlan& plan);

// The per-row checksum expression over `columns` (one SQL expression per column), NULL-safe.
std::string RowChecksumExpression(const std::vector<std::string>& columns);

}  // namespace safeddl::osc
