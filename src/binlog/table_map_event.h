// TABLE_MAP_EVENT (19): maps a table id to a database, table and column list before the row
// events that use it. Carries each column's type, per-type metadata and nullability, and with
// binlog_row_metadata=MINIMAL/FULL an optional-metadata block (signedness, charsets, names,
// ENUM/SET strings, geometry types, primary key) parsed by table_map_metadata.cc.
// Plain value types and pure functions: thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "binlog/column_type.h"
#include "common/byte_reader.h"
#include "common/result.h"

namespace safeddl::binlog {

// Post-header: table id (6 bytes; 4 on ancient servers whose post-header is 6) + flags u16.
inline constexpr uint8_t kTableMapPostHeaderLength = 8;

struct PrimaryKeyPart {
  uint32_t column = 0;
  uint32_t prefix_length = 0;  // 0 = whole column
  friend bool operator==(const PrimaryKeyPart&, const PrimaryKeyPart&) = default;
};

struct TableMapEvent {
  uint64_t table_id = 0;
  uint16_t flags = 0;
  std::string database;
  std::string table;
  std::vector<ColumnDef> columns;
  std::vector<PrimaryKeyPart> primary_key;  // from optional metadata; empty when not logged

  // Which optional metadata the server logged.
  bool has_signedness = false;
  bool has_charsets = false;
  bool has_column_names = false;
  bool has_primary_key = false;
};

// Parses the body of a TABLE_MAP event. `post_header_len` comes from the FORMAT_DESCRIPTION.
Result<TableMapEvent> ParseTableMapEvent(ByteReader body, uint8_t post_header_len);

// Fills derived fields (max_length, precision, ...) of `col` from its type and raw metadata.
// Corruption, naming `offset`, for metadata no server writes (DECIMAL(70,3), fsp 9, ...).
Status DeriveColumnMetadata(ColumnDef& col, uint64_t offset);

// Parses the optional-metadata TLV block that ends a TABLE_MAP event into `tm`.
Status ParseTableMapOptionalMetadata(ByteReader r, TableMapEvent& tm);

}  // namespace safeddl::binlog
