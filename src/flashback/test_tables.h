// Test-only helpers: hand-built table maps and row images for the flashback unit tests.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "binlog/rows_event.h"
#include "binlog/table_map_event.h"

namespace safeddl::flashback::testing {

inline constexpr uint32_t kUtf8mb4 = 45;

// `d`.`t` (id INT, v VARCHAR, f DOUBLE, b VARBINARY), names from metadata; PK id when `pk`.
inline std::shared_ptr<const binlog::TableMapEvent> Table(bool pk = true, uint64_t id = 7) {
  auto t = std::make_shared<binlog::TableMapEvent>();
  t->table_id = id;
  t->database = "d";
  t->table = "t";
  auto column = [](binlog::ColumnType type, const char* name) {
    binlog::ColumnDef c;
    c.type = c.real_type = type;
    c.name = name;
    return c;
  };
  t->columns = {column(binlog::ColumnType::kLong, "id"), column(binlog::ColumnType::kVarchar, "v"),
                column(binlog::ColumnType::kDouble, "f"),
                column(binlog::ColumnType::kVarchar, "b")};
  t->has_column_names = true;
  t->has_signedness = true;
  if (pk) {
    t->has_primary_key = true;
    t->primary_key = {{0, 0}};
  }
  return t;
}

inline binlog::RowImage Image(std::optional<int64_t> id, std::string v, double f = 1.5,
                              std::string b = "\x01\xff") {
  binlog::RowImage r;
  r.values.push_back(id ? binlog::Value::Int(binlog::ColumnType::kLong, *id)
                        : binlog::Value::Null(binlog::ColumnType::kLong));
  r.values.push_back(binlog::Value::String(binlog::ColumnType::kVarchar, v, kUtf8mb4));
  r.values.push_back(binlog::Value::Double(f));
  r.values.push_back(
      binlog::Value::String(binlog::ColumnType::kVarchar, b, binlog::kBinaryCollation));
  return r;
}

}  // namespace safeddl::flashback::testing
