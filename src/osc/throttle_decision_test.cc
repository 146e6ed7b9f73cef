#include "osc/throttle_decision.h"

#include <gtest/gtest.h>

namespace safeddl::osc {
namespace {

TEST(ThrottleDecisionTest, NothingObservedMeansGo) {
  EXPECT_FALSE(DecideThrottle({}, MigrationOptions{}).throttle);
}

TEST(ThrottleDecisionTest, ReplicaLagAgainstMaxLag) {
  MigrationOptions o;
  o.max_lag_millis = 1000;
  ThrottleInputs in;
  in.replica_lags = {{"r1:3306", 900}};
  EXPECT_FALSE(DecideThrottle(in, o).throttle);
  in.replica_lags.push_back({"r2:3306", 1500});
  const ThrottleDecision d = DecideThrottle(in, o);
  EXPECT_TRUE(d.throttle);
  EXPECT_EQ(d.reason, "replica r2:3306 lag 1500ms > 1000ms");
  in.replica_lags = {{"r3:3306", std::nullopt}};
  EXPECT_TRUE(DecideThrottle(in, o).throttle);
}

TEST(ThrottleDecisionTest, FlagFilesLoadAndQuery) {
  MigrationOptions o;
  o.throttle_flag_file = "/tmp/x";
  ThrottleInputs in;
  in.flag_file_present = true;
  EXPECT_EQ(DecideThrottle(in, o).reason, "flag file /tmp/x exists");
  in = {};
  in.max_load_exceeded = "Threads_running=60 >= 50";
  EXPECT_EQ(DecideThrottle(in, o).reason, "max load: Threads_running=60 >= 50");
  in = {};
  in.throttle_query_value = 0;
  EXPECT_FALSE(DecideThrottle(in, o).throttle);
  in.throttle_query_value = 3;
  EXPECT_TRUE(DecideThrottle(in, o).throttle);
}

TEST(ThrottleDecisionTest, CriticalLoadIsSeparateFromThrottle) {
  ThrottleInputs in;
  in.critical_load_exceeded = "Threads_running=500 >= 400";
  const ThrottleDecision d = DecideThrottle(in, MigrationOptions{});
  EXPECT_TRUE(d.critical);
  EXPECT_FALSE(d.throttle);
  EXPECT_EQ(d.critical_reason, "critical load: Threads_running=500 >= 400");
}

}  // namespace
}  // namespace safeddl::osc
