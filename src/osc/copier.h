// Copier: copies the original table's rows into the ghost in key-ordered chunks:
//   INSERT IGNORE INTO ghost (...) SELECT ... FROM original FORCE INDEX (key)
//   WHERE key > last AND key <= chunk_end LOCK IN SHARE MODE
// The locking read sees the latest committed row, and IGNORE leaves rows the applier already
// wrote alone, so copy and binlog apply can run in any order without losing a row (DESIGN.md).
// The chunk size adapts towards a target chunk time. Not thread-safe: one Copier per connection.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "mysql/connection.h"
#include "osc/migration_options.h"
#include "osc/migration_plan.h"

namespace safeddl::osc {

struct ChunkResult {
  int64_t rows = 0;  // rows inserted (duplicates already in the ghost not counted)
  double millis = 0;
  bool done = false;  // the whole range is copied
};

class Copier {
 public:
  // REQUIRES: `conn` prepared with PrepareSession(); plan and options outlive the Copier.
  Copier(mysql::Connection& conn, const MigrationPlan& plan, const MigrationOptions& options);

  // Reads the key range to copy: [min, max] of the original as of now. Call after the binlog
  // capture has started (rows added later arrive through the binlog).
  Status Prepare();
  // Copies the next chunk.
  Result<ChunkResult> CopyNext();

  bool done() const { return done_; }
  int64_t rows_copied() const { return rows_copied_; }
  int64_t chunk_size() const { return chunk_size_; }
  void set_chunk_size(int64_t n);
  // The key of the last row copied, as canonical text (for checkpoints and progress); empty
  // before the first chunk.
  const std::vector<std::string>& watermark() const { return last_text_; }

 private:
  Result<std::optional<std::vector<std::string>>> ReadKey(const std::string& sql);
  Result<std::vector<std::string>> Literals(const std::vector<std::string>& text) const;

  mysql::Connection& conn_;
  const MigrationPlan& plan_;
  const MigrationOptions& options_;
  int64_t chunk_size_;
  std::vector<std::string> max_text_;   // canonical text of the last key to copy
  std::vector<std::string> last_text_;  // canonical text of the last key copied
  bool done_ = false;
  int64_t rows_copied_ = 0;
};

// Target time for one chunk; the chunk size grows or shrinks towards it.
inline constexpr std::chrono::milliseconds kTargetChunkTime{300};
inline constexpr int64_t kMinChunkSize = 10;
inline constexpr int64_t kMaxChunkSize = 100000;

}  // namespace safeddl::osc
