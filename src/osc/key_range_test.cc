#include "osc/key_range.h"

#include <gtest/gtest.h>

namespace safeddl::osc {
namespace {

TEST(KeyRangeTest, KindsByType) {
  EXPECT_EQ(MakeKeyColumn("a", "bigint", "", "")->kind, KeyColumnKind::kInteger);
  EXPECT_EQ(MakeKeyColumn("a", "decimal", "", "")->kind, KeyColumnKind::kDecimal);
  EXPECT_EQ(MakeKeyColumn("a", "varchar", "latin1", "latin1_swedish_ci")->kind,
            KeyColumnKind::kString);
  EXPECT_EQ(MakeKeyColumn("a", "varbinary", "", "")->kind, KeyColumnKind::kBinary);
  EXPECT_EQ(MakeKeyColumn("a", "datetime", "", "")->kind, KeyColumnKind::kQuotedText);
  EXPECT_EQ(MakeKeyColumn("a", "enum", "utf8mb4", "utf8mb4_general_ci")->kind,
            KeyColumnKind::kNumbered);
  auto f = MakeKeyColumn("f", "double", "", "");
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(f.status().message().find("`f`"), std::string::npos);
}

TEST(KeyRangeTest, SelectExpressionsAndLiterals) {
  const KeyColumn s = *MakeKeyColumn("n`m", "varchar", "latin1", "latin1_swedish_ci");
  EXPECT_EQ(SelectExpression(s), "HEX(`n``m`)");
  EXPECT_EQ(*RenderKeyLiteral(s, "E9"), "_latin1 X'E9' COLLATE latin1_swedish_ci");
  EXPECT_FALSE(RenderKeyLiteral(s, "zz").ok());
  const KeyColumn e = *MakeKeyColumn("e", "enum", "utf8mb4", "utf8mb4_general_ci");
  EXPECT_EQ(SelectExpression(e), "(`e` + 0)");
  const KeyColumn i = *MakeKeyColumn("id", "int", "", "");
  EXPECT_EQ(*RenderKeyLiteral(i, "-42"), "-42");
  EXPECT_FALSE(RenderKeyLiteral(i, "1; DROP TABLE t").ok());
  const KeyColumn d = *MakeKeyColumn("d", "decimal", "", "");
  EXPECT_EQ(*RenderKeyLiteral(d, "-1.50"), "-1.50");
  const KeyColumn t = *MakeKeyColumn("t", "datetime", "", "");
  EXPECT_EQ(*RenderKeyLiteral(t, "2026-11-22 08:00:00.123456"), "'2026-11-22 08:00:00.123456'");
  const KeyColumn b = *MakeKeyColumn("b", "varbinary", "", "");
  EXPECT_EQ(*RenderKeyLiteral(b, "00FF"), "X'00FF'");
}

TEST(KeyRangeTest, TupleComparisonExpandsForIndexUse) {
  const std::vector<KeyColumn> cols = {*MakeKeyColumn("a", "int", "", ""),
                                       *MakeKeyColumn("b", "int", "", "")};
  EXPECT_EQ(TupleComparison(cols, {"1", "2"}, TupleOp::kGreater),
            "((`a` > 1) OR (`a` = 1 AND `b` > 2))");
  EXPECT_EQ(TupleComparison(cols, {"1", "2"}, TupleOp::kLessOrEqual),
            "((`a` < 1) OR (`a` = 1 AND `b` < 2) OR (`a` = 1 AND `b` = 2))");
  EXPECT_EQ(TupleComparison({cols[0]}, {"5"}, TupleOp::kEqual, "`t`."), "(`t`.`a` = 5)");
}

TEST(KeyRangeTest, KeySetPredicateListsEveryKey) {
  const std::vector<KeyColumn> cols = {*MakeKeyColumn("a", "int", "", ""),
                                       *MakeKeyColumn("b", "varchar", "latin1", "latin1_bin")};
  EXPECT_EQ(KeySetPredicate({cols[0]}, {{"1"}, {"7"}}), "`a` IN (1, 7)");
  EXPECT_EQ(KeySetPredicate(cols, {{"1", "_latin1 X'61'"}, {"2", "_latin1 X'62'"}}),
            "((`a` = 1 AND `b` = _latin1 X'61') OR (`a` = 2 AND `b` = _latin1 X'62'))");
}

}  // namespace
}  // namespace safeddl::osc
