// TriggerCopy: carries the original table's triggers over to the new table
// (`--include-triggers`, gh-ost's meaning).
//
// The ghost must not have triggers while rows are copied or captured changes applied: the
// original's triggers already fired for those changes, and their effects on other tables are in
// the binlog on their own. So the triggers are created on the ghost during the cut-over, with
// writes to the table locked and every change before the lock applied, right before the rename;
// a failed attempt drops them again before the applier goes on. Trigger names are unique per
// schema and the original keeps its triggers until it is dropped, so the new ones carry
// `--trigger-suffix` (or lose it, with `--remove-trigger-suffix-if-exists`, when the original's
// name ends with it: migrations then alternate between the two names).
//
// Each trigger is recreated as the inspector read it (schema::Trigger: definer, body, sql_mode and
// connection collation), in its ACTION_ORDER. The one difference: the statement is sent as
// utf8mb4, so the new trigger records character_set_client utf8mb4.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "mysql/connection.h"
#include "schema/table_schema.h"

namespace safeddl::osc {

struct TriggerCopy {
  schema::Trigger original;
  std::string new_name;  // on the new table
};

// Pure. A suffix of letters, digits and underscores (gh-ost's rule).
Status CheckTriggerSuffix(std::string_view suffix);
// Pure. `name` + `suffix`; or, with `remove_suffix_if_exists` and `name` ending in `suffix`,
// `name` without it.
std::string NewTriggerName(std::string_view name, std::string_view suffix,
                           bool remove_suffix_if_exists);
// Pure. The CREATE TRIGGER of `t` on `q_table` (quoted, qualified) in schema `db`.
Result<std::string> CreateTriggerSql(const TriggerCopy& t, std::string_view db,
                                     std::string_view q_table);

// `table`'s triggers (as introspected, in creation order) with their new names. Refuses a new
// name that is too long or already taken in the schema.
Result<std::vector<TriggerCopy>> PlanTriggerCopies(mysql::Connection& conn,
                                                   const schema::TableSchema& table,
                                                   std::string_view suffix,
                                                   bool remove_suffix_if_exists);

// Creates every trigger on `q_table`. Changes the session's sql_mode and collation: use a
// connection of its own.
Status CreateTriggerCopies(mysql::Connection& conn, const std::vector<TriggerCopy>& triggers,
                           std::string_view db, std::string_view q_table);

// Drops every trigger on `db`.`table` (the ghost after a failed cut-over attempt, or left by a
// run that was killed during one). Returns how many it dropped.
Result<int> DropTriggersOn(mysql::Connection& conn, std::string_view db, std::string_view table);

}  // namespace safeddl::osc
