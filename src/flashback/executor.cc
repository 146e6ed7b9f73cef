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

bool IsSignal(const Status& s, std::string_view message) {
  return s.server_errno() == ER_SIGNAL_EXCEPTION && s.message().find(message) != std::string::npos;
}

class Run {
 public:
  Run(const std::vector<TableTarget>& targets, mysql::Connection& conn,
      const ExecuteOptions& options, ExecuteReport& report)
      : targets_(targets),
        conn_(conn),
        options_(options),
        report_(report),
        pending_(options.run_rows, options.run_bytes),
        // Runs go as compound statements (BEGIN NOT ATOMIC, MariaDB 10.1.1 and later); without
        // them every row goes on its own.
        runs_(options.run_rows > 1 && conn.server().IsMariaDB() &&
              conn.server().AtLeast(10, 1, 1)) {}

  Status Record(std::string_view bytes) {
    SAFEDDL_RETURN_IF_ERROR(DecodeRecord(bytes, record_));
    if (record_.type == RecordType::kStatement) {
      return InternalError("flashback executor: the spool holds SQL text, not row changes");
    }
    if (record_.type != RecordType::kChange) return Boundary(record_);
    if (skipping_) return Status::OK();
    SAFEDDL_ASSIGN_OR_RETURN(const TableTarget* target, TargetOf(record_));
    const MultiRowKind kind = runs_ ? MultiRowKindOf(*target, record_.op) : MultiRowKind::kNone;
    if (kind == MultiRowKind::kNone) {
      SAFEDDL_RETURN_IF_ERROR(SendRun(/*commit=*/false));
      return skipping_ ? Status::OK() : ApplyOne(*target, record_);
    }
    std::string identity = RowIdentity(*target, record_.op);
    if (!pending_.Accepts(record_.table, kind, identity)) {
      SAFEDDL_RETURN_IF_ERROR(SendRun(/*commit=*/false));
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

  // The server transaction starts with the first statement sent for it: a run's block starts it
  // itself, a single row needs BEGIN first.
  Status Boundary(const SpoolRecord& record) {
    if (!in_transaction_) {
      comment_ = record.text;
      rows_ = 0;
      skipping_ = false;
      begun_ = false;
      committed_ = false;
      in_transaction_ = true;
      return Status::OK();
    }
    if (!skipping_) SAFEDDL_RETURN_IF_ERROR(SendRun(/*commit=*/true));
    pending_.Clear();
    in_transaction_ = false;
    if (skipping_) {
      ++report_.transactions_skipped;
      return Status::OK();
    }
    if (!committed_) SAFEDDL_RETURN_IF_ERROR(conn_.Execute("COMMIT"));
    ++report_.transactions_applied;
    report_.rows_applied += rows_;
    return Status::OK();
  }

  Status Begin() {
    if (begun_) return Status::OK();
    begun_ = true;
    return conn_.Execute("BEGIN");
  }

  // Sends the pending run as one compound statement (that also commits when `commit`), or row
  // by row when it finds a row not as recorded.
  Status SendRun(bool commit) {
    if (pending_.empty()) return Status::OK();
    const TableTarget& target = targets_[pending_.table()];
    SAFEDDL_RETURN_IF_ERROR(pending_.DecodeOps(ops_));
    const size_t n = ops_.size();
    const bool start = !begun_;
    begun_ = true;  // a block that fails at run time has run its START TRANSACTION
    ++report_.statements;
    const Status s = conn_.Execute(RunBlockSql(target, pending_.kind(), ops_, start, commit));
    if (s.ok()) {
      rows_ += n;
      committed_ = commit;
      pending_.Clear();
      return Status::OK();
    }
    if (IsSignal(s, kRunRowCount)) {
      return InternalError(fmt::format(
          "a multi-row statement on {} changed another number of rows than the {} its check "
          "locked (a trigger?); the transaction {} is rolled back",
          target.quoted, n, comment_));
    }
    // A row differs, or a reinserted row meets a duplicate key: the block changed nothing of the
    // run (the check comes first; a failed INSERT inserts nothing).
    const bool differs = IsSignal(s, kRunRowsDiffer) || (pending_.kind() == MultiRowKind::kInsert &&
                                                         s.server_errno() == ER_DUP_ENTRY);
    if (!differs) return s;
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

  // One row on its own, with the conflict policy.
  Status ApplyOne(const TableTarget& target, const SpoolRecord& record) {
    SAFEDDL_RETURN_IF_ERROR(Begin());
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
  const bool runs_;
  bool in_transaction_ = false;  // between a transaction's boundary records
  bool begun_ = false;           // its server transaction is started
  bool committed_ = false;       // the last run's block committed it
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
