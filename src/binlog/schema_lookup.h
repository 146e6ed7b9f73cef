// MakeSchemaLookup: a table's definition from information_schema, in the shape the binlog code
// asks for it (SchemaColumn: names, signedness, collation ids, ENUM/SET labels, sizes), to
// complete table maps that binlog_row_metadata=NO_LOG/MINIMAL leave bare (schema_fill.h).
// Not thread-safe: the lookup uses one connection.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "binlog/event_parser.h"
#include "mysql/connection.h"

namespace safeddl::binlog {

using SchemaLookup = EventParserOptions::SchemaLookup;

// The columns of db.table in ordinal order; nullopt when the table does not exist.
Result<std::optional<std::vector<SchemaColumn>>> ReadTableDefinition(mysql::Connection& conn,
                                                                     const std::string& db,
                                                                     const std::string& table);

// Lookups through `conn`, which must outlive the returned function.
SchemaLookup MakeSchemaLookup(mysql::Connection& conn);

}  // namespace safeddl::binlog
