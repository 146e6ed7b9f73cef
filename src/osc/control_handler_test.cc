#include "osc/control_handler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace safeddl::osc {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class ControlHandlerTest : public ::testing::Test {
 protected:
  ControlHandlerTest() : live_(Options()) {
    context_ = MakeControlContext(Options(), "unix socket /tmp/x.sock");
    context_.ghost = "`db`.`_orders_gho`";
    context_.snapshot = [this] { return snapshot_; };
    snapshot_.phase = "copy";
    snapshot_.rows_copied = 500;
    snapshot_.rows_estimated = 1000;
    snapshot_.binlog_position = "mariadb-bin.000007:4242";
  }
  static MigrationOptions Options() {
    MigrationOptions o;
    o.database = "db";
    o.table = "orders";
    o.chunk_size = 1000;
    o.max_lag_millis = 1500;
    o.max_load = {{"Threads_running", 50}};
    return o;
  }
  std::string Run(std::string_view line) { return HandleControlLine(line, live_, context_); }

  LiveSettings live_;
  ControlContext context_;
  ProgressSnapshot snapshot_;
};

TEST_F(ControlHandlerTest, StatusShowsProgressSettingsAndPosition) {
  snapshot_.throttled = true;
  snapshot_.throttle_reason = "throttled by command";
  const std::string s = Run("status");
  EXPECT_THAT(s, HasSubstr("# Migrating `db`.`orders`; ghost table `db`.`_orders_gho`"));
  EXPECT_THAT(s, HasSubstr("chunk-size: 1000; max-lag-millis: 1500ms"));
  EXPECT_THAT(s, HasSubstr("max-load: Threads_running=50; critical-load: none"));
  EXPECT_THAT(s, HasSubstr("# Serving on unix socket /tmp/x.sock"));
  EXPECT_THAT(s, HasSubstr("# throttled: throttled by command"));
  EXPECT_THAT(s, HasSubstr("copy 50.0% 500/1000 rows"));
  EXPECT_THAT(s, HasSubstr("binlog applied up to mariadb-bin.000007:4242"));
  EXPECT_EQ(Run("sup"), snapshot_.ToLine() + "\n");
  EXPECT_EQ(Run("coordinates"), "mariadb-bin.000007:4242\n");
  EXPECT_THAT(Run("help"), StartsWith("available commands:"));
  EXPECT_EQ(Run("?"), Run("help"));
}

TEST_F(ControlHandlerTest, SettersChangeLiveSettingsAndQuestionsReadThem) {
  EXPECT_THAT(Run("chunk-size=250"), HasSubstr("chunk-size: 250;"));
  EXPECT_EQ(live_.TakeChunkSizeRequest(), 250);
  EXPECT_EQ(live_.TakeChunkSizeRequest(), std::nullopt);  // taken once
  EXPECT_EQ(Run("chunk-size=?"), "250\n");
  Run("chunk-size=5");  // clamped, like gh-ost
  EXPECT_EQ(live_.chunk_size(), kMinLiveChunkSize);

  Run("max-lag-millis=900");
  EXPECT_EQ(live_.max_lag_millis(), 900);
  Run("max-lag-millis=1");
  EXPECT_EQ(Run("max-lag-millis=?"), "100\n");

  Run("nice-ratio=0.5");
  EXPECT_DOUBLE_EQ(live_.nice_ratio(), 0.5);
  Run("max-load=Threads_running=20,Threads_connected=300");
  EXPECT_EQ(Run("max-load=?"), "Threads_connected=300,Threads_running=20\n");
  Run("critical-load=Threads_running=400");
  EXPECT_EQ((live_.critical_load()), (LoadThresholds{{"Threads_running", 400}}));
  EXPECT_THAT(Run("throttle-query=SELECT 0"), HasSubstr("binary logs"));
  EXPECT_EQ(live_.throttle_query(), "SELECT 0");

  const uint64_t generation = live_.replicas_generation();
  Run("throttle-control-replicas=127.0.0.1:3307, 127.0.0.1:3308");
  EXPECT_EQ(live_.throttle_control_replicas(),
            (std::vector<std::string>{"127.0.0.1:3307", "127.0.0.1:3308"}));
  EXPECT_EQ(live_.replicas_generation(), generation + 1);

  // The options the throttler refreshes from.
  MigrationOptions o;
  live_.ApplyTo(o);
  EXPECT_EQ(o.max_lag_millis, 100);
  EXPECT_EQ(o.throttle_query, "SELECT 0");
  EXPECT_EQ(o.max_load.at("Threads_connected"), 300);
}

TEST_F(ControlHandlerTest, BadValuesAreAnsweredAndChangeNothing) {
  EXPECT_EQ(Run("chunk-size=lots"), "error: chunk-size=lots: not an integer\n");
  EXPECT_EQ(live_.chunk_size(), 1000);
  EXPECT_EQ(Run("nice-ratio=fast"), "error: nice-ratio=fast: not a number\n");
  EXPECT_THAT(Run("max-load=Threads_running"), StartsWith("error: max-load: 'Threads_running'"));
  EXPECT_EQ(live_.max_load(), (LoadThresholds{{"Threads_running", 50}}));
  EXPECT_EQ(Run("frobnicate"), "error: unknown command: frobnicate (try: help)\n");
}

TEST_F(ControlHandlerTest, ThrottleAndNoThrottle) {
  Run("throttle");
  EXPECT_TRUE(live_.throttle_requested());
  Run("no-throttle");
  EXPECT_FALSE(live_.throttle_requested());
}

TEST_F(ControlHandlerTest, UnpostponeOnlyWhilePostponing) {
  EXPECT_THAT(Run("unpostpone"), HasSubstr("not being postponed"));
  EXPECT_FALSE(live_.unpostpone_requested());
  live_.set_postponing(true);
  EXPECT_THAT(Run("cut-over=other"), StartsWith("error: 'cut-over' names table other"));
  EXPECT_FALSE(live_.unpostpone_requested());
  EXPECT_THAT(Run("cut-over"), StartsWith("Unpostponed"));
  EXPECT_TRUE(live_.unpostpone_requested());
}

TEST_F(ControlHandlerTest, ForceNamedCommandsMustNameTheTable) {
  context_.force_named_cut_over = true;
  context_.force_named_panic = true;
  live_.set_postponing(true);
  EXPECT_THAT(Run("unpostpone"), HasSubstr("must name the table (unpostpone=orders)"));
  EXPECT_FALSE(live_.unpostpone_requested());
  EXPECT_THAT(Run("panic"), HasSubstr("--force-named-panic"));
  EXPECT_FALSE(live_.panic_requested());
  EXPECT_THAT(Run("panic=orders"), StartsWith("panic:"));
  EXPECT_TRUE(live_.panic_requested());
  EXPECT_THAT(Run("unpostpone=orders"), StartsWith("Unpostponed"));
  EXPECT_TRUE(live_.unpostpone_requested());
}

}  // namespace
}  // namespace safeddl::osc
