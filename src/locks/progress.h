// Progress: how far a running DDL is and when it will end, from MariaDB's progress reporting
// (PROCESSLIST STAGE / MAX_STAGE / PROGRESS) and the time it has run.
//
// PROGRESS is the server's estimate over all stages; in a stage that reports nothing (ALTER COPY's
// "Enabling keys") it drops to 0, so the completed stages are the floor. The ETA is linear:
// elapsed * (100 - p) / p. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "locks/snapshot.h"

namespace safeddl::locks {

// Size of the table a DDL works on (information_schema.TABLES), when known; shown when the server
// reports no progress so the user can judge the run time.
struct TableSize {
  int64_t rows = 0;   // InnoDB's estimate
  int64_t bytes = 0;  // data + index
};

struct ProgressEstimate {
  bool reported = false;  // the server reports progress for this statement
  double percent = 0;     // 0-100
  double elapsed_seconds = 0;
  std::optional<double> eta_seconds;  // nullopt when no estimate is possible
  std::string basis;                  // how the estimate was made, for the report
};

// The estimate for session `ddl`. `size` adds table size to `basis` when progress is missing.
ProgressEstimate EstimateProgress(const SessionInfo& ddl,
                                  const std::optional<TableSize>& size = std::nullopt);

}  // namespace safeddl::locks
