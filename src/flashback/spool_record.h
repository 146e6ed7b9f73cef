// SpoolRecord: what the collector writes to the ReverseSpool for each transaction boundary and
// each row, and its byte encoding (length-prefixed fields). A transaction is a kOpen record, its
// rows, and a kClose record; both boundary records carry the transaction's comment, so a reader
// going either way has it when the transaction starts.
// Plain value type, pure functions: thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace safeddl::flashback {

enum class RecordType : uint8_t { kOpen = 1, kRow = 2, kClose = 3 };

struct SpoolRecord {
  RecordType type = RecordType::kRow;
  // kOpen/kClose: the transaction's comment (without "-- "). kRow: the plain statement.
  std::string text;
  // kRow with --execute: the guarded statement and the locking read (sql_writer.h).
  std::string guarded;
  std::string check;
  // kRow: which row, for reports ("`d`.`t` WHERE `id`=1, from mariadb-bin.000001:1234").
  std::string row;
};

// Appends the encoding of `record` to `out`.
void EncodeRecord(const SpoolRecord& record, std::string& out);

// Decodes one record that EncodeRecord wrote. Corruption on anything else.
Result<SpoolRecord> DecodeRecord(std::string_view bytes);

}  // namespace safeddl::flashback
