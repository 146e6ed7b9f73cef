// RevertRecord: what `safeddl revert` needs to swap an online ALTER back, written by the cut-over
// as a row of `_<t>_ghr` (one per swap: its generation), which lives as long as the old table:
// - the binlog position P read under the cut-over's write lock: every change to the old table is
//   before P, and after P every row event of the table's name is a change to the new table (the
//   old one stays locked until the rename puts the new one in its place);
// - both definitions and the column mapping of the swap, and where the old table is kept.
// It is written with writes still locked, right before the rename, so a swap never happens
// without its record; a failed attempt deletes its row, and one left by a process that died in
// the attempt is told apart by the definitions (the table is not that record's new table). A
// revert is a swap too and writes the next generation.
// Functions are thread-compatible (one connection each).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "binlog/binlog_position.h"
#include "common/result.h"
#include "mysql/connection.h"
#include "osc/migration_plan.h"
#include "schema/column_mapping.h"

namespace safeddl::osc {

struct RevertRecord {
  int64_t generation = 1;           // 1 for an ALTER's swap, +1 for each revert since
  std::string alter;                // the change the swap made, as given
  binlog::BinlogPosition position;  // P
  std::string swapped_at;           // server time of the record (read back only)
  std::string old_table;            // the name the table from before the swap is kept under
  // schema::TableDefinition() texts (no AUTO_INCREMENT counter), both named as the table itself.
  std::string old_create;
  std::string new_create;
  // The swap's column mapping: source = the old table's name, target = the new table's.
  std::vector<schema::SharedColumn> mapping;
};

std::string RevertRecordCreateStatement(const MigrationPlan& plan);
// Writes the record of its generation into plan.q_revert.
Status SaveRevertRecord(mysql::Connection& conn, const MigrationPlan& plan,
                        const RevertRecord& record);
Status DeleteRevertRecord(mysql::Connection& conn, const MigrationPlan& plan, int64_t generation);
// Every record in `q_revert`, the newest generation first; empty when there is no such table.
Result<std::vector<RevertRecord>> LoadRevertRecords(mysql::Connection& conn,
                                                    const std::string& q_revert);

// `create` (a SHOW CREATE TABLE text) with the table's name after "CREATE TABLE " replaced by
// `name` (unquoted), so that definitions of differently named tables compare.
std::string DefinitionNamed(std::string create, std::string_view name);

}  // namespace safeddl::osc
