// What a revert would lose, found in the table's current rows before anything is written: the
// checks `safeddl plan` makes of a change, made of the change back (the table's definition now to
// the old table's) — values the old columns cannot hold, duplicates under a unique key only the
// old table has, and data in the columns only the new table has.
//
// Reads only (one scan for the value checks, one GROUP BY per such key). Not thread-safe.
#pragma once

#include <vector>

#include "common/result.h"
#include "mysql/connection.h"
#include "osc/migration_plan.h"
#include "plan/data_risks.h"

namespace safeddl::revert {

struct RevertLosses {
  // Values that cannot be written to the old table as they are, and duplicates: the catch-up
  // cannot apply those rows, so the revert is refused until they are changed.
  std::vector<plan::Risk> refused;
  // Data in columns the old table does not have: lost by going back; refused unless the user
  // accepts it (--allow-lossy).
  std::vector<plan::Risk> lost;
  // Conversions the checks do not model: reported, not refused.
  std::vector<plan::Risk> unchecked;
};

Result<RevertLosses> FindRevertLosses(mysql::Connection& conn, const osc::MigrationPlan& plan);

}  // namespace safeddl::revert
