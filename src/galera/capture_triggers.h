// The triggers that carry every change to the original table into the ghost during Galera's
// online copy (`--galera-method online`). On Galera a trigger fires on the node that takes the
// write, and its effects travel in the same write set as the write itself, so every node gets the
// original's change and the ghost's together, in one transaction; no binlog is needed and the
// ghost is never behind.
//
// For each row:
//   - INSERT: REPLACE the new row into the ghost;
//   - UPDATE: when the key changed, the old key's row is removed (as for DELETE); then REPLACE
//     the new row;
//   - DELETE: DELETE the old key's row from the ghost; when there was none (not copied yet),
//     INSERT IGNORE the old row, then DELETE it.
// That last step is what makes the copy safe across nodes: a DELETE that finds no row in the
// ghost writes nothing there, so its write set would carry no key of the ghost, and a copy chunk
// that read the row on another node, before the delete reached it, would pass certification and
// leave the deleted row in the ghost. Writing the row first puts the ghost's key into the write
// set, and certification then lets only one of the two commit (a chunk that loses is retried).
// The cost: while the copy runs, an application write also writes the ghost, so a transaction's
// write set has twice its rows (three times for rows deleted before they were copied), which
// counts against wsrep_max_ws_rows.
// Pure: the statements only.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "osc/migration_plan.h"

namespace safeddl::galera {

struct CaptureTrigger {
  std::string name;    // unquoted, in plan.database
  std::string create;  // CREATE TRIGGER ...
};

// The three triggers, named after the ghost (`_t_gho_ins`, `_upd`, `_del`). InvalidArgument when
// a name would be longer than the server allows.
Result<std::vector<CaptureTrigger>> CaptureTriggers(const osc::MigrationPlan& plan);

// DROP TRIGGER IF EXISTS for each.
std::vector<std::string> DropCaptureTriggers(const osc::MigrationPlan& plan,
                                             const std::vector<CaptureTrigger>& triggers);

}  // namespace safeddl::galera
