#include "osc/applier.h"

#include <fmt/format.h>

#include "binlog/value.h"
#include "common/strings.h"
#include "mysql/quote.h"
#include "mysql/retry.h"

namespace safeddl::osc {
namespace {

constexpr size_t kRowsPerStatement = 500;
constexpr size_t kRowsPerTransaction = 2000;

std::string QuotedTargets(const MigrationPlan& plan) {
  std::vector<std::string> cols;
  for (const auto& c : plan.mapping.shared) cols.push_back(*mysql::QuoteIdentifier(c.target));
  return JoinStrings(cols, ", ");
}

}  // namespace

std::vector<std::string> BatchStatements(const MigrationPlan& plan, const ChangeBatch& batch,
                                         size_t max_rows) {
  std::vector<std::string> out;
  const auto deletes = batch.Deletes();
  for (size_t i = 0; i < deletes.size(); i += max_rows) {
    std::vector<std::string> matches;
    for (size_t j = i; j < deletes.size() && j < i + max_rows; ++j) {
      matches.push_back(TupleComparison(plan.ghost_key, deletes[j], TupleOp::kEqual));
    }
    out.push_back(
        fmt::format("DELETE FROM {} WHERE {}", plan.q_ghost, JoinStrings(matches, " OR ")));
  }
  const auto upserts = batch.Upserts();
  const std::string targets = QuotedTargets(plan);
  for (size_t i = 0; i < upserts.size(); i += max_rows) {
    std::vector<std::string> rows;
    for (size_t j = i; j < upserts.size() && j < i + max_rows; ++j) {
      rows.push_back("(" + JoinStrings(upserts[j].values, ", ") + ")");
    }
    out.push_back(fmt::format("REPLACE INTO {} ({}) VALUES {}", plan.q_ghost, targets,
                              JoinStrings(rows, ", ")));
  }
  return out;
}

Result<KeyedRow> Applier::Keyed(const binlog::RowImage& image, bool with_values) const {
  if (image.values.size() != plan_.original.columns.size()) {
    return CorruptionError(fmt::format(
        "a binlog row of {} has {} columns, the table had {} when the migration started: the "
        "table was changed by someone else during the migration",
        plan_.q_original, image.values.size(), plan_.original.columns.size()));
  }
  KeyedRow row;
  for (size_t pos : plan_.key_positions) {
    const binlog::Value& v = image.values[pos];
    if (v.is_absent()) {
      return FailedPreconditionError(
          "a binlog row image lacks a key column: binlog_row_image must be FULL");
    }
    row.key.push_back(binlog::ToSqlLiteral(v));
  }
  if (with_values) {
    for (size_t pos : plan_.shared_positions) {
      const binlog::Value& v = image.values[pos];
      if (v.is_absent()) {
        return FailedPreconditionError(
            "a binlog row image lacks a column: binlog_row_image must be FULL");
      }
      row.values.push_back(binlog::ToSqlLiteral(v));
    }
  }
  return row;
}

Status Applier::Apply(const std::vector<binlog::RowsEvent>& events) {
  ChangeBatch batch;
  for (const binlog::RowsEvent& ev : events) {
    for (const binlog::RowChange& change : ev.rows) {
      switch (ev.kind) {
        case binlog::RowsKind::kInsert: {
          SAFEDDL_ASSIGN_OR_RETURN(KeyedRow after, Keyed(change.after, true));
          batch.Insert(std::move(after));
          break;
        }
        case binlog::RowsKind::kDelete: {
          SAFEDDL_ASSIGN_OR_RETURN(KeyedRow before, Keyed(change.before, false));
          batch.Delete(std::move(before));
          break;
        }
        case binlog::RowsKind::kUpdate: {
          SAFEDDL_ASSIGN_OR_RETURN(KeyedRow before, Keyed(change.before, false));
          SAFEDDL_ASSIGN_OR_RETURN(KeyedRow after, Keyed(change.after, true));
          batch.Update(std::move(before), std::move(after));
          break;
        }
      }
      if (batch.size() >= kRowsPerTransaction) SAFEDDL_RETURN_IF_ERROR(Flush(batch));
    }
  }
  return Flush(batch);
}

Status Applier::WriteOnce(const std::vector<std::string>& statements) {
  SAFEDDL_RETURN_IF_ERROR(conn_.Execute("START TRANSACTION"));
  for (const std::string& sql : statements) {
    Status s = conn_.Execute(sql);
    if (!s.ok()) {
      conn_.Execute("ROLLBACK").IgnoreError();
      return s;
    }
  }
  return conn_.Execute("COMMIT");
}

Status Applier::Flush(ChangeBatch& batch) {
  if (batch.empty()) return Status::OK();
  const std::vector<std::string> statements = BatchStatements(plan_, batch, kRowsPerStatement);
  // Lock waits and deadlocks with the copier's inserts into the ghost are expected: retry.
  SAFEDDL_RETURN_IF_ERROR(mysql::RetryWithBackoff(retry_, SystemClock::Get(), "apply", [&] {
                            return WriteOnce(statements);
                          }).WithContext("applying captured changes to " + plan_.q_ghost));
  rows_applied_ += static_cast<int64_t>(batch.changes_seen());
  statements_ += static_cast<int64_t>(statements.size());
  batch.Clear();
  return Status::OK();
}

}  // namespace safeddl::osc
