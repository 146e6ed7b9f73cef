// The JSON-lines form of row changes printed by `safeddl binlog`: one object per row change,
//   {"gtid":"0-1-5","file":"mariadb-bin.000001","pos":1234,"ts":"2024-05-01T10:00:00Z",
//    "db":"shop","table":"orders","type":"update","before":{..},"after":{..}}
// with "before" for deletes and updates, "after" for inserts and updates, values rendered by
// ToJson (value.h), columns missing from a partial row image left out, and "names":"schema" or
// "names":"position" added when the names did not come from the table map's metadata.
// Pure functions: thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "binlog/column_naming.h"
#include "binlog/gtid_event.h"
#include "binlog/rows_event.h"

namespace safeddl::binlog {

// Where a row change sits in the binlog.
struct ChangeContext {
  const Gtid* gtid = nullptr;  // null outside a GTID group
  std::string_view file;
  uint64_t pos = 0;        // offset of the rows event
  uint32_t timestamp = 0;  // the rows event's header timestamp (seconds since the epoch, UTC)
};

// The value of column `i` as the naming says it is: re-interpreted as unsigned when only the
// schema knows the column is UNSIGNED.
Value NamedValue(const ColumnNaming& naming, const RowImage& image, size_t i);

// Appends one JSON line (with the trailing '\n') for `change` of `event` to `out`.
void AppendJsonRowChange(std::string& out, const ChangeContext& context, const RowsEvent& event,
                         const RowChange& change, const ColumnNaming& naming);

// The part of the line shared by every row change of `event` ({"gtid":.. through "type"), and
// the line built from it: the same result, without rebuilding the prefix for each row.
std::string JsonChangePrefix(const ChangeContext& context, const RowsEvent& event);
void AppendJsonRowChange(std::string& out, std::string_view prefix, const RowsEvent& event,
                         const RowChange& change, const ColumnNaming& naming);

// "2024-05-01T10:00:00Z".
std::string FormatEventTime(uint32_t timestamp);

}  // namespace safeddl::binlog
