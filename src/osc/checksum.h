// Checksum: proves the ghost holds what the original holds before the swap.
//
// Both tables are read in one consistent snapshot (REPEATABLE READ) opened at a moment when the
// applier had applied every change up to the same binlog point (see
// Migrator::ChecksumUntilClean), on several connections that all opened it in that moment. The
// original's key space is cut into ranges (ChunkPlanner); per range, COUNT(*) and
// BIT_XOR of a per-row hash over the shared columns (a converted column through its conversion,
// checksum_columns.h) are compared, ranges spread over the connections. Ranges that differ are
// reported for re-copy.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "mysql/connection.h"
#include "osc/migration_plan.h"

namespace safeddl::osc {

struct ChecksumResult {
  int64_t ranges = 0;
  int64_t rows_original = 0;
  int64_t rows_ghost = 0;
  std::vector<KeyRangeBounds> differing;
  bool clean() const { return differing.empty() && rows_original == rows_ghost; }
};

// REQUIRES: every connection is inside the same snapshot; at least two: the first plans the
// ranges, the others compare them, one thread each.
Result<ChecksumResult> CompareTables(const std::vector<mysql::Connection*>& conns,
                                     const MigrationPlan& plan, int64_t rows_per_range);

// The per-row checksum expression over `columns` (one SQL expression per column), NULL-safe.
std::string RowChecksumExpression(const std::vector<std::string>& columns);

}  // namespace safeddl::osc
