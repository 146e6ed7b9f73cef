// WRITE/UPDATE/DELETE_ROWS events, v1 and v2 and MariaDB's compressed variants, decoded into row
// images of Values using the TABLE_MAP that precedes them — at once, or later (RowsDecoding::
// kDeferred: the event keeps its row images as logged, for DecodeRows or for a renderer that
// reads them directly, such as RowsJsonRenderer).
//
// A RowsEvent keeps a shared reference to its table map, so it stays self-describing after the
// parser has moved on. Values and encoded rows own their bytes. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "binlog/event_type.h"
#include "binlog/table_map_event.h"
#include "binlog/value.h"
#include "common/byte_reader.h"
#include "common/result.h"

namespace safeddl::binlog {

// Rows-event flags.
inline constexpr uint16_t kRowsFlagStmtEnd = 0x0001;
inline constexpr uint16_t kRowsFlagNoForeignKeyChecks = 0x0002;
inline constexpr uint16_t kRowsFlagRelaxedUniqueChecks = 0x0004;
inline constexpr uint16_t kRowsFlagCompleteRows = 0x0008;

// One row image: values[i] belongs to column i; columns missing from the image (MINIMAL or
// NOBLOB row images) hold ValueKind::kAbsent.
struct RowImage {
  std::vector<Value> values;
};

// Insert: only `after`; delete: only `before`; update: both.
struct RowChange {
  RowImage before;
  RowImage after;
};

// Row images not decoded yet: the bytes after the column bitmaps (decompressed for compressed
// events) and what error messages say about where they are.
struct EncodedRows {
  std::string bytes;
  uint64_t offset = 0;  // absolute offset of bytes[0]; 0 inside a decompressed payload
  std::string context;  // for compressed events: which event and payload; else empty
};

struct RowsEvent {
  RowsKind kind = RowsKind::kInsert;
  uint64_t table_id = 0;
  uint16_t flags = 0;
  uint64_t column_count = 0;
  std::vector<bool> before_columns;            // columns present in before images (delete/update)
  std::vector<bool> after_columns;             // columns present in after images (insert/update)
  std::shared_ptr<const TableMapEvent> table;  // null only for the row-less end-of-statement dummy
  std::vector<RowChange> rows;                 // empty with RowsDecoding::kDeferred
  std::optional<EncodedRows> encoded;          // set only with RowsDecoding::kDeferred

  bool end_of_statement() const { return (flags & kRowsFlagStmtEnd) != 0; }
  // Whether the event holds at least one row change (decoded or not).
  bool has_rows() const { return !rows.empty() || (encoded && !encoded->bytes.empty()); }
};

enum class RowsDecoding {
  kValues,    // decode the row images into `rows`
  kDeferred,  // keep them in `encoded`; only the post-header and bitmaps are read
};

using TableMaps = std::unordered_map<uint64_t, std::shared_ptr<const TableMapEvent>>;

// Parses a rows event body. `post_header_len` comes from the FORMAT_DESCRIPTION (8 for v1, 10 for
// v2 on current servers; 6 means a 4-byte table id). Corruption when the table id has no table
// map in `tables`, when the event's column count exceeds the map's, or on any bad value (with
// kDeferred: only bad values outside the row images).
Result<RowsEvent> ParseRowsEvent(ByteReader body, const RowsEventTraits& traits,
                                 uint8_t post_header_len, const TableMaps& tables,
                                 RowsDecoding decoding = RowsDecoding::kValues);

// The row changes of an event parsed with kDeferred, with the errors ParseRowsEvent would have
// returned for them. REQUIRES: event.encoded is set.
Result<std::vector<RowChange>> DecodeRows(const RowsEvent& event);

}  // namespace safeddl::binlog
