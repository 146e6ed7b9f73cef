// DDL statements in the binlog: is a statement DDL at all (IsDdlStatement: a table's definition
// read before it may not hold after it), and does it touch a given table (StatementTouchesTable:
// flashback refuses a range across a DDL on its table, the online ALTER one on the table it
// migrates). The check reads identifiers (backquoted or bare) and matches `db`.`t`, a bare `t`
// when the statement's default database is db, and DATABASE/SCHEMA db. It errs on the side of a
// match: a mention is enough. Pure functions: thread-safe.
#pragma once

#include <string_view>

namespace safeddl::binlog {

// CREATE, ALTER, DROP, RENAME or TRUNCATE, after leading blanks and comments.
bool IsDdlStatement(std::string_view statement);

// ALTER [ONLINE] [IGNORE] TABLE or TRUNCATE [TABLE] with `database`.`table` as its table: a
// statement that changes the table's rows or definition in place (not a mention elsewhere).
bool StatementAltersTable(std::string_view statement, std::string_view default_database,
                          std::string_view database, std::string_view table);

bool StatementTouchesTable(std::string_view statement, std::string_view default_database,
                           std::string_view database, std::string_view table);

}  // namespace safeddl::binlog
