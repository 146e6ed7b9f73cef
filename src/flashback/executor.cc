#include "flashback/executor.h"

#include <fmt/format.h>
#include <mysqld_error.h>

#include "common/strings.h"
#include "flashback/batch_sql.h"
#include "flashback/pending_run.h"
#include "flashback/spool_record.h"

namespace safeddl::flashback {
namespace {

constexpr size_t kMaxShownValueBytes = 64;
constexpr std::string_view kMatchesColumn = "safeddl_matches";

std::string Shown(const mysql::Value& v) {
  if (!v) return "NULL";
  if (v->size() <= kMaxShownValueBytes) return "'" + *v + "'";
  return "'" + v->substr(0, kMaxShownValueBytes) + "...'";
}

// "`id`='1', `v`='x'" from the locking read, without the match column.
std::string DescribeRow(const mysql::ResultSet& rs) {
  std::string out;
  for (size_t i = 0; i < rs.columns().size(); ++i) {
    if (rs.columns()[i] == kMatchesColumn) continue;
    if (!out.empty()) out += ", ";
    out += rs.columns()[i] + "=" + Shown(rs[0][i]);
  }
  return out;
}

enum class RowOutcome { kApplied, kConflict };

class Run {
 public:
  Run(const std::vector<TableTarget>& targets, mysql::Connection& conn,
      const ExecuteOptions& options, ExecuteReport& report)
      : targets_(targets),
        conn_(conn),
        options_(options),
        report_(report),
        pending_(options.run_rows, options.run_bytes) {}

  Status Record(std::string_view bytes) {
    SAFEDDL_RETURN_IF_ERROR(DecodeRecord(bytes, record_));
    if (record_.type == RecordType::kStatement) {
      return InternalError("flashback executor: the spool holds SQL text, not row changes");
    }
    if (record_.type != RecordType::kChange) return Boundary(record_);
    if (skipping_) return Status::OK();
    SAFEDDL_ASSIGN_OR_RETURN(const TableTarget* target, TargetOf(record_));
    const MultiRowKind kind =
        options_.run_rows > 1 ? MultiRowKindOf(*target, record_.op) : MultiRowKind::kNone;
    if (kind == MultiRowKind::kNone) {
      SAFEDDL_RETURN_IF_ERROR(SendRun());
      return skipping_ ? Status::OK() : ApplyOne(*target, record_);
    }
    std::string identity = RowIdentity(*target, record_.op);
    if (!pending_.Accepts(record_.table, kind, identity)) {
      SAFEDDL_RETURN_IF_ERROR(SendRun());
      if (skipping_) return Status::OK();
    }
    pending_.Add(record_.table, kind, std::move(identity), bytes);
    return Status::OK();
  }

  // Rolls back a transaction left open by an error.
  void Abandon() {
    if (in_transaction_) conn_.Execute("ROLLBACK").IgnoreError();
    in_transaction_ = false;
  }

 private:
  Result<const TableTarget*> TargetOf(const SpoolRecord& record) const {
    if (record.table >= targets_.size()) {
      return CorruptionError(
          fmt::format("flashback spool: table {} of {}", record.table, targets_.size()));
    }
    return &targets_[record.table];
  }

  Status Boundary(const SpoolRecord& record) {
    if (!in_transaction_) {
      comment_ = record.text;
      rows_ = 0;
      skipping_ = false;
      SAFEDDL_RETURN_IF_ERROR(conn_.Execute("BEGIN"));
      in_transaction_ = true;
      return Status::OK();
    }
    if (!skipping_) SAFEDDL_RETURN_IF_ERROR(SendRun());
    pending_.Clear();
    in_transaction_ = false;
    if (skipping_) {
      ++report_.transactions_skipped;
      return Status::OK();
    }
    SAFEDDL_RETURN_IF_ERROR(conn_.Execute("COMMIT"));
    ++report_.transactions_applied;
    report_.rows_applied += rows_;
    return Status::OK();
  }

  // Sends the pending run as multi-row statements, or row by row when its check or its insert
  // says a row is not as recorded.
  Status SendRun() {
    if (pending_.empty()) return Status::OK();
    const TableTarget& target = targets_[pending_.table()];
    SAFEDDL_RETURN_IF_ERROR(pending_.DecodeOps(ops_));
    const size_t n = ops_.size();
    bool replay = false;
    if (pending_.kind() == MultiRowKind::kInsert) {
      ++report_.statements;
      Status s = conn_.Execute(MultiRowInsertSql(target, ops_));
      if (!s.ok() && s.server_errno() != ER_DUP_ENTRY) return s;
      replay = !s.ok();  // the failed statement inserted nothing
      if (s.ok()) SAFEDDL_RETURN_IF_ERROR(ExpectAffected(target, n, "INSERT"));
    } else {
      ++report_.statements;
      SAFEDDL_ASSIGN_OR_RETURN(std::optional<std::string> count,
                               conn_.QueryValue(MultiRowCheckSql(target, ops_)));
      replay = count != std::to_string(n);
      if (!replay) {
        ++report_.statements;
        if (pending_.kind() == MultiRowKind::kDelete) {
          SAFEDDL_RETURN_IF_ERROR(conn_.Execute(MultiRowDeleteSql(target, ops_)));
          SAFEDDL_RETURN_IF_ERROR(ExpectAffected(target, n, "DELETE"));
        } else {
          SAFEDDL_RETURN_IF_ERROR(conn_.Execute(MultiRowUpsertSql(target, ops_)));
        }
      }
    }
    if (!replay) {
      rows_ += n;
      pending_.Clear();
      return Status::OK();
    }
    ++report_.runs_replayed;
    SpoolRecord record;
    for (const std::string& bytes : pending_.records()) {
      SAFEDDL_RETURN_IF_ERROR(DecodeRecord(bytes, record));
      SAFEDDL_RETURN_IF_ERROR(ApplyOne(target, record));
      if (skipping_) break;
    }
    pending_.Clear();
    return Status::OK();
  }

  // The checked rows are locked and hold their recorded images: a multi-row INSERT or DELETE
  // that changed another number of rows means something the check cannot see (a trigger, a
  // bug); the transaction is rolled back rather than committed.
  Status ExpectAffected(const TableTarget& target, size_t n, std::string_view what) {
    if (conn_.affected_rows() == static_cast<int64_t>(n)) return Status::OK();
    return InternalError(fmt::format(
        "multi-row {} on {} changed {} rows instead of {}; the transaction {} is rolled back", what,
        target.quoted, conn_.affected_rows(), n, comment_));
  }

  // One row on its own, with the conflict policy.
  Status ApplyOne(const TableTarget& target, const SpoolRecord& record) {
    std::string found;
    SAFEDDL_ASSIGN_OR_RETURN(RowOutcome outcome, ApplyRow(target, record.op, found));
    if (outcome == RowOutcome::kApplied) {
      ++rows_;
      return Status::OK();
    }
    SAFEDDL_ASSIGN_OR_RETURN(std::string located, LocateCondition(target, record.op));
    const std::string row = fmt::format("{} WHERE {} (the {} at {})", target.quoted, located,
                                        OpKindName(record.original), record.position);
    report_.conflicts.push_back({comment_, row, found});
    switch (options_.policy) {
      case ConflictPolicy::kForce: {
        SAFEDDL_ASSIGN_OR_RETURN(std::string plain, RowOpSql(target, record.op));
        ++report_.statements;
        SAFEDDL_RETURN_IF_ERROR(conn_.Execute(plain));
        ++rows_;
        ++report_.rows_forced;
        return Status::OK();
      }
      case ConflictPolicy::kSkipTransaction:
        SAFEDDL_RETURN_IF_ERROR(conn_.Execute("ROLLBACK"));
        skipping_ = true;
        return Status::OK();
      case ConflictPolicy::kStop:
        break;
    }
    SAFEDDL_RETURN_IF_ERROR(conn_.Execute("ROLLBACK"));
    in_transaction_ = false;
    return FailedPreconditionError(fmt::format(
        "conflict: {} no longer holds what the binlog recorded ({}); the transaction {} was "
        "rolled back, nothing of it applied; {} transactions before it were applied. Use "
        "--skip-conflicts or --force to go on anyway",
        row, found, comment_, report_.transactions_applied));
  }

  Result<RowOutcome> ApplyRow(const TableTarget& target, const LiteralOp& op, std::string& found) {
    const bool insert = op.kind == OpKind::kInsert;
    SAFEDDL_ASSIGN_OR_RETURN(std::string guarded, GuardedRowOpSql(target, op));
    ++report_.statements;
    Status s = conn_.Execute(guarded);
    if (!s.ok()) {
      if (!(insert && s.server_errno() == ER_DUP_ENTRY)) return s;
      SAFEDDL_ASSIGN_OR_RETURN(mysql::ResultSet rs, CurrentRow(target, op));
      found = rs.empty() ? "a row with the same unique key exists"
                         : "the row exists already: " + DescribeRow(rs);
      return RowOutcome::kConflict;
    }
    if (insert || conn_.affected_rows() == 1) return RowOutcome::kApplied;
    SAFEDDL_ASSIGN_OR_RETURN(mysql::ResultSet rs, CurrentRow(target, op));
    if (rs.empty()) {
      found = "the row is gone";
      return RowOutcome::kConflict;
    }
    if (rs[0].GetString(kMatchesColumn) == "1") return RowOutcome::kApplied;  // nothing to change
    found = "it now holds " + DescribeRow(rs);
    return RowOutcome::kConflict;
  }

  Result<mysql::ResultSet> CurrentRow(const TableTarget& target, const LiteralOp& op) {
    SAFEDDL_ASSIGN_OR_RETURN(std::string check, CurrentRowSql(target, op));
    ++report_.statements;
    return conn_.Query(check);
  }

  const std::vector<TableTarget>& targets_;
  mysql::Connection& conn_;
  const ExecuteOptions& options_;
  ExecuteReport& report_;
  PendingRun pending_;
  SpoolRecord record_;
  std::vector<LiteralOp> ops_;
  bool in_transaction_ = false;
  bool skipping_ = false;
  std::string comment_;
  uint64_t rows_ = 0;
};

}  // namespace

Status ExecuteFlashback(ReverseSpool& spool, const std::vector<TableTarget>& targets,
                        mysql::Connection& conn, const ExecuteOptions& options,
                        ExecuteReport& report) {
  for (const std::string& line : SplitString(SessionPreamble(), '\n')) {
    if (!TrimWhitespace(line).empty()) SAFEDDL_RETURN_IF_ERROR(conn.Execute(line));
  }
  Run run(targets, conn, options, report);
  Status s =
      spool.ForEach(options.order, [&](std::string_view bytes) { return run.Record(bytes); });
  if (!s.ok()) run.Abandon();
  return s;
}

}  // namespace safeddl::flashback
