// ChunkPrefetcher: plans copy chunks ahead of the copy workers, in a thread of its own, so that a
// chunk's boundary read (an index read over about a chunk's rows, chunk_planner.h) overlaps the
// copy of the chunk before it instead of coming before it — and leaves those rows in the buffer
// pool for the copy that follows. At most `depth` chunks are planned ahead; a size change
// (ChunkPlanner::Adapt) shows from the chunk after them. Thread-safe.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "common/result.h"
#include "osc/chunk_planner.h"

namespace safeddl::osc {

class ChunkPrefetcher {
 public:
  using PlanNext = std::function<Result<std::optional<KeyChunk>>()>;

  // Starts planning with `plan_next` (e.g. ChunkPlanner::Next with retries), which runs only in
  // the prefetcher's thread.
  ChunkPrefetcher(PlanNext plan_next, size_t depth);
  // Stops planning and waits for a boundary read in progress.
  ~ChunkPrefetcher();

  // The next chunk in key order, waiting for it when none is planned yet; nullopt once the range
  // is handed out; the planning's error once it failed (and from then on).
  Result<std::optional<KeyChunk>> Next();

 private:
  void Run();

  PlanNext plan_next_;
  const size_t depth_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<KeyChunk> ready_;
  bool finished_ = false;  // the planning ended: range handed out, or error_
  bool stop_ = false;
  Status error_;
  std::thread thread_;
};

}  // namespace safeddl::osc
