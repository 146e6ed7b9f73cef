// IntrospectTable: reads one table's definition from a live server into a TableSchema.
//
// Sources: information_schema.TABLES, COLUMNS, STATISTICS, KEY_COLUMN_USAGE joined with
// REFERENTIAL_CONSTRAINTS (both directions), TRIGGERS, and SHOW CREATE TABLE. Every identifier and
// value reaches the SQL through mysql::QuoteIdentifier / QuoteString.
//
// information_schema is not transactional: a concurrent DDL between the queries can yield a
// mixed view. Callers that need certainty re-introspect after taking a metadata lock.
// Stateless; uses only the given connection (not thread-safe, like the Connection itself).
#pragma once

#include <string_view>

#include "common/result.h"
#include "mysql/connection.h"
#include "schema/table_schema.h"

namespace safeddl::schema {

// REQUIRES: `conn` connected. Errors: kNotFound "table `db`.`t` does not exist"; kUnsupported for
// a view or a sequence; server errors (e.g. kAccessDenied) as the connection reports them.
// Notes: the parent-side foreign key query scans every schema's KEY_COLUMN_USAGE, which is slow on
// servers with very many tables; triggers are visible only with the TRIGGER privilege.
Result<TableSchema> IntrospectTable(mysql::Connection& conn, std::string_view db,
                                    std::string_view table);

// SHOW CREATE TABLE of `quoted` (`db`.`t`) without its AUTO_INCREMENT=N counter (which moves with
// every insert, and differs between servers): equal texts mean the same definition.
Result<std::string> TableDefinition(mysql::Connection& conn, const std::string& quoted);

// Whether `db`.`table` exists (a table, view or sequence: information_schema.TABLES).
Result<bool> TableExists(mysql::Connection& conn, std::string_view db, std::string_view table);

}  // namespace safeddl::schema
