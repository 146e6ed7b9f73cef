// Checksum: proves the ghost holds what the original holds before the swap.
//
// Both tables are read in one consistent snapshot (REPEATABLE READ) opened at a moment when the
// applier had applied every change up to the same binlog point (see Migrator::OpenSnapshot). The
// original's key space is cut into ranges; per range, COUNT(*) and BIT_XOR(CRC32(...)) over the
// shared columns whose type did not change are compared. Ranges that differ are reported for
// re-copy. Not thread-safe; uses the connection that holds the snapshot.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "mysql/connection.h"
#include "osc/migration_plan.h"

namespace safeddl::osc {

// A key range (lower, upper] by canonical key text; empty lower/upper means unbounded.
struct KeyRangeBounds {
  std::vector<std::string> lower;
  std::vector<std::string> upper;
};

struct ChecksumResult {
  int64_t ranges = 0;
  int64_t rows_original = 0;
  int64_t rows_ghost = 0;
  std::vector<KeyRangeBounds> differing;
  bool clean() const { return differing.empty() && rows_original == rows_ghost; }
};

// REQUIRES: `conn` is inside the snapshot transaction.
Result<ChecksumResult> CompareTables(mysql::Connection& conn, const MigrationPlan& plan,
                                     int64_t rows_per_range);

// The WHERE clause selecting `range` over `key` (columns of the table being read).
Result<std::string> RangePredicate(const std::vector<KeyColumn>& key, const KeyRangeBounds& range);

// The per-row checksum expression over `columns` (one SQL expression per column), NULL-safe.
std::string RowChecksumExpression(const std::vector<std::string>& columns);

}  // namespace safeddl::osc
