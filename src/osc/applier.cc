#include "osc/applier.h"

#include <fmt/format.h>

#include "binlog/value.h"
#include "common/log.h"
#include "common/strings.h"
#include "mysql/errors.h"
#include "mysql/quote.h"
#include "mysql/retry.h"
#include "osc/checkpoint.h"
#include "osc/unfit_values.h"

namespace safeddl::osc {
namespace {

constexpr size_t kRowsPerStatement = 500;
constexpr size_t kRowsPerTransaction = 2000;

std::string QuotedTargets(const MigrationPlan& plan) {
  std::vector<std::string> cols;
  for (const auto& c : plan.mapping.shared) cols.push_back(*mysql::QuoteIdentifier(c.target));
  return JoinStrings(cols, ", ");
}

// The ghost's key columns, then its kept columns, quoted.
std::string KeyAndKept(const MigrationPlan& plan) {
  std::vector<std::string> cols;
  for (const KeyColumn& k : plan.ghost_key) cols.push_back(*mysql::QuoteIdentifier(k.name));
  for (const std::string& c : plan.kept_columns) cols.push_back(*mysql::QuoteIdentifier(c));
  return JoinStrings(cols, ", ");
}

std::string MatchAny(const MigrationPlan& plan, const std::vector<std::vector<std::string>>& keys,
                     size_t from, size_t max_rows) {
  std::vector<std::string> matches;
  for (size_t j = from; j < keys.size() && j < from + max_rows; ++j) {
    matches.push_back(TupleComparison(plan.ghost_key, keys[j], TupleOp::kEqual));
  }
  return JoinStrings(matches, " OR ");
}

// The keys a batch writes or deletes: what it takes off the unfit list.
std::vector<std::vector<std::string>> TouchedKeys(const ChangeBatch& batch) {
  std::vector<std::vector<std::string>> keys = batch.Deletes();
  for (KeyedRow& row : batch.Upserts()) keys.push_back(std::move(row.key));
  return keys;
}

}  // namespace

std::string KeptTable(const MigrationPlan& plan) {
  return *mysql::QuoteQualified(plan.database, "_safeddl_kept");
}

BatchSql BatchStatements(const MigrationPlan& plan, const ChangeBatch& batch, size_t max_rows) {
  BatchSql sql;
  std::vector<std::string>& out = sql.statements;
  const auto upserts = batch.Upserts();
  if (!plan.kept_columns.empty() && !upserts.empty()) {
    // Set aside, before anything changes, the kept columns of the rows about to be replaced,
    // under the key each will have after the batch.
    out.push_back("DELETE FROM " + KeptTable(plan));
    const auto origins = batch.Origins();
    std::vector<std::vector<std::string>> read, moved_from, moved_to;
    for (size_t i = 0; i < upserts.size(); ++i) {
      if (origins[i].empty()) continue;  // a new row: nothing to keep
      read.push_back(origins[i]);
      if (origins[i] != upserts[i].key) {
        moved_from.push_back(origins[i]);
        moved_to.push_back(upserts[i].key);
      }
    }
    for (size_t i = 0; i < read.size(); i += max_rows) {
      std::vector<std::string> select;
      for (size_t k = 0; k < plan.ghost_key.size(); ++k) {
        const std::string col = *mysql::QuoteIdentifier(plan.ghost_key[k].name);
        if (moved_from.empty()) {
          select.push_back(col);
          continue;
        }
        std::string expr = "CASE";
        for (size_t m = 0; m < moved_from.size(); ++m) {
          expr += fmt::format(" WHEN {} THEN {}",
                              TupleComparison(plan.ghost_key, moved_from[m], TupleOp::kEqual),
                              moved_to[m][k]);
        }
        select.push_back(fmt::format("{} ELSE {} END", expr, col));
      }
      for (const std::string& c : plan.kept_columns) select.push_back(*mysql::QuoteIdentifier(c));
      out.push_back(fmt::format("INSERT INTO {} SELECT {} FROM {} WHERE {}", KeptTable(plan),
                                JoinStrings(select, ", "), plan.q_ghost,
                                MatchAny(plan, read, i, max_rows)));
    }
  }
  const auto deletes = batch.Deletes();
  for (size_t i = 0; i < deletes.size(); i += max_rows) {
    out.push_back(
        fmt::format("DELETE FROM {} WHERE {}", plan.q_ghost, MatchAny(plan, deletes, i, max_rows)));
  }
  const std::string targets = QuotedTargets(plan);
  sql.first_replace = out.size();
  for (size_t i = 0; i < upserts.size(); i += max_rows) {
    std::vector<std::string> rows;
    for (size_t j = i; j < upserts.size() && j < i + max_rows; ++j) {
      rows.push_back("(" + JoinStrings(upserts[j].values, ", ") + ")");
    }
    out.push_back(fmt::format("REPLACE INTO {} ({}) VALUES {}", plan.q_ghost, targets,
                              JoinStrings(rows, ", ")));
  }
  if (!plan.kept_columns.empty() && !upserts.empty()) {
    std::vector<std::string> on, set;
    for (const KeyColumn& k : plan.ghost_key) {
      on.push_back(fmt::format("g.{0} = k.{0}", *mysql::QuoteIdentifier(k.name)));
    }
    for (const std::string& name : plan.kept_columns) {
      set.push_back(fmt::format("g.{0} = k.{0}", *mysql::QuoteIdentifier(name)));
    }
    out.push_back(fmt::format("UPDATE {} AS g JOIN {} AS k ON {} SET {}", plan.q_ghost,
                              KeptTable(plan), JoinStrings(on, " AND "), JoinStrings(set, ", ")));
  }
  return sql;
}

Status Applier::CreateKeptTable() {
  if (plan_.kept_columns.empty() || kept_table_ready_) return Status::OK();
  SAFEDDL_RETURN_IF_ERROR(conn_.Execute(
      fmt::format("CREATE TEMPORARY TABLE IF NOT EXISTS {} ENGINE=InnoDB SELECT {} FROM {} "
                  "LIMIT 0",
                  KeptTable(plan_), KeyAndKept(plan_), plan_.q_ghost)));
  kept_table_ready_ = true;
  return Status::OK();
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

Status Applier::Apply(const std::vector<binlog::RowsEvent>& events,
                      const binlog::BinlogPosition* through) {
  const bool one_transaction = !record_label_.empty();
  if (one_transaction && through == nullptr) {
    return InternalError("an apply that records its position needs the position");
  }
  ChangeBatch batch;
  std::vector<KeyLiterals> keys;  // noted before each write (changed_)
  auto flush = [&](const binlog::BinlogPosition* at) {
    if (changed_ != nullptr) changed_->NoteKeys(keys);
    keys.clear();
    return Flush(batch, at);
  };
  for (const binlog::RowsEvent& ev : events) {
    for (const binlog::RowChange& change : ev.rows) {
      switch (ev.kind) {
        case binlog::RowsKind::kInsert: {
          SAFEDDL_ASSIGN_OR_RETURN(KeyedRow after, Keyed(change.after, true));
          if (changed_ != nullptr) keys.push_back(after.key);
          batch.Insert(std::move(after));
          break;
        }
        case binlog::RowsKind::kDelete: {
          SAFEDDL_ASSIGN_OR_RETURN(KeyedRow before, Keyed(change.before, false));
          if (changed_ != nullptr) keys.push_back(before.key);
          batch.Delete(std::move(before));
          break;
        }
        case binlog::RowsKind::kUpdate: {
          SAFEDDL_ASSIGN_OR_RETURN(KeyedRow before, Keyed(change.before, false));
          SAFEDDL_ASSIGN_OR_RETURN(KeyedRow after, Keyed(change.after, true));
          if (changed_ != nullptr) {
            keys.push_back(before.key);
            if (after.key != before.key) keys.push_back(after.key);
          }
          batch.Update(std::move(before), std::move(after));
          break;
        }
      }
      if (!one_transaction && batch.size() >= kRowsPerTransaction) {
        SAFEDDL_RETURN_IF_ERROR(flush(nullptr));
      }
    }
  }
  return flush(one_transaction ? through : nullptr);
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

Result<std::vector<std::string>> Applier::ForgetUnfit(const ChangeBatch& batch) {
  if (plan_.q_unfit.empty()) return std::vector<std::string>();
  if (!unfit_listed_) {
    SAFEDDL_ASSIGN_OR_RETURN(int64_t listed, CountUnfit(conn_, plan_));
    unfit_listed_ = listed > 0;
  }
  if (!*unfit_listed_) return std::vector<std::string>();
  return ForgetUnfitStatements(plan_, TouchedKeys(batch), kRowsPerStatement);
}

Status Applier::WriteTolerating(const ChangeBatch& batch, const binlog::BinlogPosition* through) {
  const BatchSql sql = BatchStatements(plan_, batch, 1);
  const std::vector<KeyedRow> upserts = batch.Upserts();
  SAFEDDL_ASSIGN_OR_RETURN(std::optional<std::string> mode,
                           conn_.QueryValue("SELECT @@SESSION.sql_mode"));
  SAFEDDL_RETURN_IF_ERROR(conn_.Execute("SET SESSION sql_mode = " +
                                        mysql::QuoteString(WithoutStrictModes(mode.value_or("")))));
  auto write = [&]() -> Status {
    SAFEDDL_RETURN_IF_ERROR(conn_.Execute("START TRANSACTION"));
    std::vector<UnfitRow> unfit;
    for (size_t i = 0; i < sql.statements.size(); ++i) {
      SAFEDDL_RETURN_IF_ERROR(conn_.Execute(sql.statements[i]));
      if (i < sql.first_replace || i >= sql.first_replace + upserts.size() ||
          conn_.warnings() == 0) {
        continue;
      }
      SAFEDDL_ASSIGN_OR_RETURN(mysql::ResultSet warnings, conn_.Query("SHOW WARNINGS"));
      std::vector<std::string> said;
      for (const auto& w : warnings.rows()) {
        if (w[0].value_or("") != "Note") said.push_back(WithoutRowNumber(w[2].value_or("")));
      }
      if (!said.empty()) {
        unfit.push_back({upserts[i - sql.first_replace].key, JoinStrings(said, "; ")});
      }
    }
    std::vector<std::string> tail =
        ForgetUnfitStatements(plan_, TouchedKeys(batch), kRowsPerStatement);
    for (std::string& s : RecordUnfitStatements(plan_, unfit, kRowsPerStatement)) {
      tail.push_back(std::move(s));
    }
    if (through != nullptr) {
      tail.push_back(SaveAppliedPositionStatement(plan_, record_label_, *through));
    }
    for (const std::string& s : tail) SAFEDDL_RETURN_IF_ERROR(conn_.Execute(s));
    SAFEDDL_RETURN_IF_ERROR(conn_.Execute("COMMIT"));
    if (!unfit.empty()) {
      unfit_listed_ = true;
      LogWarning(
          "{} row(s) changed in {} hold values the columns of {} cannot hold (e.g. key ({}): "
          "{}); written as the server converts them, and the swap waits until they are "
          "changed again",
          unfit.size(), plan_.q_original, plan_.q_ghost, JoinStrings(unfit[0].key, ", "),
          unfit[0].warning);
    }
    return Status::OK();
  };
  Status s = write();
  if (!s.ok()) conn_.Execute("ROLLBACK").IgnoreError();
  Status restored =
      conn_.Execute("SET SESSION sql_mode = " + mysql::QuoteString(mode.value_or("")));
  return s.ok() ? restored : s;
}

Status Applier::Flush(ChangeBatch& batch, const binlog::BinlogPosition* through) {
  if (batch.empty()) return Status::OK();
  SAFEDDL_RETURN_IF_ERROR(CreateKeptTable());
  std::vector<std::string> statements = BatchStatements(plan_, batch, kRowsPerStatement).statements;
  SAFEDDL_ASSIGN_OR_RETURN(std::vector<std::string> forget, ForgetUnfit(batch));
  for (std::string& s : forget) statements.push_back(std::move(s));
  if (through != nullptr) {
    statements.push_back(SaveAppliedPositionStatement(plan_, record_label_, *through));
  }
  // Lock waits and deadlocks with the copier's inserts into the ghost are expected: retry.
  Status written = mysql::RetryWithBackoff(retry_, SystemClock::Get(), "apply",
                                           [&] { return WriteOnce(statements); });
  if (!written.ok() && !plan_.q_unfit.empty() && mysql::IsValueThatDoesNotFit(written)) {
    written = mysql::RetryWithBackoff(retry_, SystemClock::Get(), "apply",
                                      [&] { return WriteTolerating(batch, through); });
  }
  SAFEDDL_RETURN_IF_ERROR(written.WithContext("applying captured changes to " + plan_.q_ghost));
  rows_applied_ += static_cast<int64_t>(batch.changes_seen());
  statements_ += static_cast<int64_t>(statements.size());
  batch.Clear();
  return Status::OK();
}

}  // namespace safeddl::osc
