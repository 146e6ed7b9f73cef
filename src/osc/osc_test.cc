#include <gtest/gtest.h>

#include "osc/load_thresholds.h"
#include "osc/table_names.h"

namespace safeddl::osc {
namespace {

TEST(TableNamesTest, FollowsGhOst) {
  auto names = MakeTableNames("orders", "", false, "");
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(names->ghost, "_orders_gho");
  EXPECT_EQ(names->changelog, "_orders_ghc");
  EXPECT_EQ(names->old, "_orders_del");
  auto stamped = MakeTableNames("orders", "o", true, "20261122081259");
  ASSERT_TRUE(stamped.ok());
  EXPECT_EQ(stamped->ghost, "_o_gho");
  EXPECT_EQ(stamped->old, "_o_20261122081259_del");
}

TEST(TableNamesTest, TooLongNamesPointToForceTableNames) {
  auto names = MakeTableNames(std::string(60, 'x'), "", false, "");
  ASSERT_FALSE(names.ok());
  EXPECT_EQ(names.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(names.status().message().find("--force-table-names"), std::string::npos);
}

TEST(LoadThresholdsTest, ParsesList) {
  auto t = ParseLoadThresholds("Threads_running=50, Threads_connected=500", "--max-load");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->at("Threads_running"), 50);
  EXPECT_EQ(t->at("Threads_connected"), 500);
  EXPECT_TRUE(ParseLoadThresholds("", "--max-load")->empty());
}

TEST(LoadThresholdsTest, RejectsMalformed) {
  for (const char* bad : {"50", "Threads_running", "Threads_running=x", "a-b=1", "x=-1"}) {
    auto t = ParseLoadThresholds(bad, "--max-load");
    ASSERT_FALSE(t.ok()) << bad;
    EXPECT_NE(t.status().message().find("--max-load"), std::string::npos);
  }
}

TEST(LoadThresholdsTest, FirstExceededIsCaseInsensitiveAndInclusive) {
  LoadThresholds t = {{"Threads_running", 50}};
  EXPECT_EQ(FirstExceeded(t, {{"THREADS_RUNNING", 49}}), "");
  EXPECT_EQ(FirstExceeded(t, {{"THREADS_RUNNING", 50}}), "Threads_running=50 >= 50");
}

}  // namespace
}  // namespace safeddl::osc
