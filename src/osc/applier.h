// Applier: writes captured row changes to the ghost table — full row images keyed by the shared
// key, reduced per key (change_batch.h), one transaction per batch: DELETE of removed keys, then
// REPLACE of the final images. Values are rendered from the binlog images exactly
// (binlog::ToSqlLiteral), so no row is read back from the original table. When the plan keeps
// ghost columns (plan.kept_columns, a revert's), their values in the rows about to be replaced
// are set aside first in a temporary table of the session, under the key each row has after the
// batch (an update may change it), and written back after the REPLACE; a row deleted and
// inserted again in the batch is a new row and keeps nothing. When the plan lists unfit values
// (plan.q_unfit, a revert's), a batch the server refuses for a value a column cannot hold is
// written again as the server converts it, and the rows concerned are listed
// (osc/unfit_values.h).
// Not thread-safe: one Applier per apply thread, with its own connection.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "binlog/binlog_position.h"
#include "binlog/rows_event.h"
#include "common/result.h"
#include "mysql/connection.h"
#include "mysql/retry.h"
#include "osc/change_batch.h"
#include "osc/changed_rows.h"
#include "osc/migration_plan.h"

namespace safeddl::osc {

// How an apply outside a migration (a snapshot, a replay) retries a batch the server refused for
// a passing reason (lock wait, deadlock), and how many row changes it drains at a time.
inline const mysql::RetryPolicy kStandaloneApplyRetries{
    .max_attempts = 10,
    .initial_backoff = std::chrono::milliseconds(100),
    .max_backoff = std::chrono::milliseconds(2000)};
inline constexpr size_t kStandaloneRowsPerDrain = 5000;

class Applier {
 public:
  // REQUIRES: `conn` prepared with PrepareSession() (session_setup.h); plan outlives the Applier.
  Applier(mysql::Connection& conn, const MigrationPlan& plan, const mysql::RetryPolicy& retry)
      : conn_(conn), plan_(plan), retry_(retry) {}

  // From now on, Apply() writes all its events in one transaction that also records `through`
  // in plan.q_applied under `label` (checkpoint.h: exactly-once resume).
  void RecordAppliedIn(std::string label) { record_label_ = std::move(label); }

  // Reduces `events` into batches and writes them. Corruption when an event's row image does not
  // match the original table's columns (the table changed under the migration). `through`: the
  // binlog position after the events (required once RecordAppliedIn was called).
  Status Apply(const std::vector<binlog::RowsEvent>& events,
               const binlog::BinlogPosition* through = nullptr);

  // From now on, Apply() notes the key of every row change it writes in `rows` (before writing
  // it), for the checksum (changed_rows.h). `rows` must outlive the Applier.
  void NoteKeysIn(ChangedRows* rows) { changed_ = rows; }

  int64_t rows_applied() const { return rows_applied_; }
  int64_t statements() const { return statements_; }

 private:
  Result<KeyedRow> Keyed(const binlog::RowImage& image, bool with_values) const;
  Status Flush(ChangeBatch& batch, const binlog::BinlogPosition* through);
  Status WriteOnce(const std::vector<std::string>& statements);
  // The batch without strict mode, one row per statement, listing the rows whose value the
  // server converted and taking the others off the list.
  Status WriteTolerating(const ChangeBatch& batch, const binlog::BinlogPosition* through);
  Status CreateKeptTable();
  // Statements that take the batch's rows off the unfit list, when it may hold any.
  Result<std::vector<std::string>> ForgetUnfit(const ChangeBatch& batch);

  mysql::Connection& conn_;
  const MigrationPlan& plan_;
  mysql::RetryPolicy retry_;
  int64_t rows_applied_ = 0;
  int64_t statements_ = 0;
  bool kept_table_ready_ = false;
  std::optional<bool> unfit_listed_;  // whether plan.q_unfit may hold rows (read once)
  std::string record_label_;
  ChangedRows* changed_ = nullptr;
};

// The SQL for one reduced batch (exposed for tests): DELETE statements then REPLACE statements,
// each holding at most `max_rows` rows; with kept columns, the statements that set them aside
// before anything else and write them back after the REPLACE.
struct BatchSql {
  std::vector<std::string> statements;
  // statements[first_replace + i] is the REPLACE of batch.Upserts() from i * max_rows on.
  size_t first_replace = 0;
};
BatchSql BatchStatements(const MigrationPlan& plan, const ChangeBatch& batch, size_t max_rows);

// The session's temporary table that holds kept columns during a batch: `db`.`_safeddl_kept`.
std::string KeptTable(const MigrationPlan& plan);

}  // namespace safeddl::osc
