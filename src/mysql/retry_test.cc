#include "mysql/retry.h"

#include <gtest/gtest.h>

#include <vector>

namespace safeddl::mysql {
namespace {

class FakeClock : public Clock {
 public:
  TimePoint Now() const override { return now_; }
  void SleepFor(Duration d) override {
    sleeps.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(d));
    now_ += d;
  }
  std::vector<std::chrono::milliseconds> sleeps;

 private:
  TimePoint now_{};
};

TEST(RetryTest, RetriesRetryableWithGrowingBackoff) {
  FakeClock clock;
  int calls = 0;
  RetryPolicy policy{.max_attempts = 4, .initial_backoff = std::chrono::milliseconds(100)};
  Status s = RetryWithBackoff(policy, clock, "test", [&]() -> Status {
    ++calls;
    if (calls < 3) return Status(StatusCode::kLockWaitTimeout, "wait");
    return Status::OK();
  });
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(clock.sleeps, (std::vector<std::chrono::milliseconds>{std::chrono::milliseconds(100),
                                                                  std::chrono::milliseconds(200)}));
}

TEST(RetryTest, TheCallersTestDecidesAndRetriesAreCounted) {
  FakeClock clock;
  int calls = 0;
  long long retries = 0;
  RetryPolicy policy{.max_attempts = 10, .initial_backoff = std::chrono::milliseconds(20)};
  policy.retryable = [](const Status& s) { return s.server_errno() == 1213; };
  // A lock wait timeout is retryable by default, not by this test: it ends the retries.
  Status s = RetryWithBackoff(
      policy, clock, "test",
      [&]() -> Status {
        ++calls;
        if (calls < 3) return Status(StatusCode::kServerError, "certification", 1213);
        return Status(StatusCode::kLockWaitTimeout, "wait", 1205);
      },
      &retries);
  EXPECT_EQ(s.server_errno(), 1205u);
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(retries, 2);
  EXPECT_EQ(clock.sleeps.size(), 2u);
}

TEST(RetryTest, StopsAtNonRetryable) {
  FakeClock clock;
  int calls = 0;
  Result<int> r = RetryWithBackoff(RetryPolicy{}, clock, "test", [&]() -> Result<int> {
    ++calls;
    return Status(StatusCode::kAccessDenied, "no");
  });
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(r.status().code(), StatusCode::kAccessDenied);
}

TEST(RetryTest, GivesUpAfterMaxAttempts) {
  FakeClock clock;
  int calls = 0;
  Status s = RetryWithBackoff(RetryPolicy{.max_attempts = 3}, clock, "test", [&]() -> Status {
    ++calls;
    return Status(StatusCode::kDeadlock, "dl");
  });
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(s.code(), StatusCode::kDeadlock);
  EXPECT_EQ(clock.sleeps.size(), 2u);
}

}  // namespace
}  // namespace safeddl::mysql
