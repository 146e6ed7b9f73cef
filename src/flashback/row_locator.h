// RowLocator: how the SQL writer finds a row again — by the primary key, else by a unique key
// whose columns are all present, else by every column with NULL-safe equality (`<=>`), leaving
// out FLOAT and DOUBLE columns (their text form is not an exact equality test).
// Plain value types, pure functions: thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "binlog/column_naming.h"
#include "binlog/table_map_event.h"

namespace safeddl::flashback {

enum class LocatorKind : uint8_t { kPrimaryKey, kUniqueKey, kAllColumns };

struct RowLocator {
  LocatorKind kind = LocatorKind::kAllColumns;
  std::vector<uint32_t> columns;  // table-map column indexes compared in the WHERE clause
  std::string key_name;           // "PRIMARY" or the unique key's name
};

// A unique key of the current schema: its name and its column names in key order.
struct UniqueKey {
  std::string name;
  std::vector<std::string> columns;
};

// True for FLOAT and DOUBLE columns: never compared for equality.
bool IsApproximateColumn(const binlog::ColumnDef& column);

// Chooses how rows of `table` are found. `unique_keys` come from the current schema (empty when
// there is no server); a key is usable when every column name is one of `naming.names`.
RowLocator ChooseLocator(const binlog::TableMapEvent& table, const binlog::ColumnNaming& naming,
                         const std::vector<UniqueKey>& unique_keys);

// The comment line that says how rows are found:
// "rows of `d`.`t` found by PRIMARY KEY (`id`)" or "... by all columns (NULL-safe <=>, no FLOAT
// or DOUBLE)".
std::string DescribeLocator(const RowLocator& locator, std::string_view quoted_table,
                            const binlog::ColumnNaming& naming);

}  // namespace safeddl::flashback
