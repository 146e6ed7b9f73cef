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

}  // namespace
}  // namespace safeddl::flashback
