// Inversion of single row changes: INSERT<->DELETE, UPDATE swaps its images; forward keeps them.
#include "flashback/row_op.h"

#include <gtest/gtest.h>

#include "flashback/test_tables.h"

namespace safeddl::flashback {
namespace {

using testing::Image;

TEST(RowOpTest, UndoOfInsertDeletesTheInsertedRow) {
  binlog::RowChange change{{}, Image(1, "a")};
  const RowOp op = MakeRowOp(binlog::RowsKind::kInsert, change, Direction::kUndo);
  EXPECT_EQ(op.kind, OpKind::kDelete);
  EXPECT_EQ(op.current->values, Image(1, "a").values);
  EXPECT_EQ(op.target, nullptr);
}

TEST(RowOpTest, UndoOfDeleteInsertsTheWholeBeforeImage) {
  binlog::RowChange change{Image(1, "a"), {}};
  const RowOp op = MakeRowOp(binlog::RowsKind::kDelete, change, Direction::kUndo);
  EXPECT_EQ(op.kind, OpKind::kInsert);
  EXPECT_EQ(op.current, nullptr);
  EXPECT_EQ(op.target->values, Image(1, "a").values);
}

TEST(RowOpTest, UndoOfUpdateSwapsTheImages) {
  binlog::RowChange change{Image(1, "before"), Image(2, "after")};
  const RowOp op = MakeRowOp(binlog::RowsKind::kUpdate, change, Direction::kUndo);
  EXPECT_EQ(op.kind, OpKind::kUpdate);
  EXPECT_EQ(op.current->values, Image(2, "after").values);
  EXPECT_EQ(op.target->values, Image(1, "before").values);
}

TEST(RowOpTest, ForwardKeepsTheChange) {
  binlog::RowChange change{Image(1, "before"), Image(2, "after")};
  const RowOp op = MakeRowOp(binlog::RowsKind::kUpdate, change, Direction::kForward);
  EXPECT_EQ(op.kind, OpKind::kUpdate);
  EXPECT_EQ(op.current->values, Image(1, "before").values);
  EXPECT_EQ(op.target->values, Image(2, "after").values);
  EXPECT_EQ(OpKindName(OpKind::kDelete), "delete");
}

}  // namespace
}  // namespace safeddl::flashback
