#include "snapshot/take.h"

#include <gtest/gtest.h>

namespace safeddl::snapshot {
namespace {

TEST(CheckWhereTest, OneConditionIsAccepted) {
  EXPECT_TRUE(CheckWhere("").ok());
  EXPECT_TRUE(CheckWhere("id < 10 AND (v = ';' OR v IS NULL)").ok());
  EXPECT_TRUE(CheckWhere("note = 'a)b' -- a comment ;").ok());
}

TEST(CheckWhereTest, StackedOrUnbalancedTextIsRefused) {
  for (const char* bad :
       {"id = 1; DROP TABLE t", "id = 1)", "(id = 1", "id = 1) OR (1 = 1", "v = 'unterminated"}) {
    Status s = CheckWhere(bad);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace safeddl::snapshot
