// ValueFit: which values of a column a type change would alter or reject, as SQL the server
// evaluates over the table's current rows (plan counts them and shows a few keys).
//
// For a column's definition before and after a change (schema::Column, as introspected), returns
// predicates over the original column — true exactly for the rows whose value would not come
// through unchanged: out of the new type's range, cut to a shorter length, rounded to fewer
// digits or fractional seconds, characters the new charset cannot hold, NULL into NOT NULL, an
// ENUM/SET label the new list lacks. A change the rules do not model (say VARCHAR -> INT) is
// reported as unchecked, with the reason, never guessed. Pure, thread-safe.
#pragma once

#include <string>
#include <vector>

#include "schema/table_schema.h"

namespace safeddl::plan {

struct FitCheck {
  // "out_of_range", "truncated", "rounded", "unconvertible", "null_into_not_null", "not_in_list",
  // "padded" (zero bytes added by BINARY(n))
  std::string kind;
  // A boolean SQL expression over the original column (its name quoted with backticks, no table
  // qualifier): TRUE for a row whose value the change alters or rejects; FALSE or NULL otherwise.
  std::string predicate;
  // What it finds, for the report: "values above 127 or below -128 do not fit tinyint(4)".
  std::string detail;
};

struct FitAnalysis {
  std::vector<FitCheck> checks;
  // Non-empty when (part of) the change is not modelled: why ("int -> varchar(3) is not checked
  // against the data: a conversion between type families").
  std::string unchecked;
};

// `before` is the original column, `after` its definition in the changed table (possibly under
// another name: only its type, nullability, charset and collation matter).
FitAnalysis CheckValueFit(const schema::Column& before, const schema::Column& after);

}  // namespace safeddl::plan
