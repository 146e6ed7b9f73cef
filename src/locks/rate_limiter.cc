#include "locks/rate_limiter.h"

namespace safeddl::locks {

void RateLimiter::Expire(TimePoint now) {
  while (!times_.empty() && now - times_.front() >= window_) times_.pop_front();
}

bool RateLimiter::Allows(TimePoint now) {
  Expire(now);
  return times_.size() < max_;
}

void RateLimiter::Record(TimePoint now) {
  Expire(now);
  times_.push_back(now);
}

size_t RateLimiter::InWindow(TimePoint now) {
  Expire(now);
  return times_.size();
}

}  // namespace safeddl::locks
