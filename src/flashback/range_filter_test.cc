// Range filters: tables and databases, SQL types, GTIDs.
#include "flashback/range_filter.h"

#include <gtest/gtest.h>

namespace safeddl::flashback {
namespace {

TEST(RangeFilterTest, Tables) {
  RangeFilter f;
  EXPECT_TRUE(f.TableSelected("d", "t"));
  f.tables = {"t", "e.u"};
  EXPECT_TRUE(f.TableSelected("d", "t"));
  EXPECT_TRUE(f.TableSelected("e", "u"));
  EXPECT_FALSE(f.TableSelected("d", "u"));
  EXPECT_FALSE(f.TableSelected("e", "x.u"));
  f.databases = {"e"};
  EXPECT_FALSE(f.TableSelected("d", "t"));
  EXPECT_TRUE(f.TableSelected("e", "t"));
}

TEST(RangeFilterTest, SqlTypes) {
  Result<std::vector<OpKind>> kinds = ParseSqlTypes({"insert", " Delete"});
  ASSERT_TRUE(kinds.ok());
  RangeFilter f;
  f.sql_types = *kinds;
  EXPECT_TRUE(f.KindSelected(OpKind::kInsert));
  EXPECT_TRUE(f.KindSelected(OpKind::kDelete));
  EXPECT_FALSE(f.KindSelected(OpKind::kUpdate));
  const Status bad = ParseSqlTypes({"upsert"}).status();
  EXPECT_EQ(bad.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.message().find("upsert"), std::string::npos);
}

TEST(RangeFilterTest, Gtid) {
  Result<binlog::Gtid> g = ParseGtid("0-1-42");
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->domain_id, 0u);
  EXPECT_EQ(g->server_id, 1u);
  EXPECT_EQ(g->seq_no, 42u);
  EXPECT_EQ(ParseGtid("0-1").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseGtid("0-1-x").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace safeddl::flashback
