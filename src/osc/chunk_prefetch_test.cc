#include "osc/chunk_prefetch.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace safeddl::osc {
namespace {

// A planner of `count` chunks that counts its calls.
ChunkPrefetcher::PlanNext Counting(int count, std::atomic<int>& calls) {
  return [count, &calls]() -> Result<std::optional<KeyChunk>> {
    const int n = calls.fetch_add(1);
    if (n >= count) return std::optional<KeyChunk>();
    return std::optional<KeyChunk>(KeyChunk{n, {std::to_string(n)}, {std::to_string(n + 1)}});
  };
}

bool EventuallyEquals(const std::atomic<int>& value, int expected) {
  for (int i = 0; i < 200 && value.load() != expected; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return value.load() == expected;
}

TEST(ChunkPrefetcherTest, PlansAheadByDepthAndHandsOutInOrder) {
  std::atomic<int> calls{0};
  ChunkPrefetcher prefetch(Counting(5, calls), 2);
  EXPECT_TRUE(EventuallyEquals(calls, 2));  // two planned before anyone asked
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(calls.load(), 2);  // and no more
  for (int i = 0; i < 5; ++i) {
    Result<std::optional<KeyChunk>> c = prefetch.Next();
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE(c->has_value());
    EXPECT_EQ((*c)->seq, i);
  }
  Result<std::optional<KeyChunk>> end = prefetch.Next();
  ASSERT_TRUE(end.ok());
  EXPECT_FALSE(end->has_value());
  EXPECT_FALSE(prefetch.Next()->has_value());  // and stays at the end
}

TEST(ChunkPrefetcherTest, AnErrorComesAfterTheChunksPlannedBeforeIt) {
  std::atomic<int> calls{0};
  ChunkPrefetcher prefetch(
      [&]() -> Result<std::optional<KeyChunk>> {
        if (calls.fetch_add(1) == 1) return InternalError("boundary read failed");
        return std::optional<KeyChunk>(KeyChunk{0, {}, {"1"}});
      },
      3);
  Result<std::optional<KeyChunk>> first = prefetch.Next();
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first->has_value());
  EXPECT_EQ(prefetch.Next().status().message(), "boundary read failed");
  EXPECT_EQ(prefetch.Next().status().message(), "boundary read failed");
  EXPECT_EQ(calls.load(), 2);
}

TEST(ChunkPrefetcherTest, StopsWhenDestroyedWhilePlanningAhead) {
  std::atomic<int> calls{0};
  { ChunkPrefetcher prefetch(Counting(1000, calls), 1); }
  EXPECT_LE(calls.load(), 1);
}

}  // namespace
}  // namespace safeddl::osc
