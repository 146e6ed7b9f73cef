// MakeSchemaLookup: a table's current columns from information_schema.COLUMNS, in the shape the
// binlog code asks for them (column naming, unsigned reinterpretation, the fractional digits of
// old-format temporal columns). Not thread-safe: the lookup uses one connection.
#pragma once

#include "binlog/event_parser.h"
#include "mysql/connection.h"

namespace safeddl::binlog {

using SchemaLookup = EventParserOptions::SchemaLookup;

// Lookups through `conn`, which must outlive the returned function. nullopt when the table does
// not exist.
SchemaLookup MakeSchemaLookup(mysql::Connection& conn);

}  // namespace safeddl::binlog
