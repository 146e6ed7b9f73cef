// RowOp: one row change as a statement to run — the unit the flashback inverter produces and
// the SQL writer renders. Inversion (pure): an INSERT is undone by a DELETE of the inserted row,
// a DELETE by an INSERT of the deleted row, an UPDATE by an UPDATE back to the before image.
//
// The order of undo (rows newest first within an event, events newest first within a
// transaction, transactions newest first) is the reverse of the binlog order as a whole; the
// ReverseSpool (reverse_spool.h) produces it. Plain value types, pure functions: thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

#include "binlog/rows_event.h"

namespace safeddl::flashback {

enum class OpKind : uint8_t { kInsert, kUpdate, kDelete };

// "insert", "update", "delete".
std::string_view OpKindName(OpKind kind);

// The kind of the original row change.
OpKind OriginalKind(binlog::RowsKind kind);

// Views into the RowChange the operation comes from, which must outlive it.
struct RowOp {
  OpKind kind = OpKind::kInsert;
  // The row as it must be now (update, delete); null for inserts.
  const binlog::RowImage* current = nullptr;
  // The row as it is to become (insert, update); null for deletes.
  const binlog::RowImage* target = nullptr;
};

enum class Direction : uint8_t {
  kUndo,     // the inverse of the change
  kForward,  // the change itself (audit)
};

// The operation that undoes (kUndo) or repeats (kForward) `change` of a rows event of `kind`.
RowOp MakeRowOp(binlog::RowsKind kind, const binlog::RowChange& change, Direction direction);

}  // namespace safeddl::flashback
