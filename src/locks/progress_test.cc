#include "locks/progress.h"

#include <gtest/gtest.h>

#include "locks/test_snapshots.h"

namespace safeddl::locks {
namespace {

TEST(ProgressTest, LinearEtaFromReportedProgress) {
  SessionInfo s = testing::Session(1, "Query", 10, "copy to tmp table", "ALTER TABLE t FORCE");
  s.stage = 1;
  s.max_stage = 2;
  s.progress = 25;
  ProgressEstimate e = EstimateProgress(s);
  EXPECT_TRUE(e.reported);
  EXPECT_DOUBLE_EQ(e.percent, 25);
  ASSERT_TRUE(e.eta_seconds);
  EXPECT_DOUBLE_EQ(*e.eta_seconds, 30);
}

TEST(ProgressTest, CompletedStagesAreTheFloor) {
  SessionInfo s = testing::Session(1, "Query", 9, "Enabling keys", "ALTER TABLE t FORCE");
  s.stage = 2;
  s.max_stage = 2;
  s.progress = 0;  // MariaDB reports 0 in a stage without progress reporting
  ProgressEstimate e = EstimateProgress(s);
  EXPECT_DOUBLE_EQ(e.percent, 50);
  EXPECT_DOUBLE_EQ(*e.eta_seconds, 9);
}

TEST(ProgressTest, NoEstimateWhenWaitingOrUnreported) {
  ProgressEstimate e = EstimateProgress(testing::Waiting(1, 3, "ALTER TABLE t FORCE"));
  EXPECT_FALSE(e.reported);
  EXPECT_FALSE(e.eta_seconds);
  EXPECT_NE(e.basis.find("waiting"), std::string::npos);
  e = EstimateProgress(testing::Session(1, "Query", 3, "altering table", "ALTER TABLE t FORCE"),
                       TableSize{1000, 1048576});
  EXPECT_FALSE(e.eta_seconds);
  EXPECT_NE(e.basis.find("1000 rows"), std::string::npos);
}

}  // namespace
}  // namespace safeddl::locks
