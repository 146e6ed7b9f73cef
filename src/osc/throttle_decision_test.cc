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

TEST(ThrottleDecisionTest, ThrottleHttpNeedsA200) {
  MigrationOptions o;
  ThrottleInputs in;
  in.http_status = 503;
  EXPECT_FALSE(DecideThrottle(in, o).throttle) << "no --throttle-http: its answer is ignored";
  o.throttle_http = "http://lb:8080/ok";
  EXPECT_EQ(DecideThrottle(in, o).reason, "http://lb:8080/ok answered HTTP 503");
  in.http_status = 200;
  EXPECT_FALSE(DecideThrottle(in, o).throttle);
  in.http_status = 204;  // gh-ost: anything but 200 throttles
  EXPECT_TRUE(DecideThrottle(in, o).throttle);
  in.http_status.reset();
  in.http_error = "cannot connect to lb:8080: Connection refused";
  EXPECT_EQ(DecideThrottle(in, o).reason,
            "http://lb:8080/ok did not answer: cannot connect to lb:8080: Connection refused");
  o.ignore_http_errors = true;
  EXPECT_FALSE(DecideThrottle(in, o).throttle);
  in.http_status = 500;  // an answer is not an error: it still throttles
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
