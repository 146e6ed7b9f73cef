#include "flashback/row_op.h"

namespace safeddl::flashback {

std::string_view OpKindName(OpKind kind) {
  switch (kind) {
    case OpKind::kInsert:
      return "insert";
    case OpKind::kUpdate:
      return "update";
    case OpKind::kDelete:
      return "delete";
  }
  return "unknown";
}

OpKind OriginalKind(binlog::RowsKind kind) {
  switch (kind) {
    case binlog::RowsKind::kInsert:
      return OpKind::kInsert;
    case binlog::RowsKind::kUpdate:
      return OpKind::kUpdate;
    case binlog::RowsKind::kDelete:
      return OpKind::kDelete;
  }
  return OpKind::kInsert;
}

RowOp MakeRowOp(binlog::RowsKind kind, const binlog::RowChange& change, Direction direction) {
  RowOp op;
  const OpKind original = OriginalKind(kind);
  if (direction == Direction::kForward) {
    op.kind = original;
    if (original != OpKind::kInsert) op.current = &change.before;
    if (original != OpKind::kDelete) op.target = &change.after;
    return op;
  }
  switch (original) {
    case OpKind::kInsert:  // the inserted row must go
      op.kind = OpKind::kDelete;
      op.current = &change.after;
      break;
    case OpKind::kDelete:  // the deleted row comes back, whole
      op.kind = OpKind::kInsert;
      op.target = &change.before;
      break;
    case OpKind::kUpdate:  // the row holds the after image and gets the before image back
      op.kind = OpKind::kUpdate;
      op.current = &change.after;
      op.target = &change.before;
      break;
  }
  return op;
}

}  // namespace safeddl::flashback
