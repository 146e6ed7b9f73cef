#include "common/strings.h"

#include <gtest/gtest.h>

#include "common/clock.h"

namespace safeddl {
namespace {

TEST(StringsTest, SplitKeepsEmptyFields) {
  EXPECT_EQ(SplitString("a,,b", ','), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(SplitString("", ','), (std::vector<std::string>{""}));
}

TEST(StringsTest, ParseIntegersRejectJunkAndOverflow) {
  EXPECT_EQ(ParseInt64("-42"), -42);
  EXPECT_FALSE(ParseInt64("42x").has_value());
  EXPECT_FALSE(ParseInt64("").has_value());
  EXPECT_EQ(ParseUint64("18446744073709551615"), 18446744073709551615ULL);
  EXPECT_FALSE(ParseUint64("18446744073709551616").has_value());
}

TEST(StringsTest, TrimAndCase) {
  EXPECT_EQ(TrimWhitespace("  x y \n"), "x y");
  EXPECT_TRUE(EqualsIgnoreCase("ROW", "row"));
  EXPECT_FALSE(EqualsIgnoreCase("ROW", "rows"));
}

TEST(ClockTest, HumanDuration) {
  EXPECT_EQ(HumanDuration(0.34), "340ms");
  EXPECT_EQ(HumanDuration(1.25), "1.2s");
  EXPECT_EQ(HumanDuration(185), "3m05s");
  EXPECT_EQ(HumanDuration(7260), "2h01m");
}

TEST(ClockTest, ParseDurationText) {
  EXPECT_EQ(ParseDurationText("90"), std::chrono::seconds(90));
  EXPECT_EQ(ParseDurationText("90s"), std::chrono::seconds(90));
  EXPECT_EQ(ParseDurationText("30m"), std::chrono::seconds(1800));
  EXPECT_EQ(ParseDurationText("1h30m"), std::chrono::seconds(5400));
  EXPECT_EQ(ParseDurationText("1d"), std::chrono::seconds(86400));
  for (const char* bad : {"", "0", "h", "1x", "1h30", "-5m", "1.5h", "99999999999s"}) {
    EXPECT_FALSE(ParseDurationText(bad).has_value()) << bad;
  }
}

TEST(ClockTest, ParseDurationFlagAllowsZeroAndNamesTheFlag) {
  EXPECT_EQ(*ParseDurationFlag("--grace", "0"), std::chrono::seconds(0));
  EXPECT_EQ(*ParseDurationFlag("--grace", "0s"), std::chrono::seconds(0));
  EXPECT_EQ(*ParseDurationFlag("--grace", "2m"), std::chrono::seconds(120));
  Result<std::chrono::seconds> bad = ParseDurationFlag("--expire", "soon");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("--expire 'soon' is not a duration"), std::string::npos);
}

}  // namespace
}  // namespace safeddl
