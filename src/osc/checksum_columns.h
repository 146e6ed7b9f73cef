// How the checksum compares one shared column of the original and the ghost: an SQL expression
// on each side whose CRC32s agree exactly when the ghost holds the original's value as the
// server converts it in the copy's INSERT ... SELECT. A column whose type does not change is
// compared as it is; a converted one (latin1 to utf8mb4, ENUM to VARCHAR, INT to BIGINT
// UNSIGNED, BINARY(4) to VARBINARY(4), DATETIME(6) to DATETIME(3), ...) through the conversion
// into the ghost's type (CONVERT ... USING, CAST ... AS), so a value the applier rendered wrongly
// differs. Conversions SQL cannot reproduce exactly (FLOAT/DOUBLE into text, BIT, JSON, spatial
// types, YEAR) are not compared, and the reason is given.
// Pure functions: thread-safe.
#pragma once

#include <optional>
#include <string>

#include "schema/table_schema.h"

namespace safeddl::osc {

struct ChecksumColumn {
  std::string name;      // the original's column name, for messages
  std::string original;  // SQL expression over the original's column
  std::string ghost;     // SQL expression over the ghost's column
};

// The expressions comparing `original` with `ghost`, or nullopt with the reason in `why`
// ("FLOAT/DOUBLE into text has no exact SQL form").
std::optional<ChecksumColumn> CompareExpressions(const schema::Column& original,
                                                 const schema::Column& ghost, std::string* why);

}  // namespace safeddl::osc
