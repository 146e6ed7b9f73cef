#include "locks/metrics.h"

#include <gtest/gtest.h>

#include "locks/rate_limiter.h"
#include "locks/test_snapshots.h"

namespace safeddl::locks {
namespace {

TEST(MetricsTest, RendersGaugesAndCounters) {
  WatchMetrics m;
  m.Update(BuildWaitGraph(testing::ClassicPileup(0, 3)));
  m.actions_total["kill_blocker"] = 2;
  m.polls = 5;
  const std::string text = RenderPrometheus(m);
  EXPECT_NE(text.find("safeddl_mdl_waiters{table=\"app.orders\"} 4\n"), std::string::npos);
  EXPECT_NE(text.find("safeddl_mdl_oldest_wait_seconds{table=\"app.orders\"} 12.000"),
            std::string::npos);
  EXPECT_NE(text.find("safeddl_ddl_running 1\n"), std::string::npos);
  EXPECT_NE(text.find("safeddl_actions_total{action=\"kill_blocker\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE safeddl_watch_polls_total counter"), std::string::npos);
  m.Update(WaitGraph{});
  EXPECT_EQ(RenderPrometheus(m).find("app.orders"), std::string::npos);
}

TEST(RateLimiterTest, SlidingWindow) {
  RateLimiter limiter(2, std::chrono::hours(1));
  const TimePoint t0{};
  EXPECT_TRUE(limiter.Allows(t0));
  limiter.Record(t0);
  limiter.Record(t0 + std::chrono::minutes(10));
  EXPECT_FALSE(limiter.Allows(t0 + std::chrono::minutes(30)));
  EXPECT_TRUE(limiter.Allows(t0 + std::chrono::minutes(61)));
  EXPECT_EQ(limiter.InWindow(t0 + std::chrono::minutes(61)), 1u);
}

}  // namespace
}  // namespace safeddl::locks
