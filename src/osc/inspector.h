// Inspector: validates a requested online ALTER before anything is copied, and builds its plan.
//
// Refuses, with a message saying what to do, every case safeddl cannot migrate safely: missing
// table, binlog off / not ROW / not FULL, table renames, unapproved column renames, foreign keys
// (unless gh-ost's flags allow them), triggers (unless --include-triggers; then each is tried on
// the empty ghost, osc/trigger_copy.h), leftover helper tables, an ALTER the server rejects (tried
// on the empty ghost first), no shared PRIMARY or NOT NULL UNIQUE key. On success the ghost table
// exists, empty, with the new schema. Not thread-safe.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "mysql/connection.h"
#include "osc/migration_options.h"
#include "osc/migration_plan.h"

namespace safeddl::osc {

// `notes` receives one line per decision worth telling the user (ignored flags, columns the
// checksum cannot compare, ...).
Result<MigrationPlan> Inspect(mysql::Connection& conn, const MigrationOptions& options,
                              std::vector<std::string>* notes);

// The refusals that depend only on the table and the ALTER's text (renames without approval,
// foreign keys, triggers, engine, system versioning, clauses a copy cannot do), as Inspect makes
// them; `safeddl plan` asks the same question without creating anything.
Status RefuseUnsafe(const schema::TableSchema& t, const schema::AlterAnalysis& a,
                    const MigrationOptions& options, std::vector<std::string>* notes);

// Fills plan.mapping, plan.key and the key and checksum columns from plan.original, plan.ghost
// and plan.analysis, refusing what cannot be copied online (generated columns made ordinary, no
// shared unique key, a key column whose kind of values changes). `plan` of Inspect and of
// `safeddl plan` alike.
Status MapGhost(MigrationPlan& plan, bool skip_renamed_columns, std::vector<std::string>* notes);

// The part of MapGhost after the mapping: plan.key and the key and checksum columns, for a plan
// whose mapping is known (a revert's, the inverse of its swap's).
Status KeyAndColumns(MigrationPlan& plan, std::vector<std::string>* notes);

// Drops the ghost table (after a dry run or a failure before cut-over).
Status DropGhost(mysql::Connection& conn, const MigrationPlan& plan);

}  // namespace safeddl::osc
