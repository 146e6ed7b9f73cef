// Retrying operations that fail for passing reasons (Status::IsRetryable(): lock wait timeouts,
// deadlocks, lost connections; or the caller's own test) with exponential backoff. The clock is
// a seam for tests.
#pragma once

#include <algorithm>
#include <chrono>
#include <functional>
#include <string_view>
#include <type_traits>

#include "common/clock.h"
#include "common/log.h"
#include "common/result.h"

namespace safeddl::mysql {

struct RetryPolicy {
  int max_attempts = 5;
  std::chrono::milliseconds initial_backoff{100};
  std::chrono::milliseconds max_backoff{5000};
  double multiplier = 2.0;
  // Which failures pass; Status::IsRetryable when empty.
  std::function<bool(const Status&)> retryable;
};

namespace internal {
inline const Status& StatusOf(const Status& s) { return s; }
template <typename T>
Status StatusOf(const Result<T>& r) {
  return r.status();
}
}  // namespace internal

// Calls `fn()` (returning Status or Result<T>) until it succeeds, fails with a non-retryable
// error, or `policy.max_attempts` calls have been made; returns the last outcome. Counts the
// retries in `*retries` when given.
template <typename Fn>
auto RetryWithBackoff(const RetryPolicy& policy, Clock& clock, std::string_view what, Fn&& fn,
                      long long* retries = nullptr) -> decltype(fn()) {
  auto backoff = policy.initial_backoff;
  for (int attempt = 1;; ++attempt) {
    auto outcome = fn();
    const Status status = internal::StatusOf(outcome);
    const bool passing = policy.retryable ? policy.retryable(status) : status.IsRetryable();
    if (status.ok() || !passing || attempt >= policy.max_attempts) return outcome;
    if (retries != nullptr) ++*retries;
    LogDebug("{}: attempt {}/{} failed ({}); retrying in {}ms", what, attempt, policy.max_attempts,
             status.ToString(), backoff.count());
    clock.SleepFor(backoff);
    backoff =
        std::min(policy.max_backoff,
                 std::chrono::milliseconds(static_cast<long>(backoff.count() * policy.multiplier)));
  }
}

}  // namespace safeddl::mysql
