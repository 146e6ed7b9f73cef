// ReverseAlter: the ALTER TABLE clauses that take a table from its definition after a change back
// to its definition before it, computed from the two `SHOW CREATE TABLE` texts (the "after" one
// is read from the server once the change was applied to an empty copy, so it is exact).
//
// Applied to the changed table, the clauses give back the original SHOW CREATE TABLE exactly
// (AUTO_INCREMENT=n aside): the same columns with the same definitions in the same order, the
// same indexes and constraints in the server's order, the same table options. Pure, thread-safe.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "plan/create_table_text.h"
#include "schema/alter_parser.h"

namespace safeddl::plan {

struct ReverseAlter {
  // Comma-separated clauses for ALTER TABLE <changed table> ...; empty when the definitions are
  // the same.
  std::string clauses;
  // Structural reasons the way back loses data, one sentence each ("column `c` was dropped: its
  // values are gone; `safeddl snapshot --where ...` keeps them"). Empty: lossless, as far as the
  // definitions tell (a type change can still lose values: see `changed_columns`).
  std::vector<std::string> lossy_reasons;
  // Columns whose definition the change alters and the reverse sets back (names before the
  // change): whether that is lossless depends on the values (the caller checks the data).
  std::vector<std::string> changed_columns;
};

// `renames` are the ALTER's column renames (before name -> after name, alter_parser.h); a column
// of `after` that is neither a before-column under its own name nor a rename target is an added
// one. Errors (kInvalidArgument): a rename names a column missing from either definition.
Result<ReverseAlter> ReverseOfChange(const ParsedCreateTable& before,
                                     const ParsedCreateTable& after,
                                     const std::vector<schema::ColumnRename>& renames);

}  // namespace safeddl::plan
