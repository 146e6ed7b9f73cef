// RateLimiter: at most N actions in any sliding window (watch --max-actions-per-hour). Takes the
// time as an argument so tests need no clock. Thread-compatible.
#pragma once

#include <cstddef>
#include <deque>

#include "common/clock.h"

namespace safeddl::locks {

class RateLimiter {
 public:
  RateLimiter(size_t max_actions, Duration window) : max_(max_actions), window_(window) {}

  // True when one more action at `now` stays within the limit.
  bool Allows(TimePoint now);
  // Records an action at `now`.
  void Record(TimePoint now);
  size_t InWindow(TimePoint now);

 private:
  void Expire(TimePoint now);

  size_t max_;
  Duration window_;
  std::deque<TimePoint> times_;
};

}  // namespace safeddl::locks
