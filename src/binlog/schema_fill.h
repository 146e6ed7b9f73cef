// Completing a TABLE_MAP from the table's definition.
//
// With binlog_row_metadata=NO_LOG (MariaDB's default) the binlog says of each column only its
// type code, its length or precision and whether it is nullable; MINIMAL adds signedness and
// charsets. What it leaves out decides values: which integers are UNSIGNED (255 or -1), which
// charset text is in, ENUM/SET labels, that a BINARY(16) is a UUID or an INET6, the fractional
// digits of old-format temporal columns. The table's definition, read over a connection
// (schema_lookup.h), says all of it — but only for the row images written with that
// definition. So it is used only when it fits the table map: the same column count, and for
// every column the same type family, byte length, precision, scale, fractional digits, BIT
// width, ENUM/SET size and BLOB length bytes (SchemaMismatch). A definition that does not fit
// belongs to another time (an ALTER since); callers refuse rather than guess.
// Plain value types and pure functions: thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "binlog/table_map_event.h"

namespace safeddl::binlog {

// One column of the table's definition, in ordinal order (information_schema.COLUMNS).
struct SchemaColumn {
  std::string name;
  std::string data_type;  // DATA_TYPE, lower case: "int", "varchar", "inet6", ...
  bool is_unsigned = false;
  bool primary_key = false;
  uint8_t datetime_precision = 0;  // DATETIME_PRECISION: fractional digits of temporal columns
  // Collation id of character, ENUM and SET columns; kBinaryCollation for binary strings
  // (BINARY, VARBINARY, BLOB); nullopt for other types.
  std::optional<uint32_t> collation = std::nullopt;
  std::vector<std::string> elements = {};  // ENUM/SET labels, UTF-8, in definition order
  // For the fit check; 0 when the definition does not say (e.g. data-type plugins).
  uint64_t octet_length = 0;       // CHARACTER_OCTET_LENGTH
  uint32_t numeric_precision = 0;  // NUMERIC_PRECISION: DECIMAL digits, BIT width
  uint32_t numeric_scale = 0;      // NUMERIC_SCALE
};

// The labels of an information_schema COLUMN_TYPE "enum('a','b''c')" or "set(...)"; empty for
// other types. Inside a label the server doubles quotes and escapes a backslash, NUL, newline,
// carriage return and ^Z with a backslash (\\, \0, \n, \r, \Z).
std::vector<std::string> ParseEnumElements(std::string_view column_type);

// Whether a column logged as `column` can be the definition's `data_type`. Unknown data types
// fit.
bool SchemaTypeFits(const ColumnDef& column, std::string_view data_type);

// Empty when `schema` fits `table` (see the file comment), else the first difference:
// "column 2 (`name`) is varchar of 40 bytes in the definition but 10 in the binlog".
std::string SchemaMismatch(const TableMapEvent& table, const std::vector<SchemaColumn>& schema);

// Whether `table` has old-format TIME, DATETIME or TIMESTAMP columns (type codes 11, 12, 7).
// MariaDB logs its pre-5.6 TIME(n)/DATETIME(n)/TIMESTAMP(n) (tables created by MariaDB 5.3-10.0,
// or with mysql56_temporal_format=OFF) under these codes with no metadata, so the binlog does not
// say their fractional digits, and with them how many bytes their values take.
bool HasOldTemporalColumns(const TableMapEvent& table);

// The columns of `table` whose values the binlog alone does not render exactly, each with what
// is missing: "`u` (column 2): signedness". Empty when the table map carries all of it (FULL,
// or no such column). Data-type plugins are not listed: with FULL metadata a UUID's bytes are
// exact, only shown as hex.
std::vector<std::string> InexactColumns(const TableMapEvent& table);

struct SchemaFill {
  std::shared_ptr<const TableMapEvent> table;  // completed, or the input when nothing changed
  std::string mismatch;                        // why `schema` was not used; empty when it was
};

// `table` with everything the binlog left out taken from `schema`: signedness, collations, names,
// ENUM/SET labels (always the definition's UTF-8 ones), the data-type plugin of BINARY columns
// (UUID, INET6, INET4) and the digits of old-format temporal columns. What the binlog did log is
// kept. When `schema` is null or does not fit, `table` itself and the mismatch.
SchemaFill FillFromSchema(std::shared_ptr<const TableMapEvent> table,
                          const std::vector<SchemaColumn>* schema);

}  // namespace safeddl::binlog
