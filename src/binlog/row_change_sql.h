// The SQL form of row changes printed by `safeddl binlog --sql`: one statement per row change,
// on one line —
//   INSERT INTO `db`.`t` (`a`, `b`) VALUES (1, 'x');
//   UPDATE `db`.`t` SET `a`=2, `b`='y' WHERE `a`=1 LIMIT 1;
//   DELETE FROM `db`.`t` WHERE `a`=2 LIMIT 1;
// The WHERE clause uses the primary key when the naming knows it and the image holds it, else
// every column in the image with the NULL-safe `<=>`. Columns missing from a partial image are
// left out. Identifiers are quoted by mysql::QuoteIdentifier, values by ToSqlLiteral (value.h).
// Pure functions: thread-safe.
#pragma once

#include <string>

#include "binlog/column_naming.h"
#include "binlog/rows_event.h"
#include "common/result.h"

namespace safeddl::binlog {

// The statement (with ';', without a newline) for `change` of `event`. FailedPrecondition when
// the column names are only positional (no metadata and no fitting schema): a statement cannot
// name the columns then. InvalidArgument for names the server could not hold (empty, NUL).
Result<std::string> RowChangeToSql(const RowsEvent& event, const RowChange& change,
                                   const ColumnNaming& naming);

}  // namespace safeddl::binlog
