// RevertSetup: what one `safeddl revert` stands on — the record of the swap to undo
// (osc/revert_record.h), chosen as the newest one that matches the tables as they are now, and the
// plan of the migration back: the table (that swap's new table) as the original, the kept old
// table as the ghost, the swap's column mapping inverted, and the old table's columns the new one
// lacks kept as they are in every row the catch-up replaces (osc/applier.h). The swap back goes
// through a sentry `_<t>_ghs` and leaves the table it replaces under the old table's name, so a
// revert can itself be reverted.
//
// Reads only. Not thread-safe (one connection).
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "mysql/connection.h"
#include "osc/migration_plan.h"
#include "osc/revert_record.h"

namespace safeddl::revert {

struct RevertSetup {
  osc::RevertRecord record;
  osc::MigrationPlan plan;
  std::vector<std::string> notes;
  // The label of this revert (its checkpoint and its own record carry it): "revert of swap N
  // (<the swap's change>)".
  std::string label;
};

// `force_table_names` as given to the alter (the helper tables' prefix). Refuses, saying what
// to do: no record (the change was not made online by safeddl, or with --ok-to-drop-table), the
// old table gone, the table or the old table changed since the swap, triggers on the old table
// (replaying changes into it would fire them).
Result<RevertSetup> PrepareRevert(mysql::Connection& conn, const std::string& db,
                                  const std::string& table, const std::string& force_table_names);

// The revert plan's mapping: the record's inverted onto the current tables (pure; exposed for
// tests). `now` is the table (the swap's new table), `old` the kept one.
schema::ColumnMapping InvertMapping(const std::vector<schema::SharedColumn>& swap,
                                    const schema::TableSchema& now, const schema::TableSchema& old);

}  // namespace safeddl::revert
