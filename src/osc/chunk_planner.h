// ChunkPlanner: cuts a table's key range into chunks of about N rows, in key order, with one
// cheap index read per chunk (`... ORDER BY key LIMIT 1 OFFSET N-1`). The copy hands its chunks
// to parallel workers and adapts N towards a target chunk time; the checksum compares ranges of
// a fixed size. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "mysql/connection.h"
#include "osc/migration_plan.h"

namespace safeddl::osc {

// Rows (lower, upper] by canonical key text (osc/key_range.h); an empty lower means from the
// first row.
struct KeyChunk {
  int64_t seq = 0;  // 0, 1, 2, ... in key order
  std::vector<std::string> lower;
  std::vector<std::string> upper;
};

// Thread-safe: Next() and the size adjustments may be called from any worker.
class ChunkPlanner {
 public:
  // REQUIRES: `conn` prepared with PrepareSession(); used only under the planner's lock; it and
  // `plan` outlive the planner. `start_after`: resume after this key (empty: from the start).
  ChunkPlanner(mysql::Connection& conn, const MigrationPlan& plan, int64_t chunk_size,
               std::vector<std::string> start_after = {});

  // Reads the last key to copy: the original's maximum as of now. Call after the binlog capture
  // has started (rows added later arrive through the binlog).
  Status Prepare();
  // The next chunk in key order; nullopt once the range is handed out.
  Result<std::optional<KeyChunk>> Next();

  // The last key of the range (the maximum read by Prepare); empty for an empty table.
  std::vector<std::string> end_key() const;
  int64_t chunk_size() const;
  void set_chunk_size(int64_t n);
  // A worker's chunk took `millis`: move the size towards kTargetChunkTime.
  void Adapt(double millis);

 private:
  Result<std::optional<std::vector<std::string>>> ReadKey(const std::string& sql);

  mutable std::mutex mu_;
  mysql::Connection& conn_;
  const MigrationPlan& plan_;
  int64_t chunk_size_;
  int64_t seq_ = 0;
  bool done_ = false;
  std::vector<std::string> max_text_;   // canonical text of the last key to copy
  std::vector<std::string> last_text_;  // the upper key of the last chunk handed out
};

// Target time for one copy chunk; the chunk size grows or shrinks towards it.
inline constexpr std::chrono::milliseconds kTargetChunkTime{30};
inline constexpr int64_t kMinChunkSize = 10;
inline constexpr int64_t kMaxChunkSize = 100000;

}  // namespace safeddl::osc
