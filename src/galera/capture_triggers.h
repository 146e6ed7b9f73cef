// The triggers that carry every change to the original table into the ghost during Galera's
// online copy (`--galera-method online`). On Galera a trigger fires on the node that takes the
// write, and its effects travel in the same write set as the write itself, so every node gets the
// original's change and the ghost's together, in one transaction; no binlog is needed and the
// ghost is never behind.
//
// For each row, in the ghost:
//   - INSERT: REPLACE the new row;
//   - UPDATE: when the key changed, the old key's row removed (as for DELETE); then REPLACE the
//     new row;
//   - DELETE: INSERT IGNORE the old row, then DELETE it.
// Each statement touches one row that is there (or is inserted), never a key that is absent:
// in REPEATABLE READ, a DELETE (or a locking read) that finds no row locks the gap around the
// key, and the application's transactions, which write rows not copied yet all into the same
// wide gaps, then deadlock on each other. A first version that deleted first and inserted only
// when nothing was deleted gave sysbench a thousand deadlocks a second (bench/galera_bench.sh).
// INSERT IGNORE then DELETE also makes the copy safe across nodes: a DELETE that finds no row
// writes no key of the ghost into the write set, so a copy chunk that read the row on another
// node just before would pass certification and leave the deleted row in the ghost; with the
// row written first the two write sets share the ghost's key and certification lets only one
// commit (a chunk that loses is retried).
// The cost: while the copy runs, an application write also writes the ghost, so a transaction's
// write set has two to three times its rows, which counts against wsrep_max_ws_rows; and a value
// the ghost refuses (a narrowed column) fails the application's write, as with
// pt-online-schema-change.
// Pure: the statements only.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "osc/migration_plan.h"

namespace safeddl::galera {

struct CaptureTrigger {
  std::string name;    // unquoted, in plan.database
  std::string event;   // INSERT, UPDATE or DELETE (the trigger is AFTER it)
  std::string body;    // BEGIN ... END: information_schema.TRIGGERS' ACTION_STATEMENT
  std::string create;  // CREATE TRIGGER ...
};

// A trigger as one node's information_schema.TRIGGERS shows it.
struct SeenTrigger {
  std::string name;
  std::string table;      // EVENT_OBJECT_TABLE
  std::string event;      // EVENT_MANIPULATION
  std::string timing;     // ACTION_TIMING
  std::string statement;  // ACTION_STATEMENT
};

// The three triggers, named after the ghost (`_t_gho_ins`, `_upd`, `_del`). InvalidArgument when
// a name would be longer than the server allows.
Result<std::vector<CaptureTrigger>> CaptureTriggers(const osc::MigrationPlan& plan);

// Whether a CREATE TRIGGER failed because the server misread a trigger already on the table:
// ER_PARSE_ERROR with "Trigger '...' has an error in its body". Under writes on two nodes,
// MariaDB 10.11 on Galera sometimes fails a capture trigger so, naming one created just before,
// whose text parses (3 times in about 95 runs of the flow-control test on the node the DDL was
// issued on; the same happens on the other nodes' appliers, see TriggerDifferences). The text
// safeddl wrote is sound, so dropping the triggers and creating them again is the answer.
bool ServerMisreadATrigger(const Status& s);

// Pure. How the triggers one node holds under the capture triggers' names (`seen`) differ from
// what it should hold: with `present`, each of `triggers` exactly, AFTER its event on
// `table`; without, none of them. One phrase per trigger ("`_t_gho_upd` is missing"); empty when
// the node holds what it should.
// Why a node can differ: Galera carries out a DDL on every node, and a node whose applier fails
// it (MariaDB 10.11 misreading a trigger, see above) only logs "WSREP: Ignoring error" and goes
// on (wsrep_ignore_apply_errors=7, the default): that node then takes writes without the
// trigger, and the ghost misses them on every node.
std::vector<std::string> TriggerDifferences(const std::vector<CaptureTrigger>& triggers,
                                            bool present, const std::string& table,
                                            const std::vector<SeenTrigger>& seen);

// DROP TRIGGER IF EXISTS for each.
std::vector<std::string> DropCaptureTriggers(const osc::MigrationPlan& plan,
                                             const std::vector<CaptureTrigger>& triggers);

}  // namespace safeddl::galera
