// MeasureRates: how fast this server, now, does the work a change needs — measured on a sample
// of the table's own rows, in plan's scratch schema, never by writing the user's table:
//   - online copy: the first chunks in key order copied into an empty table of the new
//     definition, cut as safeddl alter cuts them (osc::ChunkPlanner), each chunk timed;
//   - checksum: the per-range COUNT/BIT_XOR safeddl alter runs, range by range over the copied
//     part of both tables;
//   - apply: batches of REPLACE of copied rows, as the applier writes captured changes;
//   - native: the sample loaded into a table of the old definition and altered with the best
//     algorithm the server accepts (an INSTANT change is timed on the empty copy only).
// Reads of the user's table are plain consistent reads (READ COMMITTED: INSERT ... SELECT takes
// no row locks on its source), in chunks, so plan never holds a lock a SELECT would not.
// Not thread-safe (one connection).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "mysql/connection.h"
#include "osc/migration_plan.h"
#include "plan/native_probe.h"
#include "plan/scratch_schema.h"

namespace safeddl::plan {

struct RateLimits {
  int64_t max_rows = 100000;  // rows sampled at most
  double max_seconds = 2.0;  // copy time spent sampling at most
  // Rows of the first chunk; later ones adapt as safeddl alter's do (osc::ChunkPlanner::Adapt).
  int64_t chunk_rows = 1000;
  int64_t checksum_range_rows = 10000;  // rows per checksum range (safeddl alter's)
};

struct SampleRates {
  int64_t rows = 0;  // rows in the sample
  // Online (absent when no online copy is possible: `online` was null).
  std::optional<double> copy_rows_per_second;
  // Relative standard error of the copy rate: the per-chunk rates' coefficient of variation over
  // the square root of the number of chunks.
  double copy_spread = 0;
  int chunks = 0;
  std::optional<double> checksum_rows_per_second;  // rows of the table checked per second
  std::optional<double> apply_rows_per_second;
  // Native: seconds = fixed + per_row * rows (absent when the server accepts no algorithm).
  std::optional<double> native_fixed_seconds;
  double native_per_row_seconds = 0;
  bool native_measured_on_rows = false;  // false: metadata only (INSTANT) or no rows
};

struct RateInputs {
  // The user's table and its definition.
  std::string q_original;
  const schema::TableSchema* original = nullptr;
  std::string original_create;
  std::string after_create;  // the definition the change produces
  std::string clauses;       // the ALTER's clauses, without ALGORITHM/LOCK
  // The online copy's plan (mapping, shared key); null when the change cannot be copied online.
  const osc::MigrationPlan* online = nullptr;
  const AlgorithmAnswer* native = nullptr;  // the best native algorithm; null when none
  RateLimits limits;
};

Result<SampleRates> MeasureRates(mysql::Connection& conn, ScratchSchema& scratch,
                                 const RateInputs& in);

}  // namespace safeddl::plan
