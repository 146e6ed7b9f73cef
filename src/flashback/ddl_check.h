// DDL check: does a statement from the binlog (a DDL in a standalone event group) touch a given
// table? Undo across a DDL on the same table would put row images into a different schema, so
// flashback refuses such a range. The check reads identifiers (backquoted or bare) and matches
// `db`.`t`, a bare `t` when the statement's default database is db, and DATABASE/SCHEMA db.
// It errs on the side of a match: a mention is enough. Pure function: thread-safe.
#pragma once

#include <string_view>

namespace safeddl::flashback {

bool StatementTouchesTable(std::string_view statement, std::string_view default_database,
                           std::string_view database, std::string_view table);

}  // namespace safeddl::flashback
