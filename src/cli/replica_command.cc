#include "cli/replica_command.h"

#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "binlog/server_position.h"
#include "cli/binlog_command.h"
#include "common/clock.h"
#include "mysql/replication.h"
#include "snapshot/point_in_time.h"
#include "topology/replica.h"

namespace safeddl::cli {
namespace {

using nlohmann::json;

json StateJson(const topology::ReplicaState& s) {
  const mysql::ReplicationStatus& r = s.status;
  return {{"source", fmt::format("{}:{}", r.source_host, r.source_port)},
          {"io_running", r.io_running},
          {"sql_running", r.sql_running},
          {"seconds_behind", r.seconds_behind ? json(*r.seconds_behind) : json(nullptr)},
          {"delay", r.sql_delay},
          {"remaining_delay", r.sql_remaining_delay ? json(*r.sql_remaining_delay) : json(nullptr)},
          {"using_gtid", r.using_gtid},
          {"gtid_slave_pos", s.gtid_slave_pos},
          {"last_error", r.last_error}};
}

void PrintState(const topology::ReplicaState& s) {
  const mysql::ReplicationStatus& r = s.status;
  fmt::print("replica of {}:{}: IO {}, SQL {}, {}\n", r.source_host, r.source_port,
             r.io_running ? "running" : "stopped", r.sql_running ? "running" : "stopped",
             r.seconds_behind ? fmt::format("{} s behind", *r.seconds_behind)
                              : std::string("lag unknown"));
  fmt::print("  delay: {}\n", r.sql_delay > 0 ? fmt::format("{} s (MASTER_DELAY)", r.sql_delay)
                                              : std::string("none"));
  fmt::print("  applied up to GTID {}\n", s.gtid_slave_pos.empty() ? "-" : s.gtid_slave_pos);
  if (!r.last_error.empty()) fmt::print("  last error: {}\n", r.last_error);
}

Status Print(const ReplicaCommandOptions& o, const topology::ReplicaState& s) {
  if (o.json) {
    fmt::print("{}\n", StateJson(s).dump(2));
  } else {
    PrintState(s);
  }
  std::fflush(stdout);
  return Status::OK();
}

// --datetime: the first transaction its primary logged after that time.
Result<binlog::Gtid> FirstAfter(const ReplicaCommandOptions& o, Session& session) {
  SAFEDDL_ASSIGN_OR_RETURN(uint32_t time, ParseBinlogDatetime(o.datetime));
  SAFEDDL_ASSIGN_OR_RETURN(topology::ReplicaState state, topology::ReadReplicaState(*session.conn));
  const std::string address =
      fmt::format("{}:{}", state.status.source_host, state.status.source_port);
  SAFEDDL_ASSIGN_OR_RETURN(mysql::ConnectOptions primary_options,
                           mysql::ReplicaConnectOptions(session.options, address));
  Result<std::unique_ptr<mysql::Connection>> primary = mysql::Connection::Open(primary_options);
  if (!primary.ok()) {
    return primary.status().WithContext(fmt::format(
        "--datetime looks the transaction up in the primary's binlog ({}), with this account",
        address));
  }
  binlog::ServerSourceOptions source;
  source.connect = primary_options;
  source.server_id = o.server_id != 0 ? o.server_id : DefaultBinlogServerId();
  SAFEDDL_ASSIGN_OR_RETURN(binlog::BinlogPosition oldest, binlog::OldestBinlogPosition(**primary));
  SAFEDDL_ASSIGN_OR_RETURN(std::optional<snapshot::TransactionMark> first,
                           snapshot::FirstTransactionAfter(**primary, source, oldest, time));
  if (!first) {
    return NotFoundError(fmt::format(
        "the primary ({}) has logged no transaction after {} UTC yet: nothing to stop before",
        address, o.datetime));
  }
  return *first->gtid;
}

}  // namespace

void SetupReplica(CLI::App& parent, CommandSlot& slot) {
  auto opts = std::make_shared<ReplicaCommandOptions>();
  CLI::App* cmd = parent.add_subcommand(
      "replica",
      "A replica's place in time, run against the replica: `replica delay --seconds N` keeps it "
      "N seconds behind (MASTER_DELAY); `replica stop-before --gtid G | --datetime T` applies "
      "everything before a bad transaction and stops there (then `safeddl snapshot "
      "--from-replica` and `restore --skip-gtid` take the rows back to the primary); `replica "
      "start` goes on; `replica status` shows it.\n"
      "Exit status: 0 done, 1 refused or failed, 2 connection or privileges, 64 usage.");
  CLI::App* status = cmd->add_subcommand("status", "Delay, threads, GTID position");
  CLI::App* delay = cmd->add_subcommand("delay", "Set MASTER_DELAY");
  CLI::App* stop =
      cmd->add_subcommand("stop-before", "Apply everything before a transaction, stop");
  CLI::App* start = cmd->add_subcommand("start", "Start replication again (with its delay)");
  delay->add_option("--seconds", opts->seconds, "The delay; 0 removes it")
      ->required()
      ->check(CLI::Range(0LL, 0x7fffffffLL));
  auto* gtid = stop->add_option("--gtid", opts->gtid, "The bad transaction (domain-server-seq)");
  auto* datetime =
      stop->add_option("--datetime", opts->datetime,
                       "Stop before the first transaction the primary logged after this time (UTC, "
                       "'YYYY-MM-DD HH:MM:SS'); the primary is reached with this account");
  gtid->excludes(datetime);
  stop->add_option("--wait", opts->wait, "How long to wait for the replica to get there")
      ->capture_default_str();
  stop->add_flag("--keep-delay", opts->keep_delay,
                 "Catch up at the delay's pace (default: the delay is lifted while it catches up "
                 "and put back once it has stopped)");
  stop->add_option("--replica-server-id", opts->server_id,
                   "server_id the primary's binlog is read as for --datetime");
  for (CLI::App* sub : {status, delay, stop, start}) {
    AddConnectionFlags(*sub, opts->connection);
    sub->add_flag("--json", opts->json, "Print the result as JSON");
  }
  cmd->require_subcommand(1);
  cmd->callback([opts, status, delay, stop, &slot] {
    if (status->parsed()) {
      slot = [opts] { return RunReplicaStatus(*opts); };
    } else if (delay->parsed()) {
      slot = [opts] { return RunReplicaDelay(*opts); };
    } else if (stop->parsed()) {
      slot = [opts] { return RunReplicaStopBefore(*opts); };
    } else {
      slot = [opts] { return RunReplicaStart(*opts); };
    }
  });
}

Status RunReplicaStatus(const ReplicaCommandOptions& o) {
  SAFEDDL_ASSIGN_OR_RETURN(Session session, OpenSession(o.connection));
  SAFEDDL_ASSIGN_OR_RETURN(topology::ReplicaState s, topology::ReadReplicaState(*session.conn));
  return Print(o, s);
}

Status RunReplicaDelay(const ReplicaCommandOptions& o) {
  SAFEDDL_ASSIGN_OR_RETURN(Session session, OpenSession(o.connection));
  SAFEDDL_ASSIGN_OR_RETURN(topology::ReplicaState s,
                           topology::SetReplicaDelay(*session.conn, o.seconds));
  return Print(o, s);
}

Status RunReplicaStart(const ReplicaCommandOptions& o) {
  SAFEDDL_ASSIGN_OR_RETURN(Session session, OpenSession(o.connection));
  SAFEDDL_ASSIGN_OR_RETURN(topology::ReplicaState s, topology::StartReplica(*session.conn));
  return Print(o, s);
}

Status RunReplicaStopBefore(const ReplicaCommandOptions& o) {
  if (o.gtid.empty() && o.datetime.empty()) {
    return InvalidArgumentError("stop-before needs --gtid or --datetime");
  }
  SAFEDDL_ASSIGN_OR_RETURN(std::chrono::seconds wait, ParseDurationFlag("--wait", o.wait));
  SAFEDDL_ASSIGN_OR_RETURN(Session session, OpenSession(o.connection));
  binlog::Gtid gtid;
  if (!o.gtid.empty()) {
    SAFEDDL_ASSIGN_OR_RETURN(gtid, binlog::ParseGtid(o.gtid));
  } else {
    SAFEDDL_ASSIGN_OR_RETURN(gtid, FirstAfter(o, session));
  }
  SAFEDDL_ASSIGN_OR_RETURN(topology::StopBeforeReport r,
                           topology::StopBefore(*session.conn, gtid, wait, o.keep_delay));
  if (o.json) {
    fmt::print("{}\n", json{{"stopped_before", r.before.ToString()},
                            {"gtid_slave_pos", r.gtid_slave_pos},
                            {"delay", r.delay},
                            {"already_there", r.already_there},
                            {"waited_ms", r.waited.count()}}
                           .dump(2));
  } else {
    fmt::print(
        "replica stopped before {}: applied up to {}{}\n", r.before.ToString(), r.gtid_slave_pos,
        r.already_there ? " (it was there already)"
                        : fmt::format(" after {}", HumanDuration(r.waited.count() / 1000.0)));
    if (r.delay > 0) fmt::print("  MASTER_DELAY is {} s again\n", r.delay);
    fmt::print(
        "  its tables hold the rows as they were before {}; take them to the primary "
        "with `safeddl snapshot --from-replica HOST:PORT` (run against the primary), then "
        "`safeddl replica start` here\n",
        r.before.ToString());
  }
  std::fflush(stdout);
  return Status::OK();
}

}  // namespace safeddl::cli
