// RowsJsonRenderer: writes the JSON lines of a rows event straight from its encoded row images
// (RowsEvent::encoded, see RowsDecoding::kDeferred) — the same bytes AppendJsonRowChange writes
// for the decoded rows, without building a Value, a RowChange or a string per value.
//
// The work per table is done once, when the renderer is made for a table map and its naming:
// each column gets a formatter (integers, DECIMAL, text, binary, DATETIME, TIMESTAMP, DATE) and
// its JSON key, escaped. Text that needs converting (charsets other than UTF-8, ASCII and
// latin1), UUID, INET6 and INET4 go the generic way. Column types without a formatter of their own,
// and values a formatter declines (a year past 9999, a byte sequence that is not a valid value), go
// through DecodeColumnValue + AppendJson, so both paths agree on them by construction; the test
// row_json_renderer_test compares the two over every column type.
//
// A renderer keeps the table map alive and scratch space: one per table map, one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "binlog/column_naming.h"
#include "binlog/output_buffer.h"
#include "binlog/rows_event.h"
#include "common/result.h"

namespace safeddl::binlog {

class RowsJsonRenderer {
 public:
  RowsJsonRenderer(std::shared_ptr<const TableMapEvent> table, const ColumnNaming& naming);

  // Appends one JSON line per row change of `event`, each starting with `prefix`
  // (JsonChangePrefix), except the first `skip` row changes, which are decoded but not written.
  // Returns the number of row changes in the event (skipped ones included). When a row image does
  // not decode, `out` is left as it was and the error is DecodeRows's.
  // REQUIRES: event.encoded is set and event.table is this renderer's table map.
  Result<uint64_t> Append(OutputBuffer& out, std::string_view prefix, const RowsEvent& event,
                          uint64_t skip = 0);

  // Events that went through DecodeRows because the direct path could not render them: each one
  // holds a row image that does not decode, unless the two paths disagree (a bug tests look for).
  uint64_t events_decoded() const { return events_decoded_; }

  // How a column's values are written (chosen from its ColumnDef and naming).
  enum class Format : uint8_t {
    kSigned,          // little-endian integer of `width` bytes
    kUnsigned,        // likewise, unsigned
    kUnsignedQuoted,  // BIGINT UNSIGNED: a string (JSON numbers lose precision past 2^53)
    kDecimal,
    kText,       // UTF-8, ASCII or unknown charset: valid UTF-8 as a string, else {"hex":..}
    kLatin1,     // converted to UTF-8
    kConverted,  // another ASCII-compatible charset: ASCII as it is, the rest as kGeneric
    kHex,        // binary strings and GEOMETRY: {"hex":..}, BINARY(n) padded to n bytes
    kDatetime2,
    kTimestamp2,
    kDate,
    kGeneric,  // DecodeColumnValue + AppendJson
  };
  struct Column {
    Format format = Format::kGeneric;
    uint8_t width = 0;  // integer bytes, string length-prefix bytes, temporal fsp
    uint8_t precision = 0;
    uint8_t scale = 0;
    uint32_t pad_to = 0;                // kHex: BINARY(n) values are n bytes
    bool reinterpret_unsigned = false;  // kGeneric: the schema says UNSIGNED
    std::string key;                    // ,"name": (the comma is left out for the first column)
  };

 private:
  // Renders all rows; false when a value does not decode (the caller falls back).
  bool AppendFast(OutputBuffer& out, std::string_view prefix, const RowsEvent& event, uint64_t skip,
                  uint64_t& rows);
  bool AppendImage(OutputBuffer& out, std::string_view key, const std::vector<uint32_t>& present,
                   std::string_view data, uint64_t base, size_t& pos);
  bool AppendGeneric(OutputBuffer& out, uint32_t i, std::string_view key, std::string_view data,
                     uint64_t base, size_t& pos);
  // The slow path for an event the fast one could not render: its error, or its lines.
  Result<uint64_t> AppendDecoded(OutputBuffer& out, std::string_view prefix, const RowsEvent& event,
                                 uint64_t skip);

  std::shared_ptr<const TableMapEvent> table_;
  ColumnNaming naming_;
  std::vector<Column> columns_;
  std::string suffix_;            // ,"names":"schema" when not from metadata; then "}\n"
  std::vector<uint32_t> before_;  // present columns of the current event's images
  std::vector<uint32_t> after_;
  std::string scratch_;
  uint64_t events_decoded_ = 0;
};

}  // namespace safeddl::binlog
