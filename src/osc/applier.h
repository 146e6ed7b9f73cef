// Applier: writes captured row changes to the ghost table — full row images keyed by the shared
// key, reduced per key (change_batch.h), one transaction per batch: DELETE of removed keys, then
// REPLACE of the final images. Values are rendered from the binlog images exactly
// (binlog::ToSqlLiteral), so no row is read back from the original table.
// Not thread-safe: one Applier per apply thread, with its own connection.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "binlog/rows_event.h"
#include "common/result.h"
#include "mysql/connection.h"
#include "mysql/retry.h"
#include "osc/change_batch.h"
#include "osc/migration_plan.h"

namespace safeddl::osc {

class Applier {
 public:
  // REQUIRES: `conn` prepared with PrepareSession() (session_setup.h); plan outlives the Applier.
  Applier(mysql::Connection& conn, const MigrationPlan& plan, const mysql::RetryPolicy& retry)
      : conn_(conn), plan_(plan), retry_(retry) {}

  // Reduces `events` into batches and writes them. Corruption when an event's row image does not
  // match the original table's columns (the table changed under the migration).
  Status Apply(const std::vector<binlog::RowsEvent>& events);

  int64_t rows_applied() const { return rows_applied_; }
  int64_t statements() const { return statements_; }

 private:
  Result<KeyedRow> Keyed(const binlog::RowImage& image, bool with_values) const;
  Status Flush(ChangeBatch& batch);
  Status WriteOnce(const std::vector<std::string>& statements);

  mysql::Connection& conn_;
  const MigrationPlan& plan_;
  mysql::RetryPolicy retry_;
  int64_t rows_applied_ = 0;
  int64_t statements_ = 0;
};

// The SQL for one reduced batch (exposed for tests): DELETE statements then REPLACE statements,
// each holding at most `max_rows` rows.
std::vector<std::string> BatchStatements(const MigrationPlan& plan, const ChangeBatch& batch,
                                         size_t max_rows);

}  // namespace safeddl::osc
