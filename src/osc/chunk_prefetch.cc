#include "osc/chunk_prefetch.h"

#include <utility>

namespace safeddl::osc {

ChunkPrefetcher::ChunkPrefetcher(PlanNext plan_next, size_t depth)
    : plan_next_(std::move(plan_next)), depth_(depth == 0 ? 1 : depth) {
  thread_ = std::thread([this] { Run(); });
}

ChunkPrefetcher::~ChunkPrefetcher() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void ChunkPrefetcher::Run() {
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return stop_ || ready_.size() < depth_; });
      if (stop_) return;
    }
    Result<std::optional<KeyChunk>> next = plan_next_();
    std::lock_guard<std::mutex> lock(mu_);
    if (!next.ok() || !*next) {
      if (!next.ok()) error_ = next.status();
      finished_ = true;
      cv_.notify_all();
      return;
    }
    ready_.push_back(std::move(**next));
    cv_.notify_all();
  }
}

Result<std::optional<KeyChunk>> ChunkPrefetcher::Next() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return !ready_.empty() || finished_; });
  if (!ready_.empty()) {
    KeyChunk chunk = std::move(ready_.front());
    ready_.pop_front();
    cv_.notify_all();
    return std::optional<KeyChunk>(std::move(chunk));
  }
  if (!error_.ok()) return error_;
  return std::optional<KeyChunk>();
}

}  // namespace safeddl::osc
