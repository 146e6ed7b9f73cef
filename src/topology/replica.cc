#include "topology/replica.h"

#include <fmt/format.h>

#include <thread>

#include "common/strings.h"
#include "mysql/quote.h"

namespace safeddl::topology {
namespace {

constexpr auto kPoll = std::chrono::milliseconds(200);

// CHANGE MASTER needs both threads stopped: they are, and each is started again when it ran.
Status ChangeDelay(mysql::Connection& replica, long long seconds) {
  SAFEDDL_ASSIGN_OR_RETURN(std::optional<mysql::ReplicationStatus> status,
                           mysql::ReadReplicationStatus(replica));
  const bool io = status && status->io_running;
  const bool sql = status && status->sql_running;
  if (io || sql) SAFEDDL_RETURN_IF_ERROR(replica.Execute("STOP SLAVE"));
  Status changed = replica.Execute(fmt::format("CHANGE MASTER TO MASTER_DELAY = {}", seconds));
  if (io) {
    Status started = replica.Execute("START SLAVE IO_THREAD");
    if (changed.ok()) changed = started;
  }
  if (sql) {
    Status started = replica.Execute("START SLAVE SQL_THREAD");
    if (changed.ok()) changed = started;
  }
  return changed;
}

}  // namespace

Result<ReplicaState> ReadReplicaState(mysql::Connection& replica) {
  SAFEDDL_ASSIGN_OR_RETURN(std::optional<mysql::ReplicationStatus> status,
                           mysql::ReadReplicationStatus(replica));
  if (!status) {
    return FailedPreconditionError(
        "this server is not a replica (SHOW SLAVE STATUS is empty): connect to the replica");
  }
  ReplicaState state;
  state.status = *status;
  SAFEDDL_ASSIGN_OR_RETURN(std::optional<std::string> pos,
                           replica.QueryValue("SELECT @@GLOBAL.gtid_slave_pos"));
  state.gtid_slave_pos = pos.value_or("");
  return state;
}

Result<ReplicaState> SetReplicaDelay(mysql::Connection& replica, long long seconds) {
  SAFEDDL_RETURN_IF_ERROR(ReadReplicaState(replica).status());
  SAFEDDL_RETURN_IF_ERROR(ChangeDelay(replica, seconds));
  return ReadReplicaState(replica);
}

Result<StopBeforeReport> StopBefore(mysql::Connection& replica, const binlog::Gtid& gtid,
                                    std::chrono::seconds wait, bool keep_delay) {
  SAFEDDL_ASSIGN_OR_RETURN(ReplicaState state, ReadReplicaState(replica));
  if (state.status.using_gtid.empty() || state.status.using_gtid == "No") {
    return FailedPreconditionError(
        "this replica does not replicate with GTIDs (Using_Gtid = No), which stopping before a "
        "transaction needs: CHANGE MASTER TO MASTER_USE_GTID = slave_pos");
  }
  if (gtid.seq_no <= 1) {
    return InvalidArgumentError(fmt::format(
        "{} is the first transaction of domain {}: there is nothing before it to stop at",
        gtid.ToString(), gtid.domain_id));
  }
  StopBeforeReport report;
  report.before = gtid;
  report.delay = state.status.sql_delay;
  const std::optional<uint64_t> applied =
      binlog::SequenceInDomain(state.gtid_slave_pos, gtid.domain_id);
  if (applied && *applied >= gtid.seq_no) {
    return FailedPreconditionError(fmt::format(
        "too late on this replica: it has applied {} already (gtid_slave_pos {}); a replica "
        "delayed longer, a snapshot or flashback can still bring the rows back",
        gtid.ToString(), state.gtid_slave_pos));
  }
  if (applied && *applied == gtid.seq_no - 1 && !state.status.sql_running) {
    report.already_there = true;
    report.gtid_slave_pos = state.gtid_slave_pos;
    return report;
  }
  const binlog::Gtid until{gtid.domain_id, gtid.server_id, gtid.seq_no - 1};
  // START SLAVE UNTIL master_gtid_pos starts both threads (and both stop at the point).
  const std::string start_until =
      fmt::format("START SLAVE UNTIL master_gtid_pos = {}", mysql::QuoteString(until.ToString()));
  if (state.status.sql_running || state.status.io_running) {
    SAFEDDL_RETURN_IF_ERROR(replica.Execute("STOP SLAVE"));
  }
  const bool lift = report.delay > 0 && !keep_delay;
  if (lift) SAFEDDL_RETURN_IF_ERROR(ChangeDelay(replica, 0));
  const auto started = std::chrono::steady_clock::now();
  Status run = [&]() -> Status {
    SAFEDDL_RETURN_IF_ERROR(replica.Execute(start_until));
    for (;;) {
      SAFEDDL_ASSIGN_OR_RETURN(state, ReadReplicaState(replica));
      if (!state.status.sql_running) break;
      if (std::chrono::steady_clock::now() - started > wait) {
        return TimeoutError(fmt::format(
            "the replica did not reach {} within {} s (gtid_slave_pos {}); it goes on towards "
            "it: run stop-before again to wait longer",
            until.ToString(), wait.count(), state.gtid_slave_pos));
      }
      std::this_thread::sleep_for(kPoll);
    }
    if (!state.status.last_error.empty()) {
      return FailedPreconditionError(
          fmt::format("the replica's SQL thread stopped on an error: {}", state.status.last_error));
    }
    const std::optional<uint64_t> now =
        binlog::SequenceInDomain(state.gtid_slave_pos, gtid.domain_id);
    if (!now || *now >= gtid.seq_no) {
      return InternalError(fmt::format("the replica stopped at {}, not before {}",
                                       state.gtid_slave_pos, gtid.ToString()));
    }
    return Status::OK();
  }();
  report.waited = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  if (lift) {
    // After a timeout it still runs towards the point: it goes on, at the delay's pace.
    Result<ReplicaState> now = ReadReplicaState(replica);
    const bool running = now.ok() && now->status.sql_running;
    if (running) replica.Execute("STOP SLAVE").IgnoreError();
    Status restored = ChangeDelay(replica, report.delay);
    if (running) replica.Execute(start_until).IgnoreError();
    if (run.ok() && !restored.ok()) run = restored.WithContext("putting MASTER_DELAY back");
  }
  SAFEDDL_RETURN_IF_ERROR(run);
  report.gtid_slave_pos = state.gtid_slave_pos;
  return report;
}

Status WaitUntilReplicated(mysql::Connection& replica, const std::string& name,
                           const std::string& pos, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    SAFEDDL_ASSIGN_OR_RETURN(std::optional<mysql::ReplicationStatus> st,
                             mysql::ReadReplicationStatus(replica));
    if (st && st->io_running && st->sql_running && st->last_error.empty()) break;
    if (std::chrono::steady_clock::now() > deadline) {
      return FailedPreconditionError(
          fmt::format("{} does not replicate: {}", name,
                      st ? (st->last_error.empty() ? "threads not running" : st->last_error)
                         : "no replication configured"));
    }
    std::this_thread::sleep_for(kPoll);
  }
  for (;;) {
    SAFEDDL_ASSIGN_OR_RETURN(std::optional<std::string> current,
                             replica.QueryValue("SELECT @@gtid_current_pos"));
    if (binlog::GtidPositionCovers(current.value_or(""), pos)) return Status::OK();
    if (std::chrono::steady_clock::now() > deadline) {
      return FailedPreconditionError(
          fmt::format("{} did not apply {} (it is at {})", name, pos, current.value_or("")));
    }
    std::this_thread::sleep_for(kPoll);
  }
}

Result<ReplicaState> StartReplica(mysql::Connection& replica) {
  SAFEDDL_RETURN_IF_ERROR(ReadReplicaState(replica).status());
  SAFEDDL_RETURN_IF_ERROR(replica.Execute("START SLAVE"));
  return ReadReplicaState(replica);
}

}  // namespace safeddl::topology
