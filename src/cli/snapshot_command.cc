#include "cli/snapshot_command.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/binlog_command.h"
#include "common/log.h"
#include "mysql/replication.h"
#include "osc/load_thresholds.h"
#include "snapshot/catalog.h"
#include "snapshot/from_replica.h"
#include "snapshot/take.h"
#include "snapshot/to_file.h"

namespace safeddl::cli {
namespace {

constexpr int kJsonIndent = 2;

nlohmann::json RecordJson(const snapshot::SnapshotRecord& s) {
  return {{"id", s.id},
          {"state", s.state},
          {"source", {{"database", s.source_db}, {"table", s.source_table}}},
          {"table", fmt::format("{}.{}", snapshot::kSnapshotSchema, s.snapshot_table)},
          {"where", s.where.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.where)},
          {"rows", s.rows},
          {"checksum", s.checksum},
          {"binlog", {{"file", s.binlog_file}, {"position", s.binlog_position}}},
          {"gtid", s.gtid},
          {"started_at", s.started_at},
          {"taken_at", s.taken_at}};
}

void PrintRecord(const snapshot::SnapshotRecord& s) {
  fmt::print("snapshot {} ({}): `{}`.`{}`{} -> `{}`.`{}`\n", s.id, s.state, s.source_db,
             s.source_table, s.where.empty() ? "" : " WHERE " + s.where, snapshot::kSnapshotSchema,
             s.snapshot_table);
  if (s.state == "ready") {
    fmt::print("  {} rows, checksum {}, consistent at {}:{} (GTID {}), {}\n", s.rows, s.checksum,
               s.binlog_file, s.binlog_position, s.gtid.empty() ? "-" : s.gtid, s.taken_at);
  }
}

// --to-file: the snapshot taken on the server is written out, then dropped there.
Status WriteToFile(const mysql::ConnectOptions& connect, const SnapshotCommandOptions& o,
                   const snapshot::SnapshotRecord& taken) {
  SAFEDDL_ASSIGN_OR_RETURN(auto conn, mysql::Connection::Open(connect));
  const bool tty = ::isatty(STDERR_FILENO) != 0;
  Result<snapshot::FileWritten> written =
      snapshot::WriteSnapshotFile(*conn, taken, o.to_file, [tty](int64_t rows) {
        if (tty) fmt::print(stderr, "\rsafeddl: snapshot: {} rows written", rows);
      });
  if (tty) fmt::print(stderr, "\n");
  const Status dropped = snapshot::DropSnapshot(*conn, taken.id);
  SAFEDDL_RETURN_IF_ERROR(written.status().WithContext(
      fmt::format("writing the snapshot of `{}`.`{}` to {} failed, nothing was kept", o.database,
                  o.table, o.to_file)));
  if (!dropped.ok()) {
    LogWarning(
        "the file is complete, but the copy on the server could not be dropped: {} "
        "(`safeddl snapshot drop {}`)",
        dropped.ToString(), taken.id);
  }
  if (o.json) {
    nlohmann::json j = RecordJson(taken);
    j.erase("id");
    j.erase("state");
    j.erase("table");
    j["file"] = o.to_file;
    j["bytes"] = written->bytes;
    fmt::print("{}\n", j.dump(kJsonIndent));
  } else {
    fmt::print("snapshot of `{}`.`{}`{} written to {}: {} rows, {:.1f} MiB\n", taken.source_db,
               taken.source_table, taken.where.empty() ? "" : " WHERE " + taken.where, o.to_file,
               written->rows, static_cast<double>(written->bytes) / (1 << 20));
    fmt::print("  consistent at {}:{} (GTID {}), {}; load it with `mariadb {} < {}`\n",
               taken.binlog_file, taken.binlog_position, taken.gtid.empty() ? "-" : taken.gtid,
               taken.taken_at, taken.source_db, o.to_file);
  }
  return Status::OK();
}

// --from-replica: the rows of a stopped replica, kept on the primary.
Status SnapshotFromReplica(const SnapshotCommandOptions& o) {
  if (!o.to_file.empty()) {
    return InvalidArgumentError(
        "--from-replica keeps the rows on the primary; leave out --to-file");
  }
  SAFEDDL_ASSIGN_OR_RETURN(Session session, OpenSession(o.connection));
  SAFEDDL_ASSIGN_OR_RETURN(mysql::ConnectOptions replica_options,
                           mysql::ReplicaConnectOptions(session.options, o.from_replica));
  Result<std::unique_ptr<mysql::Connection>> replica = mysql::Connection::Open(replica_options);
  if (!replica.ok()) {
    return replica.status().WithContext("--from-replica " + o.from_replica);
  }
  binlog::ServerSourceOptions source;
  source.connect = session.options;
  source.server_id = o.server_id != 0 ? o.server_id : DefaultBinlogServerId();
  Result<snapshot::FromReplicaSnapshot> taken =
      snapshot::TakeFromReplica(*session.conn, **replica, source, {o.database, o.table, o.where});
  if (!taken.ok()) {
    return taken.status().WithContext(
        fmt::format("snapshot of `{}`.`{}` from {} failed, nothing was kept", o.database, o.table,
                    o.from_replica));
  }
  const std::string next = taken->next ? taken->next->ToString() : "";
  if (o.json) {
    nlohmann::json j = RecordJson(taken->record);
    j["from_replica"] = o.from_replica;
    j["replica_gtid"] = taken->replica_gtid;
    j["next_gtid"] = next.empty() ? nlohmann::json(nullptr) : nlohmann::json(next);
    fmt::print("{}\n", j.dump(kJsonIndent));
  } else {
    PrintRecord(taken->record);
    fmt::print("  taken from replica {} at GTID {}\n", o.from_replica, taken->replica_gtid);
    if (!next.empty()) {
      fmt::print(
          "  the primary's next transaction is {}; if it is the bad one: safeddl restore "
          "{} --skip-gtid {} (add --execute)\n",
          next, taken->record.id, next);
    }
  }
  return Status::OK();
}

}  // namespace

void SetupSnapshot(CLI::App& parent, CommandSlot& slot) {
  auto opts = std::make_shared<SnapshotCommandOptions>();
  CLI::App* cmd = parent.add_subcommand(
      "snapshot",
      "Keep a table's rows (or a --where's) before a change: copied online into the snapshot "
      "schema, consistent at a binlog position recorded with them. `snapshot list`, `snapshot "
      "drop ID`.\nExit status: 0 done, 1 failed (nothing kept), 2 connection, 64 usage.");
  AddConnectionFlags(*cmd, opts->connection);
  cmd->add_option("--database", opts->database, "Schema of the table");
  cmd->add_option("--table", opts->table, "Table to keep the rows of");
  cmd->add_option("--where", opts->where,
                  "Only the rows this condition selects (as mariadb-dump --where)");
  cmd->add_option("--chunk-size", opts->chunk_size, "Rows per copy chunk, to start with")
      ->check(CLI::Range(int64_t{10}, int64_t{100000}));
  cmd->add_option("--replica-server-id", opts->server_id,
                  "server_id the binlog is read as (default: one per process)");
  cmd->add_option("--max-lag-millis", opts->max_lag_millis,
                  "Pause the copy while a replica lags more than this")
      ->capture_default_str();
  cmd->add_option("--max-load", opts->max_load,
                  "Pause the copy while a status variable reaches this, e.g. Threads_running=25");
  cmd->add_option("--critical-load", opts->critical_load,
                  "Stop (nothing kept) when a status variable reaches this");
  cmd->add_option("--throttle-flag-file", opts->throttle_flag_file,
                  "Pause the copy while this file exists");
  cmd->add_option("--to-file", opts->to_file,
                  "Write the rows to this SQL file (with the coordinates in its header) instead of "
                  "keeping them on the server; it must not exist");
  cmd->add_option("--from-replica", opts->from_replica,
                  "Take the rows from this replica (HOST:PORT, reached with the same account), "
                  "stopped in the past by `safeddl replica stop-before`, to the primary's "
                  "snapshot schema; `restore ID --skip-gtid G` then puts back what G destroyed");
  cmd->add_flag("--json", opts->json, "Print the result as JSON");
  CLI::App* list = cmd->add_subcommand("list", "The snapshots kept, oldest first");
  CLI::App* drop = cmd->add_subcommand("drop", "Remove a snapshot (its table and catalog entry)");
  drop->add_option("id", opts->drop_id, "The snapshot's id (see `snapshot list`)")->required();
  for (CLI::App* sub : {list, drop}) {
    AddConnectionFlags(*sub, opts->connection);
    sub->add_flag("--json", opts->json, "Print the result as JSON");
  }
  cmd->require_subcommand(0, 1);
  cmd->callback([opts, list, drop, &slot] {
    if (list->parsed()) {
      slot = [opts] { return RunSnapshotList(*opts); };
    } else if (drop->parsed()) {
      slot = [opts] { return RunSnapshotDrop(*opts); };
    } else {
      slot = [opts] { return RunSnapshot(*opts); };
    }
  });
}

Status RunSnapshot(const SnapshotCommandOptions& o) {
  if (o.database.empty() || o.table.empty()) {
    return InvalidArgumentError("snapshot needs --database and --table");
  }
  if (!o.to_file.empty() && ::access(o.to_file.c_str(), F_OK) == 0) {
    return AlreadyExistsError(o.to_file + " exists: remove it or name another file");
  }
  if (!o.from_replica.empty()) return SnapshotFromReplica(o);
  SAFEDDL_ASSIGN_OR_RETURN(mysql::ConnectOptions connect, ResolveConnectOptions(o.connection));
  snapshot::SnapshotRequest request;
  request.database = o.database;
  request.table = o.table;
  request.where = o.where;
  request.chunk_size = o.chunk_size;
  request.server_id = o.server_id != 0 ? o.server_id : DefaultBinlogServerId();
  request.throttle.max_lag_millis = o.max_lag_millis;
  request.throttle.throttle_flag_file = o.throttle_flag_file;
  SAFEDDL_ASSIGN_OR_RETURN(request.throttle.max_load,
                           osc::ParseLoadThresholds(o.max_load, "--max-load"));
  SAFEDDL_ASSIGN_OR_RETURN(request.throttle.critical_load,
                           osc::ParseLoadThresholds(o.critical_load, "--critical-load"));
  const bool tty = ::isatty(STDERR_FILENO) != 0;
  Result<snapshot::SnapshotRecord> taken =
      snapshot::TakeSnapshot(connect, request, [tty](int64_t rows) {
        if (tty) fmt::print(stderr, "\rsafeddl: snapshot: {} rows copied", rows);
      });
  if (tty) fmt::print(stderr, "\n");
  if (!taken.ok()) {
    return taken.status().WithContext(
        fmt::format("snapshot of `{}`.`{}` failed, nothing was kept", o.database, o.table));
  }
  if (!o.to_file.empty()) return WriteToFile(connect, o, *taken);
  if (o.json) {
    fmt::print("{}\n", RecordJson(*taken).dump(kJsonIndent));
  } else {
    PrintRecord(*taken);
  }
  return Status::OK();
}

Status RunSnapshotList(const SnapshotCommandOptions& o) {
  SAFEDDL_ASSIGN_OR_RETURN(Session session, OpenSession(o.connection));
  SAFEDDL_ASSIGN_OR_RETURN(std::vector<snapshot::SnapshotRecord> all,
                           snapshot::ListSnapshots(*session.conn));
  if (o.json) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& s : all) j.push_back(RecordJson(s));
    fmt::print("{}\n", j.dump(kJsonIndent));
  } else if (all.empty()) {
    fmt::print("no snapshots\n");
  } else {
    for (const auto& s : all) PrintRecord(s);
  }
  return Status::OK();
}

Status RunSnapshotDrop(const SnapshotCommandOptions& o) {
  SAFEDDL_ASSIGN_OR_RETURN(Session session, OpenSession(o.connection));
  SAFEDDL_RETURN_IF_ERROR(snapshot::DropSnapshot(*session.conn, o.drop_id));
  if (o.json) {
    fmt::print("{}\n", nlohmann::json{{"dropped", o.drop_id}}.dump());
  } else {
    fmt::print("snapshot {} dropped\n", o.drop_id);
  }
  return Status::OK();
}

}  // namespace safeddl::cli
