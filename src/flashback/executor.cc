#include "flashback/executor.h"

#include <fmt/format.h>
#include <mysqld_error.h>

#include "common/strings.h"
#include "flashback/spool_record.h"
#include "flashback/sql_writer.h"

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
  Run(mysql::Connection& conn, const ExecuteOptions& options, ExecuteReport& report)
      : conn_(conn), options_(options), report_(report) {}

  Status Record(std::string_view bytes) {
    SAFEDDL_ASSIGN_OR_RETURN(SpoolRecord record, DecodeRecord(bytes));
    if (record.type != RecordType::kRow) return Boundary(record);
    if (skipping_) return Status::OK();
    std::string found;
    SAFEDDL_ASSIGN_OR_RETURN(RowOutcome outcome, ApplyRow(record, found));
    if (outcome == RowOutcome::kApplied) {
      ++rows_;
      return Status::OK();
    }
    report_.conflicts.push_back({comment_, record.row, found});
    switch (options_.policy) {
      case ConflictPolicy::kForce:
        SAFEDDL_RETURN_IF_ERROR(conn_.Execute(record.text));
        ++rows_;
        ++report_.rows_forced;
        return Status::OK();
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
        record.row, found, comment_, report_.transactions_applied));
  }

  // Rolls back a transaction left open by an error.
  void Abandon() {
    if (in_transaction_) conn_.Execute("ROLLBACK").IgnoreError();
    in_transaction_ = false;
  }

 private:
  Status Boundary(const SpoolRecord& record) {
    if (!in_transaction_) {
      comment_ = record.text;
      rows_ = 0;
      skipping_ = false;
      SAFEDDL_RETURN_IF_ERROR(conn_.Execute("BEGIN"));
      in_transaction_ = true;
      return Status::OK();
    }
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

  Result<RowOutcome> ApplyRow(const SpoolRecord& record, std::string& found) {
    const bool insert = record.text.starts_with("INSERT");
    Status s = conn_.Execute(record.guarded);
    if (!s.ok()) {
      if (!(insert && s.server_errno() == ER_DUP_ENTRY)) return s;
      SAFEDDL_ASSIGN_OR_RETURN(mysql::ResultSet rs, conn_.Query(record.check));
      found = rs.empty() ? "a row with the same unique key exists"
                         : "the row exists already: " + DescribeRow(rs);
      return RowOutcome::kConflict;
    }
    if (insert || conn_.affected_rows() == 1) return RowOutcome::kApplied;
    SAFEDDL_ASSIGN_OR_RETURN(mysql::ResultSet rs, conn_.Query(record.check));
    if (rs.empty()) {
      found = "the row is gone";
      return RowOutcome::kConflict;
    }
    if (rs[0].GetString(kMatchesColumn) == "1") return RowOutcome::kApplied;  // nothing to change
    found = "it now holds " + DescribeRow(rs);
    return RowOutcome::kConflict;
  }

  mysql::Connection& conn_;
  const ExecuteOptions& options_;
  ExecuteReport& report_;
  bool in_transaction_ = false;
  bool skipping_ = false;
  std::string comment_;
  uint64_t rows_ = 0;
};

}  // namespace

Status ExecuteFlashback(ReverseSpool& spool, mysql::Connection& conn, const ExecuteOptions& options,
                        ExecuteReport& report) {
  for (const std::string& line : SplitString(SessionPreamble(), '\n')) {
    if (!TrimWhitespace(line).empty()) SAFEDDL_RETURN_IF_ERROR(conn.Execute(line));
  }
  Run run(conn, options, report);
  Status s =
      spool.ForEach(options.order, [&](std::string_view bytes) { return run.Record(bytes); });
  if (!s.ok()) run.Abandon();
  return s;
}

}  // namespace safeddl::flashback
