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

#include "binlog/schema_fill.h"
#include "binlog/table_map_event.h"

namespace safeddl::binlog {

enum class NameSource { kMetadata, kSchema, kPosition };

// "metadata", "schema", "position".
std::string_view NameSourceName(NameSource source);

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

}  // namespace safeddl::binlog
