// Unfit values: the rows whose last applied change held a value the ghost's column cannot hold.
//
// A revert applies the changes made to the new table since the swap to the old table, whose
// columns may be narrower. A value written since then that the old column cannot hold stops a
// strict write; but when the row was changed again later (fixed), only the last value matters.
// So the applier, when the server refuses a batch for such a value (mysql::IsValueThatDoesNotFit),
// writes that batch again without strict mode, one row per statement, and lists in
// `_<t>_ghu` (plan.q_unfit) every row whose write raised a warning, with the warning; any later
// write or delete of the row takes it off the list. All of it in the batch's own transaction, so
// the list is exact at every applied position (a resumed run goes on with it). The swap is
// refused while the list is not empty: checked before the checksum and under the cut-over's lock.
// Pure SQL builders, plus the check.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "mysql/connection.h"
#include "osc/migration_plan.h"

namespace safeddl::osc {

struct UnfitRow {
  std::vector<std::string> key;  // the key's SQL literals, as the applier renders them
  std::string warning;           // what the server said about the value it converted
};

std::string UnfitValuesCreateStatement(const MigrationPlan& plan);

// Takes rows off the list: one statement per `max_keys` keys (none for no keys).
std::vector<std::string> ForgetUnfitStatements(const MigrationPlan& plan,
                                               const std::vector<std::vector<std::string>>& keys,
                                               size_t max_keys);
// Lists rows (none for no rows).
std::vector<std::string> RecordUnfitStatements(const MigrationPlan& plan,
                                               const std::vector<UnfitRow>& rows, size_t max_rows);

// `sql_mode` without STRICT_ALL_TABLES and STRICT_TRANS_TABLES.
std::string WithoutStrictModes(std::string_view sql_mode);

// "Data too long for column 'b' at row 1" → "Data too long for column 'b'": the row is the
// statement's, which means nothing to the reader.
std::string WithoutRowNumber(std::string_view warning);

// How many rows are listed (0 when the list does not exist yet).
Result<int64_t> CountUnfit(mysql::Connection& conn, const MigrationPlan& plan);

// FailedPrecondition naming how many rows and examples (keys and warnings), with what to do;
// OK when none are listed.
Status RefuseIfUnfit(mysql::Connection& conn, const MigrationPlan& plan);

}  // namespace safeddl::osc
