#include "flashback/transaction_applier.h"

#include <fmt/format.h>
#include <mysqld_error.h>

#include <charconv>
#include <future>
#include <optional>

#include "common/log.h"
#include "flashback/batch_sql.h"
#include "flashback/load_data.h"
#include "flashback/pending_run.h"
#include "flashback/row_applier.h"
#include "flashback/spool_record.h"

namespace safeddl::flashback {
namespace {

// Small transactions that share one compound statement, at most.
constexpr size_t kMaxTransactionsPerBlock = 100;
// The user variable a multi-transaction block counts its transactions in.
constexpr std::string_view kSegmentVariable = "@safeddl_flashback_segment";

bool IsSignal(const Status& s, std::string_view message) {
  return s.server_errno() == ER_SIGNAL_EXCEPTION && s.message().find(message) != std::string::npos;
}

// The block changed nothing of the failed run, and the run goes again row by row: a row differs
// (the check comes first), or a reinserted row meets a duplicate key (a failed INSERT inserts
// nothing).
bool RunDiffers(const Status& s, MultiRowKind kind) {
  return IsSignal(s, kRunRowsDiffer) ||
         (kind == MultiRowKind::kInsert && s.server_errno() == ER_DUP_ENTRY);
}

// The transaction being applied.
struct Txn {
  std::string comment;
  uint64_t rows = 0;
  bool begun = false;      // its server transaction is started
  bool committed = false;  // the block of its last run committed it
  bool skipping = false;   // a conflict under kSkipTransaction rolled it back
};

// A small transaction (one run, nothing sent yet) waiting to share a block with the next ones.
struct Deferred {
  std::string comment;
  uint32_t table = 0;
  MultiRowKind kind = MultiRowKind::kNone;
  std::vector<std::string> records;
  std::string statements;  // START TRANSACTION; its run; COMMIT;
};

}  // namespace

bool IsGroupDiffers(const Status& s) {
  return s.code() == StatusCode::kAborted && s.message() == kGroupDiffers;
}

class TransactionApplier::Impl {
 public:
  Impl(const std::vector<TableTarget>& targets, mysql::Connection& conn,
       const ExecuteOptions& options, uint64_t run_bytes, ExecuteReport& report, bool grouped,
       LoadState* load)
      : targets_(targets),
        conn_(conn),
        options_(options),
        run_bytes_(run_bytes),
        report_(report),
        pending_(options.run_rows, run_bytes),
        // Runs go as compound statements (BEGIN NOT ATOMIC, MariaDB 10.1.1 and later); without
        // them every row goes on its own.
        runs_(options.run_rows > 1 && conn.server().IsMariaDB() &&
              conn.server().AtLeast(10, 1, 1)),
        grouped_(grouped),
        load_(runs_ ? load : nullptr) {
    txn_.begun = grouped;  // the caller has opened the server transaction
  }

  Status Record(std::string_view bytes) {
    SAFEDDL_RETURN_IF_ERROR(DecodeRecord(bytes, record_));
    if (record_.type == RecordType::kStatement) {
      return InternalError("flashback executor: the spool holds SQL text, not row changes");
    }
    if (record_.type != RecordType::kChange) return Boundary(record_);
    if (txn_.skipping) return Status::OK();
    SAFEDDL_ASSIGN_OR_RETURN(const TableTarget* target, TargetOf(record_.table));
    const MultiRowKind kind = runs_ ? MultiRowKindOf(*target, record_.op) : MultiRowKind::kNone;
    if (kind == MultiRowKind::kNone) {
      SAFEDDL_RETURN_IF_ERROR(SendRun(/*commit=*/false));
      return txn_.skipping ? Status::OK() : ApplyOne(*target, record_);
    }
    std::string identity = RowIdentity(*target, record_.op);
    if (!pending_.Accepts(record_.table, kind, identity)) {
      SAFEDDL_RETURN_IF_ERROR(SendRun(/*commit=*/false));
      if (txn_.skipping) return Status::OK();
    }
    pending_.Add(record_.table, kind, std::move(identity), bytes);
    return Status::OK();
  }

  // Sends what is still waiting: the pending run of a group, the deferred transactions.
  Status Finish() {
    SAFEDDL_RETURN_IF_ERROR(Sync());
    if (!grouped_) return SendDeferred();
    SAFEDDL_RETURN_IF_ERROR(SendRun(/*commit=*/false));
    return SendGroupBlock();
  }

  // Rolls back a transaction left open by an error.
  void Abandon() {
    if (in_flight_) in_flight_->result.wait();  // its outcome no longer matters
    in_flight_.reset();
    conn_.Execute("ROLLBACK").IgnoreError();
  }

 private:
  Result<const TableTarget*> TargetOf(uint32_t table) const {
    if (table >= targets_.size()) {
      return CorruptionError(
          fmt::format("flashback spool: table {} of {}", table, targets_.size()));
    }
    return &targets_[table];
  }

  // The server transaction starts with the first statement sent for it (a run's block starts
  // it, a single row needs BEGIN first). A transaction that is one run and has sent nothing by
  // its end waits to share a block with the next small ones.
  Status Boundary(const SpoolRecord& record) {
    if (grouped_) return Status::OK();  // one server transaction for all, runs go on across
    SAFEDDL_RETURN_IF_ERROR(Sync());
    if (!in_transaction_) {
      txn_ = Txn{std::string(record.text)};
      in_transaction_ = true;
      return Status::OK();
    }
    in_transaction_ = false;
    if (!txn_.skipping && !txn_.begun && !pending_.empty()) return Defer();
    if (!txn_.skipping) SAFEDDL_RETURN_IF_ERROR(SendRun(/*commit=*/true));
    pending_.Clear();
    return End(txn_);
  }

  // Counts `txn` as applied (committing it unless its last block did) or skipped.
  Status End(const Txn& txn) {
    if (txn.skipping) {
      ++report_.transactions_skipped;
      return Status::OK();
    }
    if (!txn.committed) SAFEDDL_RETURN_IF_ERROR(conn_.Execute("COMMIT"));
    ++report_.transactions_applied;
    report_.rows_applied += txn.rows;
    return Status::OK();
  }

  Status Begin() {
    SAFEDDL_RETURN_IF_ERROR(Sync());
    if (txn_.begun) return Status::OK();
    SAFEDDL_RETURN_IF_ERROR(SendDeferred());
    txn_.begun = true;
    return conn_.Execute("BEGIN");
  }

  // Sends the pending run as one compound statement (that also commits when `commit`), or row
  // by row when it finds a row not as recorded.
  Status SendRun(bool commit) {
    SAFEDDL_RETURN_IF_ERROR(Sync());
    if (txn_.skipping) pending_.Clear();  // the run in flight met a conflict: skipped with it
    if (pending_.empty()) return Status::OK();
    SAFEDDL_RETURN_IF_ERROR(SendDeferred());
    const TableTarget& target = targets_[pending_.table()];
    SAFEDDL_RETURN_IF_ERROR(pending_.DecodeOps(ops_));
    if (load_ != nullptr && load_->enabled && pending_.kind() == MultiRowKind::kUpsert &&
        ops_.size() >= kMinLoadRows && TableLoads(target)) {
      SAFEDDL_ASSIGN_OR_RETURN(const bool loaded, SendLoadedRun(target, commit));
      if (loaded) {
        pending_.Clear();
        return Status::OK();
      }
    }
    if (grouped_) {
      group_block_ += RunStatements(target, pending_.kind(), ops_, false, false);
      pending_.Clear();
      return group_block_.size() >= run_bytes_ ? SendGroupBlock() : Status::OK();
    }
    const bool start = !txn_.begun;
    txn_.begun = true;  // a block that fails at run time has run its START TRANSACTION
    ++report_.statements;
    const Status s =
        conn_.Execute(BlockSql(RunStatements(target, pending_.kind(), ops_, start, commit)));
    if (s.ok()) {
      txn_.rows += ops_.size();
      txn_.committed = commit;
    } else {
      if (!RunDiffers(s, pending_.kind())) return RunFailure(s, target);
      SAFEDDL_RETURN_IF_ERROR(Replay(target, pending_.records()));
    }
    pending_.Clear();
    return Status::OK();
  }

  // The pending run of updates loaded (load_data.h) and applied; false when it did not load (a
  // literal without a field form, the server refusing LOAD DATA LOCAL or warning about a value)
  // and must go as SQL, with nothing changed.
  Result<bool> SendLoadedRun(const TableTarget& target, bool commit) {
    load_buffer_.clear();
    for (const LiteralOp& op : ops_) {
      if (!AppendLoadLine(target, op, load_buffer_)) return false;
    }
    if (grouped_) SAFEDDL_RETURN_IF_ERROR(SendGroupBlock());  // the runs before it go first
    const uint32_t index = pending_.table();
    const std::string table = LoadTableName(target, index);
    if (!load_->created[index]) {
      ++report_.statements;
      if (Status s = conn_.Execute(CreateLoadTableSql(target, table)); !s.ok()) {
        return StopLoading(fmt::format("cannot create a temporary table to load rows into ({})",
                                       s.message()));
      }
      load_->created[index] = 1;
    }
    ++report_.statements;
    if (Status s = conn_.LoadDataLocal(LoadDataSql(target, table), load_buffer_); !s.ok()) {
      return StopLoading(fmt::format("LOAD DATA LOCAL failed ({})", s.message()));
    }
    if (conn_.affected_rows() != static_cast<int64_t>(ops_.size()) || conn_.warnings() > 0) {
      return StopLoading(fmt::format("LOAD DATA LOCAL loaded {} rows of {} with {} warnings",
                                     conn_.affected_rows(), ops_.size(), conn_.warnings()));
    }
    const bool start = !txn_.begun;
    txn_.begun = true;
    ++report_.statements;
    ++report_.runs_loaded;
    InFlight run;
    run.table = index;
    run.rows = ops_.size();
    run.commit = commit;
    run.records = pending_.TakeRecords();
    // The server applies this run while the next one is gathered, and Sync() takes the outcome
    // before the connection is used again. A run that commits ends its transaction, which waits
    // for it anyway: it runs right here, in Sync().
    std::string block = BlockSql(LoadedRunStatements(target, table, run.rows, start, commit));
    run.result = std::async(commit ? std::launch::deferred : std::launch::async,
                            [this, block = std::move(block)] { return conn_.Execute(block); });
    in_flight_ = std::move(run);
    if (commit) SAFEDDL_RETURN_IF_ERROR(Sync());
    return true;
  }

  // Takes the outcome of the loaded run in flight, if any: counts it, or replays it row by row
  // when a row was not as recorded (nothing of it changed).
  Status Sync() {
    if (!in_flight_) return Status::OK();
    InFlight run = std::move(*in_flight_);
    in_flight_.reset();
    const Status s = run.result.get();
    const TableTarget& target = targets_[run.table];
    if (s.ok()) {
      txn_.rows += run.rows;
      txn_.committed = run.commit;
      return Status::OK();
    }
    if (!IsSignal(s, kRunRowsDiffer)) return RunFailure(s, target);
    if (grouped_) return GroupDiffers();
    return Replay(target, run.records);
  }

  // Loading is off for the rest of the execution, in every applier (said once); the run goes
  // as SQL.
  Result<bool> StopLoading(const std::string& why) {
    LogWarning("flashback: {}; rows go as SQL statements from here on", why);
    load_->enabled = false;
    return false;
  }

  // A group's runs, gathered into one compound statement: any failure of a run rolls the whole
  // group back, so they need not go one by one. Whatever a run of a transaction applied one by
  // one would find (a row not as recorded, a duplicate key, another row count) ends the group,
  // and the one-by-one applier then finds and reports it exactly.
  Status SendGroupBlock() {
    SAFEDDL_RETURN_IF_ERROR(Sync());
    if (group_block_.empty()) return Status::OK();
    ++report_.statements;
    const Status s = conn_.Execute(BlockSql(group_block_));
    group_block_.clear();
    if (s.ok()) return Status::OK();
    if (IsSignal(s, kRunRowsDiffer) || IsSignal(s, kRunRowCount) ||
        s.server_errno() == ER_DUP_ENTRY) {
      return GroupDiffers();
    }
    return s;
  }

  Status RunFailure(const Status& s, const TableTarget& target) {
    if (!IsSignal(s, kRunRowCount)) return s;
    return InternalError(
        fmt::format("a multi-row statement on {} changed another number of rows than its check "
                    "locked (a trigger?); the transaction {} is rolled back",
                    target.quoted, txn_.comment));
  }

  // The records of a run whose block changed nothing, one row at a time, in the open
  // transaction.
  Status Replay(const TableTarget& target, const std::vector<std::string>& records) {
    ++report_.runs_replayed;
    SpoolRecord record;
    for (const std::string& bytes : records) {
      SAFEDDL_RETURN_IF_ERROR(DecodeRecord(bytes, record));
      SAFEDDL_RETURN_IF_ERROR(ApplyOne(target, record));
      if (txn_.skipping) break;
    }
    return Status::OK();
  }

  Status Defer() {
    const TableTarget& target = targets_[pending_.table()];
    SAFEDDL_RETURN_IF_ERROR(pending_.DecodeOps(ops_));
    Deferred d;
    d.comment = std::move(txn_.comment);
    d.table = pending_.table();
    d.kind = pending_.kind();
    d.statements = RunStatements(target, d.kind, ops_, /*start=*/true, /*commit=*/true);
    d.records = pending_.TakeRecords();
    pending_.Clear();
    deferred_bytes_ += d.statements.size();
    deferred_.push_back(std::move(d));
    if (deferred_.size() < kMaxTransactionsPerBlock && deferred_bytes_ < run_bytes_) {
      return Status::OK();
    }
    return SendDeferred();
  }

  // Sends the waiting transactions as one block, each between SET @segment = i and its COMMIT.
  // When a run differs, the transactions before it are committed, its own is open with nothing
  // changed: it is replayed row by row, and the ones after it go again.
  Status SendDeferred() {
    SAFEDDL_RETURN_IF_ERROR(Sync());
    while (!deferred_.empty()) {
      std::vector<Deferred> batch = std::move(deferred_);
      deferred_.clear();
      deferred_bytes_ = 0;
      std::string statements;
      for (size_t i = 0; i < batch.size(); ++i) {
        statements += fmt::format(" SET {} = {};", kSegmentVariable, i);
        statements += batch[i].statements;
      }
      ++report_.statements;
      const Status s = conn_.Execute(BlockSql(statements));
      size_t stopped = batch.size();
      if (!s.ok()) {
        SAFEDDL_ASSIGN_OR_RETURN(stopped, StoppedSegment(s, batch.size()));
      }
      for (size_t i = 0; i < stopped; ++i) {
        ++report_.transactions_applied;
        report_.rows_applied += batch[i].records.size();
      }
      if (s.ok()) return Status::OK();
      Deferred& failed = batch[stopped];
      const TableTarget& target = targets_[failed.table];
      Txn outer = std::move(txn_);
      txn_ = Txn{std::move(failed.comment)};
      txn_.begun = true;
      if (!RunDiffers(s, failed.kind)) return RunFailure(s, target);
      SAFEDDL_RETURN_IF_ERROR(Replay(target, failed.records));
      SAFEDDL_RETURN_IF_ERROR(End(txn_));
      txn_ = std::move(outer);
      for (size_t i = stopped + 1; i < batch.size(); ++i) {
        deferred_bytes_ += batch[i].statements.size();
        deferred_.push_back(std::move(batch[i]));
      }
    }
    return Status::OK();
  }

  // The segment a block of `segments` transactions failed in, from the variable it sets;
  // `failure` when that cannot be told.
  Result<size_t> StoppedSegment(const Status& failure, size_t segments) {
    Result<std::optional<std::string>> value =
        conn_.QueryValue(fmt::format("SELECT {}", kSegmentVariable));
    size_t segment = 0;
    if (!value.ok() || !value->has_value()) return failure;
    const std::string& text = **value;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), segment);
    if (ec != std::errc() || end != text.data() + text.size() || segment >= segments) {
      return failure;
    }
    return segment;
  }

  // One row on its own, with the conflict policy.
  Status ApplyOne(const TableTarget& target, const SpoolRecord& record) {
    SAFEDDL_RETURN_IF_ERROR(Sync());
    if (txn_.skipping) return Status::OK();
    if (grouped_) SAFEDDL_RETURN_IF_ERROR(SendGroupBlock());  // the runs before it go first
    SAFEDDL_RETURN_IF_ERROR(Begin());
    SAFEDDL_ASSIGN_OR_RETURN(GuardedRowResult result,
                             ApplyGuardedRow(conn_, target, record.op, report_.statements));
    if (result.applied) {
      ++txn_.rows;
      return Status::OK();
    }
    if (grouped_) return GroupDiffers();
    SAFEDDL_ASSIGN_OR_RETURN(std::string located, LocateCondition(target, record.op));
    const std::string row = fmt::format("{} WHERE {} (the {} at {})", target.quoted, located,
                                        OpKindName(record.original), record.position);
    report_.conflicts.push_back({txn_.comment, row, result.found});
    switch (options_.policy) {
      case ConflictPolicy::kForce: {
        SAFEDDL_ASSIGN_OR_RETURN(std::string plain, RowOpSql(target, record.op));
        ++report_.statements;
        SAFEDDL_RETURN_IF_ERROR(conn_.Execute(plain));
        ++txn_.rows;
        ++report_.rows_forced;
        return Status::OK();
      }
      case ConflictPolicy::kSkipTransaction:
        SAFEDDL_RETURN_IF_ERROR(conn_.Execute("ROLLBACK"));
        txn_.skipping = true;
        return Status::OK();
      case ConflictPolicy::kStop:
        break;
    }
    SAFEDDL_RETURN_IF_ERROR(conn_.Execute("ROLLBACK"));
    return FailedPreconditionError(fmt::format(
        "conflict: {} no longer holds what the binlog recorded ({}); the transaction {} was "
        "rolled back, nothing of it applied; {} transactions before it were applied. Use "
        "--skip-conflicts or --force to go on anyway",
        row, result.found, txn_.comment, report_.transactions_applied));
  }

  static Status GroupDiffers() { return AbortedError(std::string(kGroupDiffers)); }

  const std::vector<TableTarget>& targets_;
  mysql::Connection& conn_;
  const ExecuteOptions& options_;
  const uint64_t run_bytes_;
  ExecuteReport& report_;
  PendingRun pending_;
  const bool runs_;
  const bool grouped_;
  // A loaded run whose block the server is running.
  struct InFlight {
    uint32_t table = 0;
    size_t rows = 0;
    bool commit = false;
    std::vector<std::string> records;
    std::future<Status> result;
  };

  LoadState* load_;          // null or not enabled: runs go as SQL
  std::optional<InFlight> in_flight_;
  std::string load_buffer_;  // the lines of the run being loaded
  std::string group_block_;  // grouped: the statements of the runs not sent yet
  SpoolRecord record_;
  std::vector<LiteralOp> ops_;
  bool in_transaction_ = false;  // between a transaction's boundary records
  Txn txn_;
  std::vector<Deferred> deferred_;
  uint64_t deferred_bytes_ = 0;
};

TransactionApplier::TransactionApplier(const std::vector<TableTarget>& targets,
                                       mysql::Connection& conn, const ExecuteOptions& options,
                                       uint64_t run_bytes, ExecuteReport& report, bool grouped,
                                       LoadState* load)
    : impl_(std::make_unique<Impl>(targets, conn, options, run_bytes, report, grouped, load)) {}

TransactionApplier::~TransactionApplier() = default;

Status TransactionApplier::Record(std::string_view bytes) { return impl_->Record(bytes); }
Status TransactionApplier::Finish() { return impl_->Finish(); }
void TransactionApplier::Abandon() { impl_->Abandon(); }

}  // namespace safeddl::flashback
