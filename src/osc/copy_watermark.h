// CopyWatermark: how far the copy is done when chunks finish out of order. The chunk planner
// numbers chunks 0, 1, 2, ... in key order; parallel workers finish them in any order; the
// watermark is the upper key of the longest run of finished chunks from the start, so every row
// at or below it is in the ghost. Checkpoints save it; a resumed copy starts after it.
// Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace safeddl::osc {

class CopyWatermark {
 public:
  // `start`: the key a resumed copy starts after (empty: from the first row).
  explicit CopyWatermark(std::vector<std::string> start = {}) : value_(std::move(start)) {}

  // Chunk `seq` (0-based, in key order) is copied; `upper` is its last key.
  void Finished(int64_t seq, std::vector<std::string> upper);

  // The last key below which everything is copied; empty when nothing is.
  std::vector<std::string> value() const;
  // Chunks finished so far, in order or not.
  int64_t finished_chunks() const;

 private:
  mutable std::mutex mu_;
  int64_t next_ = 0;  // the lowest chunk not finished yet
  std::map<int64_t, std::vector<std::string>> ahead_;  // finished chunks above next_
  std::vector<std::string> value_;
  int64_t finished_ = 0;
};

}  // namespace safeddl::osc
