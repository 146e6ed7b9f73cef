#include "plan/estimate.h"

#include <gtest/gtest.h>

namespace safeddl::plan {
namespace {

SampleRates Rates() {
  SampleRates r;
  r.rows = 10000;
  r.copy_rows_per_second = 100000;
  r.checksum_rows_per_second = 400000;
  r.apply_rows_per_second = 20000;
  r.native_fixed_seconds = 0.05;
  r.native_per_row_seconds = 2e-6;
  r.native_measured_on_rows = true;
  return r;
}

TEST(EstimateTest, NativeScalesPerRowOverTheFixedCost) {
  auto e = EstimateNative(Rates(), 1000000);
  ASSERT_TRUE(e);
  EXPECT_NEAR(e->seconds, 0.05 + 2.0 * kNativeSampleFactor, 1e-9);
  EXPECT_LT(e->low, e->seconds);
  EXPECT_GT(e->high, e->seconds);
}

TEST(EstimateTest, MetadataOnlyChangeDoesNotGrowWithTheTable) {
  SampleRates r = Rates();
  r.native_per_row_seconds = 0;
  r.native_measured_on_rows = false;
  auto small = EstimateNative(r, 1000);
  auto big = EstimateNative(r, 100000000);
  ASSERT_TRUE(small && big);
  EXPECT_DOUBLE_EQ(small->seconds, big->seconds);
  EXPECT_DOUBLE_EQ(big->high, big->seconds * 1.35);
}

TEST(EstimateTest, NoAlgorithmNoNativeEstimate) {
  SampleRates r = Rates();
  r.native_fixed_seconds.reset();
  EXPECT_FALSE(EstimateNative(r, 1000));
}

TEST(EstimateTest, OnlineIsCopyPlusChecksumStretchedByTheWrites) {
  const int64_t rows = 1000000;
  auto idle = EstimateOnline(Rates(), rows, 0);
  ASSERT_TRUE(idle);
  EXPECT_NEAR(idle->seconds, 12.5 * kOnlineSampleFactor + kOnlineFixedSeconds, 1e-9);
  // Writes at half the apply rate: the copy and checksum get half the time.
  auto busy = EstimateOnline(Rates(), rows, 10000);
  ASSERT_TRUE(busy);
  EXPECT_NEAR(busy->seconds, 12.5 * kOnlineSampleFactor * 2 + kOnlineFixedSeconds, 1e-9);
  EXPECT_FALSE(busy->writes_outpace_apply);
  auto flooded = EstimateOnline(Rates(), rows, 50000);
  ASSERT_TRUE(flooded);
  EXPECT_TRUE(flooded->writes_outpace_apply);
}

TEST(EstimateTest, NoCopyRateNoOnlineEstimate) {
  SampleRates r = Rates();
  r.copy_rows_per_second.reset();
  EXPECT_FALSE(EstimateOnline(r, 1000, 0));
}

TEST(EstimateTest, UncertaintyGrowsWithSpreadAndExtrapolation) {
  SampleRates r = Rates();
  EXPECT_DOUBLE_EQ(Uncertainty(r, r.rows), 0.35);
  EXPECT_NEAR(Uncertainty(r, r.rows * 100), 0.55, 1e-9);
  r.copy_spread = 0.3;
  EXPECT_NEAR(Uncertainty(r, r.rows * 100), 0.85, 1e-9);
  r.copy_spread = 2;
  EXPECT_DOUBLE_EQ(Uncertainty(r, r.rows), 0.9);
}

}  // namespace
}  // namespace safeddl::plan
