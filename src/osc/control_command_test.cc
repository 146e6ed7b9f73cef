#include "osc/control_command.h"

#include <gtest/gtest.h>

namespace safeddl::osc {
namespace {

TEST(ControlCommandTest, NamesArgumentsAndQuestions) {
  auto c = ParseControlCommand("  chunk-size = 250 ");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->verb, ControlVerb::kChunkSize);
  EXPECT_EQ(c->argument, "250");
  EXPECT_FALSE(c->question);

  c = ParseControlCommand("max-load=?");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->verb, ControlVerb::kMaxLoad);
  EXPECT_TRUE(c->question);

  // Only the first '=' splits: the argument keeps its own.
  c = ParseControlCommand("max-load=Threads_running=50,Threads_connected=500");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->argument, "Threads_running=50,Threads_connected=500");

  c = ParseControlCommand(R"(throttle-query="SELECT \"x\" = 1")");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->verb, ControlVerb::kThrottleQuery);
  EXPECT_EQ(c->argument, R"(SELECT "x" = 1)");

  c = ParseControlCommand("throttle-http=http://lb:8080/ok");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->verb, ControlVerb::kThrottleHttp);
  EXPECT_EQ(c->argument, "http://lb:8080/ok");

  c = ParseControlCommand("cut-over=orders");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->verb, ControlVerb::kUnpostpone);
  EXPECT_EQ(c->argument, "orders");
}

// The name alone, for the interactive-command hook: unknown names too.
TEST(ControlCommandTest, NameIsWhatComesBeforeTheEqualsSign) {
  EXPECT_EQ(ControlCommandName("  chunk-size = 500 "), "chunk-size");
  EXPECT_EQ(ControlCommandName("panic\n"), "panic");
  EXPECT_EQ(ControlCommandName("frobnicate=x=y"), "frobnicate");
  EXPECT_EQ(ControlCommandName("  "), "");
}

TEST(ControlCommandTest, GhOstAliases) {
  const std::pair<const char*, ControlVerb> cases[] = {
      {"?", ControlVerb::kHelp},
      {"info", ControlVerb::kStatus},
      {"sup", ControlVerb::kSup},
      {"pause", ControlVerb::kThrottle},
      {"suspend", ControlVerb::kThrottle},
      {"unthrottle", ControlVerb::kNoThrottle},
      {"resume", ControlVerb::kNoThrottle},
      {"continue", ControlVerb::kNoThrottle},
      {"no-postpone", ControlVerb::kUnpostpone},
      {"unpostpone", ControlVerb::kUnpostpone},
      {"panic", ControlVerb::kPanic},
      {"nice-ratio=0.5", ControlVerb::kNiceRatio},
      {"throttle-control-replicas=h:1", ControlVerb::kThrottleControlReplicas},
      {"max-lag-millis=900", ControlVerb::kMaxLagMillis},
      {"critical-load=Threads_running=9", ControlVerb::kCriticalLoad},
      {"coordinates", ControlVerb::kCoordinates},
  };
  for (const auto& [line, verb] : cases) {
    SCOPED_TRACE(line);
    auto c = ParseControlCommand(line);
    ASSERT_TRUE(c.ok()) << c.status().message();
    EXPECT_EQ(c->verb, verb);
  }
}

TEST(ControlCommandTest, UnknownAndEmptyAreErrors) {
  auto c = ParseControlCommand("frobnicate=1");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(c.status().message(), "unknown command: frobnicate (try: help)");
  EXPECT_EQ(ParseControlCommand("   ").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseControlCommand("=5").status().code(), StatusCode::kInvalidArgument);
  // Case matters, as in gh-ost.
  EXPECT_FALSE(ParseControlCommand("STATUS").ok());
}

}  // namespace
}  // namespace safeddl::osc
