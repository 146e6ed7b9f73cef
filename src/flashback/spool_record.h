// SpoolRecord: what the collector writes to the ReverseSpool for each transaction boundary and
// each row, and its byte encoding (length-prefixed fields). A transaction is a kOpen record, its
// rows, and a kClose record; both boundary records carry the transaction's comment, so a reader
// going either way has it when the transaction starts. A row is a kStatement record (the SQL
// script: the statement itself) or a kChange record (--execute: the operation with its images
// as SQL literals, from which the executor renders single- or multi-row statements).
//
// A decoded record is a view: its string_views point into the encoded bytes, which must outlive
// it. Plain value type, pure functions: thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "flashback/row_op.h"
#include "flashback/sql_writer.h"

namespace safeddl::flashback {

enum class RecordType : uint8_t { kOpen = 1, kStatement = 2, kClose = 3, kChange = 4 };

struct SpoolRecord {
  RecordType type = RecordType::kStatement;
  // kOpen/kClose: the transaction's comment (without "-- "). kStatement: the statement.
  std::string_view text;
  // kChange: the table (an index into the collector's targets()), the operation, the kind of
  // the original change and where it is in the binlog ("mariadb-bin.000001:1234").
  uint32_t table = 0;
  LiteralOp op;
  OpKind original = OpKind::kInsert;
  std::string_view position;
};

// Appends the encoding of `record` to `out`.
void EncodeRecord(const SpoolRecord& record, std::string& out);

// Decodes one record that EncodeRecord wrote into `out` (reusing its storage; its views point
// into `bytes`). Corruption on anything else.
Status DecodeRecord(std::string_view bytes, SpoolRecord& out);

}  // namespace safeddl::flashback
