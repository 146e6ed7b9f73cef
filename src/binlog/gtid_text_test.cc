// GTIDs as text: one parsed, and GTID positions (lists, one per domain) compared.
#include <gtest/gtest.h>

#include "binlog/gtid_event.h"

namespace safeddl::binlog {
namespace {

TEST(GtidText, ParsedOneByOne) {
  Result<Gtid> g = ParseGtid("0-1-42");
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->domain_id, 0u);
  EXPECT_EQ(g->server_id, 1u);
  EXPECT_EQ(g->seq_no, 42u);
  EXPECT_EQ(ParseGtid("0-1").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseGtid("0-1-x").status().code(), StatusCode::kInvalidArgument);
}

TEST(GtidText, PositionsCompareByDomain) {
  Result<Gtid> g = ParseGtid("0-3310-42");
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->ToString(), "0-3310-42");
  EXPECT_FALSE(ParseGtid("a-b-c").ok());
  EXPECT_FALSE(ParseGtid("0-4294967296-1").ok());  // server_id beyond 32 bits
  EXPECT_EQ(SequenceInDomain("0-1-5, 2-7-9", 2), 9u);
  EXPECT_FALSE(SequenceInDomain("0-1-5", 3).has_value());
  EXPECT_TRUE(GtidPositionCovers("0-1-10,1-2-3", "0-5-10"));
  EXPECT_FALSE(GtidPositionCovers("0-1-9,1-2-3", "0-5-10"));
  EXPECT_FALSE(GtidPositionCovers("0-1-10", "0-1-10,1-2-1"));
  EXPECT_TRUE(GtidPositionCovers("0-1-10", ""));
}

}  // namespace
}  // namespace safeddl::binlog
