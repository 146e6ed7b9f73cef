#include "flashback/executor.h"

#include <algorithm>
#include <charconv>
#include <iterator>

#include "common/strings.h"
#include "flashback/spool_record.h"
#include "flashback/transaction_applier.h"

namespace safeddl::flashback {
namespace {

// Statements are kept to this share of the server's max_allowed_packet.
constexpr uint64_t kPacketShare = 4;

// Whether runs of updates may load (load_data.h): asked for, MariaDB with compound statements,
// LOAD DATA LOCAL allowed, and the binlog (if any) in ROW format — the temporary table's rows
// are then not logged, and the UPDATE is logged as the rows it changed.
Result<bool> SessionLoads(mysql::Connection& conn, const ExecuteOptions& options) {
  if (!options.load_data || options.run_rows <= 1 || !conn.server().IsMariaDB() ||
      !conn.server().AtLeast(10, 1, 1)) {
    return false;
  }
  SAFEDDL_ASSIGN_OR_RETURN(mysql::ResultSet rs,
                           conn.Query("SELECT @@local_infile, @@log_bin, @@binlog_format"));
  if (rs.empty() || rs[0].size() < 3) return false;
  return rs[0][0].value_or("0") == "1" &&
         (rs[0][1].value_or("0") == "0" || rs[0][2].value_or("") == "ROW");
}

bool IsChange(std::string_view record) {
  return !record.empty() && record.front() == static_cast<char>(RecordType::kChange);
}

// Gathers whole small transactions into groups (executor.h) and hands everything else to the
// transaction-by-transaction applier.
class Grouper {
 public:
  Grouper(const std::vector<TableTarget>& targets, mysql::Connection& conn,
          const ExecuteOptions& options, uint64_t run_bytes, ExecuteReport& report,
          LoadState& load)
      : targets_(targets),
        conn_(conn),
        options_(options),
        run_bytes_(run_bytes),
        report_(report),
        load_(load),
        one_by_one_(targets, conn, options, run_bytes, report, /*grouped=*/false, &load) {}

  Status Record(std::string_view bytes) {
    const bool change = IsChange(bytes);
    if (!change) in_transaction_ = !in_transaction_;
    if (streaming_) {
      if (!change && !in_transaction_) streaming_ = false;
      return one_by_one_.Record(bytes);
    }
    records_.emplace_back(bytes);
    if (!change) {
      if (in_transaction_) return Status::OK();
      complete_ = records_.size();
      ++transactions_;
      txn_rows_ = txn_bytes_ = 0;
      if (transactions_ >= options_.group_transactions || rows_ >= options_.run_rows ||
          bytes_ >= run_bytes_) {
        return Flush();
      }
      return Status::OK();
    }
    ++rows_;
    bytes_ += bytes.size();
    ++txn_rows_;
    txn_bytes_ += bytes.size();
    if (txn_rows_ <= options_.run_rows && txn_bytes_ <= run_bytes_) return Status::OK();
    // Too large for a group: the complete transactions before it go first, it goes on its own.
    std::vector<std::string> open(std::make_move_iterator(records_.begin() + complete_),
                                  std::make_move_iterator(records_.end()));
    records_.resize(complete_);
    SAFEDDL_RETURN_IF_ERROR(Flush());
    streaming_ = true;
    for (const std::string& record : open) SAFEDDL_RETURN_IF_ERROR(one_by_one_.Record(record));
    return Status::OK();
  }

  Status Finish() {
    SAFEDDL_RETURN_IF_ERROR(Flush());
    return one_by_one_.Finish();
  }

  void Abandon() { one_by_one_.Abandon(); }

 private:
  // Applies the gathered complete transactions: as one group when there are several, one by one
  // when there is one or the group meets a row not as recorded.
  Status Flush() {
    std::vector<std::string> records = std::move(records_);
    const uint64_t transactions = transactions_, rows = rows_;
    records_.clear();
    complete_ = transactions_ = rows_ = bytes_ = 0;
    if (transactions > 1) {
      // Transactions the applier still holds back go before the group.
      SAFEDDL_RETURN_IF_ERROR(one_by_one_.Finish());
      ExecuteReport group_report;
      Status s = ApplyGroup(records, group_report);
      report_.statements += group_report.statements;
      report_.runs_loaded += group_report.runs_loaded;
      if (s.ok()) {
        ++report_.groups;
        report_.transactions_applied += transactions;
        report_.rows_applied += rows;
        return Status::OK();
      }
      conn_.Execute("ROLLBACK").IgnoreError();
      if (!IsGroupDiffers(s)) return s;
      ++report_.groups_split;
    }
    for (const std::string& record : records) {
      SAFEDDL_RETURN_IF_ERROR(one_by_one_.Record(record));
    }
    return Status::OK();
  }

  Status ApplyGroup(const std::vector<std::string>& records, ExecuteReport& group_report) {
    SAFEDDL_RETURN_IF_ERROR(conn_.Execute("START TRANSACTION"));
    TransactionApplier group(targets_, conn_, options_, run_bytes_, group_report,
                             /*grouped=*/true, &load_);
    for (const std::string& record : records) SAFEDDL_RETURN_IF_ERROR(group.Record(record));
    SAFEDDL_RETURN_IF_ERROR(group.Finish());
    return conn_.Execute("COMMIT");
  }

  const std::vector<TableTarget>& targets_;
  mysql::Connection& conn_;
  const ExecuteOptions& options_;
  const uint64_t run_bytes_;
  ExecuteReport& report_;
  LoadState& load_;
  TransactionApplier one_by_one_;
  std::vector<std::string> records_;  // whole transactions, then the start of an open one
  size_t complete_ = 0;               // records_ up to here are whole transactions
  uint64_t transactions_ = 0, rows_ = 0, bytes_ = 0;  // of the gathered ones
  uint64_t txn_rows_ = 0, txn_bytes_ = 0;             // of the open one
  bool in_transaction_ = false;
  bool streaming_ = false;  // the open transaction goes straight to the applier
};

}  // namespace

Status ExecuteFlashback(ReverseSpool& spool, const std::vector<TableTarget>& targets,
                        mysql::Connection& conn, const ExecuteOptions& options,
                        ExecuteReport& report) {
  for (const std::string& line : SplitString(SessionPreamble(), '\n')) {
    if (!TrimWhitespace(line).empty()) SAFEDDL_RETURN_IF_ERROR(conn.Execute(line));
  }
  SAFEDDL_ASSIGN_OR_RETURN(std::optional<std::string> packet,
                           conn.QueryValue("SELECT @@max_allowed_packet"));
  uint64_t run_bytes = options.run_bytes;
  uint64_t packet_bytes = 0;
  if (packet && std::from_chars(packet->data(), packet->data() + packet->size(), packet_bytes).ec ==
                    std::errc()) {
    run_bytes = std::min(run_bytes, packet_bytes / kPacketShare);
  }
  LoadState load;
  SAFEDDL_ASSIGN_OR_RETURN(load.enabled, SessionLoads(conn, options));
  load.created.assign(targets.size(), 0);
  Grouper run(targets, conn, options, run_bytes, report, load);
  Status s =
      spool.ForEach(options.order, [&](std::string_view bytes) { return run.Record(bytes); });
  if (s.ok()) s = run.Finish();
  if (!s.ok()) run.Abandon();
  return s;
}

}  // namespace safeddl::flashback
