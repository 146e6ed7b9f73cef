// ColumnNaming: what to call the columns of a TABLE_MAP when printing its rows, and where the
// names came from — the table map's optional metadata (binlog_row_metadata=FULL), else the
// table's current schema, else their positions (@1..@n).
//
// The current schema may differ from the one the event was written with (an ALTER since): a
// column count or type that does not fit the table map is reported as a mismatch and the schema
// is not used, so values are never put under the wrong names.
// Plain value types and pure functions: thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "binlog/table_map_event.h"

namespace safeddl::binlog {

enum class NameSource { kMetadata, kSchema, kPosition };

// "metadata", "schema", "position".
std::string_view NameSourceName(NameSource source);

// One column of the current schema, in ordinal order (information_schema.COLUMNS).
struct SchemaColumn {
  std::string name;
  std::string data_type;  // DATA_TYPE, lower case: "int", "varchar", "inet6", ...
  bool is_unsigned = false;
  bool primary_key = false;
  uint8_t datetime_precision = 0;  // DATETIME_PRECISION: fractional digits of temporal columns
};

struct ColumnNaming {
  NameSource source = NameSource::kPosition;
  std::vector<std::string> names;  // one per table-map column
  // Per column: the decoder saw no signedness metadata, but the schema says UNSIGNED, so the
  // value must be re-interpreted (ReinterpretUnsigned).
  std::vector<bool> unsigned_from_schema;
  std::vector<uint32_t> primary_key;  // column indexes; empty when unknown
  std::string mismatch;               // why the schema was not used; empty when it was not needed
                                      // or fitted
};

// `schema` is null when no schema is available (no server, or the table is gone).
ColumnNaming ResolveColumnNaming(const TableMapEvent& table,
                                 const std::vector<SchemaColumn>* schema);

// Whether a column logged as `column` can be the schema's `data_type`. Unknown data types fit.
bool SchemaTypeFits(const ColumnDef& column, std::string_view data_type);

// Whether `table` has old-format TIME, DATETIME or TIMESTAMP columns (type codes 11, 12, 7).
// MariaDB logs its pre-5.6 TIME(n)/DATETIME(n)/TIMESTAMP(n) (tables created by MariaDB 5.3-10.0,
// or with mysql56_temporal_format=OFF) under these codes with no metadata, so the binlog does not
// say their fractional digits, and with them how many bytes their values take.
bool HasOldTemporalColumns(const TableMapEvent& table);

// `table` with the fractional digits of its old-format temporal columns (ColumnDef::scale) taken
// from `schema`, the table's current columns; `table` itself when it has no such column, when
// `schema` is null or does not fit the table map (see SchemaTypeFits), or when nothing changes.
// An ALTER that changed only the digits since the event was written cannot be noticed.
std::shared_ptr<const TableMapEvent> WithSchemaTemporalDigits(
    std::shared_ptr<const TableMapEvent> table, const std::vector<SchemaColumn>* schema);

}  // namespace safeddl::binlog
